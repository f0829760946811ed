import { createAdapter, isOrchError, sharesEngine } from '@orch/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { sqliteUrl, tempDir } from './helpers.js';

const tmp = tempDir('orch-sqlite-shared-');
afterAll(() => tmp.cleanup());

describe('the stores of one SQLite file share its engine', () => {
  for (const mode of ['worker', 'inline'] as const) {
    it(`vector and graph writes inside an operational transaction commit and roll back with it (${mode})`, async () => {
      const url = sqliteUrl(tmp.file(`joined-${mode}.db`), `mode=${mode}`);
      const ops = await createAdapter('operational', url);
      const vectors = await createAdapter('vector', url);
      const graph = await createAdapter('graph', url);
      expect(sharesEngine(ops, vectors)).toBe(true);
      expect(sharesEngine(ops, graph)).toBe(true);
      await ops.execute('CREATE TABLE rows (id TEXT PRIMARY KEY)');
      await vectors.ensureCollection('tasks', { dimension: 2 });

      await ops.transaction(async (tx) => {
        await tx.execute('INSERT INTO rows (id) VALUES (?)', ['kept']);
        await vectors.upsert('tasks', [{ id: 'kept', vector: [1, 0] }]);
        await graph.upsertNodes([{ id: 'kept' }]);
        // Inside the transaction the joined stores see its uncommitted writes.
        expect(await vectors.count('tasks')).toBe(1);
      });
      const aborted = await ops
        .transaction(async (tx) => {
          await tx.execute('INSERT INTO rows (id) VALUES (?)', ['gone']);
          await vectors.upsert('tasks', [{ id: 'gone', vector: [0, 1] }]);
          await graph.upsertNodes([{ id: 'gone' }]);
          await graph.upsertEdges([{ from: 'gone', to: 'kept', type: 'DEPENDS_ON' }]);
          throw new Error('abort');
        })
        .catch((e: unknown) => e);
      expect((aborted as Error).message).toBe('abort');

      expect(await ops.query('SELECT id FROM rows')).toEqual([{ id: 'kept' }]);
      expect((await vectors.get('tasks', ['kept', 'gone'])).map((r) => r.id)).toEqual(['kept']);
      expect((await graph.getNodes(['kept', 'gone'])).map((n) => n.id)).toEqual(['kept']);
      expect(await graph.getEdges('kept', { direction: 'in' })).toEqual([]);
      await Promise.all([ops.close(), vectors.close(), graph.close()]);
    });
  }

  it('does not share where a connection could not run the other store’s statements', async () => {
    const file = tmp.file('novec.db');
    const noVec = await createAdapter('operational', sqliteUrl(file, 'vec=0'));
    const vectors = await createAdapter('vector', sqliteUrl(file));
    const graphNoVec = await createAdapter('graph', sqliteUrl(file, 'vec=0'));
    expect(sharesEngine(noVec, vectors)).toBe(false);
    expect(sharesEngine(noVec, graphNoVec)).toBe(true);
    const memory = await createAdapter('operational', 'sqlite::memory:');
    expect(memory.engineKey).toBeUndefined();
    const client = new Database(tmp.file('client.db'));
    const injected = await createAdapter('operational', { url: sqliteUrl(tmp.file('client.db')), client });
    expect(injected.engineKey).toBeUndefined();
    expect(sharesEngine(injected, await createAdapter('graph', sqliteUrl(tmp.file('client.db'))))).toBe(
      false,
    );
    await Promise.all([noVec.close(), vectors.close(), graphNoVec.close(), memory.close(), injected.close()]);
    client.close();
  });

  it('a pipelined RELEASE that fails fails the next statement, and the transaction commits nothing', async () => {
    const store = await createAdapter('operational', sqliteUrl(tmp.file('release.db')));
    await store.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    const err = await store
      .transaction(async (tx) => {
        await tx.transaction(async (sp) => {
          await sp.execute('INSERT INTO t (id) VALUES (1)');
          // Released behind the store's back: its own RELEASE, sent without waiting, then fails.
          await sp.execute('RELEASE SAVEPOINT orch_sp_2');
        });
        await tx.execute('INSERT INTO t (id) VALUES (2)');
      })
      .catch((e: unknown) => e);
    expect(isOrchError(err)).toBe(true);
    expect((err as Error).message).toMatch(/no such savepoint/i);
    expect(await store.query('SELECT id FROM t')).toEqual([]);
    await store.transaction((tx) => tx.execute('INSERT INTO t (id) VALUES (3)'));
    expect(await store.query('SELECT id FROM t')).toEqual([{ id: 3 }]);
    await store.close();
  });
});
