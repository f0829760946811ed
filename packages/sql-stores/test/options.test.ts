import { isOrchError, type SqlExecutor } from '@orch/core';
import { postgresDialect } from '@orch/core/adapter-kit';
import { describe, expect, it } from 'vitest';
import { SqlGraphStore, SqlVectorStore, sqliteVecFunctions } from '../src/index.js';
import { engines } from './helpers/engines.js';

const [sqlite] = engines;

describe('store options', () => {
  it('refuse approximateIndex for an engine without one', async () => {
    const executor = sqlite!.open();
    let err: unknown;
    try {
      new SqlVectorStore({
        executor,
        scheme: 'sqlite',
        functions: sqliteVecFunctions,
        approximateIndex: true,
      });
    } catch (e) {
      err = e;
    }
    await executor.close();
    expect(isOrchError(err, 'ORCH_INVALID_CONFIG')).toBe(true);
    expect((err as Error).message).toContain('sqlite-vec has no approximate index');
  });

  it('accept a function returning the executor, resolved on connect', async () => {
    const executor = sqlite!.open();
    let calls = 0;
    const graph = new SqlGraphStore({
      executor: async () => {
        calls++;
        return executor;
      },
      scheme: 'sqlite',
    });
    expect(calls).toBe(0);
    await graph.upsertNodes([{ id: 'a' }]);
    await graph.getNode('a');
    expect(calls).toBe(1);
    await graph.close();
    await executor.close();
  });

  it('close an owned executor and leave an injected one open', async () => {
    const owned = sqlite!.open();
    const injected = sqlite!.open();
    const a = new SqlGraphStore({ executor: owned, scheme: 'sqlite', ownsExecutor: true });
    const b = new SqlVectorStore({ executor: injected, scheme: 'sqlite', functions: sqliteVecFunctions });
    await a.connect();
    await b.connect();
    await a.close();
    await b.close();
    expect(owned.closed).toBe(true);
    expect(injected.closed).toBe(false);
    await injected.close();
  });

  it('use the table prefix and refuse one that is not an identifier', async () => {
    const executor = sqlite!.open();
    const graph = new SqlGraphStore({ executor, scheme: 'sqlite', tablePrefix: 'app_graph' });
    const vectors = new SqlVectorStore({
      executor,
      scheme: 'sqlite',
      functions: sqliteVecFunctions,
      tablePrefix: 'app_vec',
    });
    await graph.upsertNodes([{ id: 'a' }]);
    await vectors.ensureCollection('docs', { dimension: 2 });
    const tables = await executor.query<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    expect(tables.map((t) => t.name)).toEqual([
      'app_graph_edges',
      'app_graph_nodes',
      'app_vec_c1',
      'app_vec_collections',
    ]);
    expect(() => new SqlGraphStore({ executor, scheme: 'sqlite', tablePrefix: 'x; DROP TABLE y' })).toThrow(
      expect.objectContaining({ code: 'ORCH_INVALID_CONFIG' }),
    );
    await graph.close();
    await vectors.close();
    await executor.close();
  });

  it('refuse an executor of another dialect', async () => {
    const postgres = { dialect: postgresDialect, query: async () => [] } as unknown as SqlExecutor;
    const graph = new SqlGraphStore({ executor: postgres, scheme: 'sqlite' });
    const err = await graph.connect().catch((e: unknown) => e);
    expect(isOrchError(err, 'ORCH_INVALID_CONFIG')).toBe(true);
  });

  it('report executor errors with the store kind and the executor error as cause', async () => {
    const executor = sqlite!.open();
    const graph = new SqlGraphStore({ executor, scheme: 'sqlite' });
    await graph.connect();
    await executor.close();
    const err = await graph.getNode('a').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ORCH_CLOSED', kind: 'graph' });
    expect((err as Error).cause).toMatchObject({ kind: 'operational' });
    await graph.close();
  });

  it('re-create their tables when a first use inside a rolled-back transaction took them away', async () => {
    const executor = sqlite!.open();
    const graph = new SqlGraphStore({ executor, scheme: 'sqlite' });
    const vectors = new SqlVectorStore({ executor, scheme: 'sqlite', functions: sqliteVecFunctions });
    await expect(
      executor.transaction(async () => {
        await graph.upsertNodes([{ id: 'a' }]);
        await vectors.ensureCollection('docs', { dimension: 2 });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await graph.getNode('a')).toBeNull();
    await graph.upsertNodes([{ id: 'b' }]);
    expect(await graph.getNode('b')).toMatchObject({ id: 'b' });
    await expect(vectors.count('docs')).rejects.toMatchObject({ code: 'ORCH_NOT_FOUND' });
    expect(await vectors.listCollections()).toEqual([]);
    await vectors.ensureCollection('docs', { dimension: 2 });
    expect(await vectors.count('docs')).toBe(0);
    await graph.close();
    await vectors.close();
    await executor.close();
  });

  it('join a transaction of the executor they share, so graph and vector writes roll back with it', async () => {
    const executor = sqlite!.open();
    const graph = new SqlGraphStore({ executor, scheme: 'sqlite' });
    const vectors = new SqlVectorStore({ executor, scheme: 'sqlite', functions: sqliteVecFunctions });
    await vectors.ensureCollection('tasks', { dimension: 2 });
    await graph.upsertNodes([{ id: 'existing' }]);
    await expect(
      executor.transaction(async (tx) => {
        await tx.execute('CREATE TABLE tasks (id TEXT PRIMARY KEY)');
        await tx.execute('INSERT INTO tasks VALUES (?)', ['t1']);
        await graph.upsertNodes([{ id: 't1' }]);
        await graph.upsertEdges([{ from: 't1', to: 'existing', type: 'DEPENDS_ON' }]);
        await vectors.upsert('tasks', [{ id: 't1', vector: [1, 0] }]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await graph.getNode('t1')).toBeNull();
    expect(await graph.getEdges('existing')).toEqual([]);
    expect(await vectors.count('tasks')).toBe(0);
    await graph.close();
    await vectors.close();
    await executor.close();
  });
});
