import { Worker } from 'node:worker_threads';
import { createAdapter } from '@orch/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import '../src/index.js';
import { sqliteUrl, tempDir } from './helpers.js';

const tmp = tempDir('orch-sqlite-messages-');
afterAll(() => tmp.cleanup());

// Counts the messages this thread posts to the store's worker threads.
const originalPost = Worker.prototype.postMessage;
let posted: unknown[] = [];
function countMessages(): void {
  posted = [];
  Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: never) {
    posted.push(message);
    return originalPost.call(this, message, transfer);
  };
}
afterEach(() => {
  Worker.prototype.postMessage = originalPost;
});

describe('statements issued in one turn of the event loop travel together', () => {
  it('four reads issued at once reach a reader in one message, and each gets its own rows', async () => {
    const store = await createAdapter('operational', sqliteUrl(tmp.file('reads.db')));
    await store.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    await store.executeMany(
      'INSERT INTO t (id, name) VALUES (?, ?)',
      Array.from({ length: 4 }, (_, i) => [i, `n${i}`]),
    );
    countMessages();
    // Not a lookup by key (a scan of t), so the readers answer it.
    const rows = await Promise.all(
      [0, 1, 2, 3].map((id) => store.query<{ name: string }>('SELECT name FROM t WHERE id + 0 = ?', [id])),
    );
    expect(rows).toEqual([[{ name: 'n0' }], [{ name: 'n1' }], [{ name: 'n2' }], [{ name: 'n3' }]]);
    expect(posted).toHaveLength(1);
    // Lookups by key are answered in this thread: no message at all.
    countMessages();
    const keyed = await Promise.all(
      [0, 1, 2, 3].map((id) => store.query<{ name: string }>('SELECT name FROM t WHERE id = ?', [id])),
    );
    expect(keyed).toEqual(rows);
    expect(posted).toHaveLength(0);
    await store.close();
  });

  it('many reads at once are still spread over the readers', async () => {
    const store = await createAdapter('operational', sqliteUrl(tmp.file('spread.db'), 'readers=2'));
    await store.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    await store.executeMany(
      'INSERT INTO t (id) VALUES (?)',
      Array.from({ length: 64 }, (_, i) => [i]),
    );
    countMessages();
    const rows = await Promise.all(
      Array.from({ length: 64 }, (_, id) =>
        store.query<{ id: number }>('SELECT id FROM t WHERE id + 0 = ?', [id]),
      ),
    );
    expect(rows.map((r) => r[0]!.id)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(posted.length).toBeGreaterThanOrEqual(2);
    await store.close();
  });

  it('writes issued together in a transaction share a message and keep their order', async () => {
    const store = await createAdapter('operational', sqliteUrl(tmp.file('writes.db')));
    await store.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL)');
    countMessages();
    await store.transaction(async (tx) => {
      await Promise.all([
        tx.execute('INSERT INTO t (id, seq) VALUES (1, 1)'),
        tx.execute('UPDATE t SET seq = seq + 1 WHERE id = 1'),
        tx.execute('UPDATE t SET seq = seq * 10 WHERE id = 1'),
      ]);
    });
    // BEGIN and the three statements in one message, then the COMMIT.
    expect(posted).toHaveLength(2);
    expect(await store.query('SELECT seq FROM t')).toEqual([{ seq: 20 }]);
    await store.close();
  });

  it('a failing statement in a shared message fails alone; the ones around it still answer', async () => {
    const store = await createAdapter('operational', sqliteUrl(tmp.file('failing.db')));
    await store.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    await store.execute('INSERT INTO t (id) VALUES (1)');
    countMessages();
    const settled = await Promise.allSettled([
      store.execute('INSERT INTO t (id) VALUES (2)'),
      store.execute('INSERT INTO t (id) VALUES (1)'),
      store.execute('INSERT INTO t (id) VALUES (3)'),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[1]).toMatchObject({ reason: { code: 'ORCH_CONSTRAINT_VIOLATION' } });
    expect(await store.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    await store.close();
  });
});

describe('graph edges need no answer before the next write', () => {
  it('edges issued right behind their nodes travel in the nodes’ message, and again when nothing changes', async () => {
    const graph = await createAdapter('graph', sqliteUrl(tmp.file('graph-edges.db')));
    const nodes = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const edges = [
      { from: 'a', to: 'b', type: 'DEPENDS_ON', properties: { w: 1 } },
      { from: 'b', to: 'c', type: 'DEPENDS_ON' },
    ];
    countMessages();
    await Promise.all([graph.upsertNodes(nodes), graph.upsertEdges(edges)]);
    expect(posted).toHaveLength(1);
    // The same edges again update every row: still counted as changed, so no second look.
    countMessages();
    await graph.upsertEdges(edges);
    expect(posted).toHaveLength(1);
    expect((await graph.getEdges('a', { direction: 'out' })).map((e) => [e.to, e.properties])).toEqual([
      ['b', { w: 1 }],
    ]);
    await graph.close();
  });

  it('an edge to a missing node writes none of the call and names the node', async () => {
    const graph = await createAdapter('graph', sqliteUrl(tmp.file('graph-missing.db')));
    await graph.upsertNodes([{ id: 'a' }, { id: 'b' }]);
    await graph.upsertEdges([{ from: 'a', to: 'b', type: 'R', properties: { v: 'old' } }]);
    const failed = graph.upsertEdges([
      { from: 'a', to: 'b', type: 'R', properties: { v: 'new' } },
      { from: 'a', to: 'ghost', type: 'R' },
    ]);
    await expect(failed).rejects.toMatchObject({ code: 'ORCH_NOT_FOUND', details: { missing: ['ghost'] } });
    expect((await graph.getEdges('a', { direction: 'out' })).map((e) => [e.to, e.properties])).toEqual([
      ['b', { v: 'old' }],
    ]);
    await graph.close();
  });
});
