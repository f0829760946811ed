import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlGraphStore, SqlVectorStore, sqliteVecFunctions } from '../src/index.js';
import type { SqliteFamilyStore } from '../src/sqlite-family/index.js';
import { isKeyedPlan } from '../src/sqlite-family/point-reads.js';
import { engines } from './helpers/engines.js';
import { tempDir } from './helpers/temp.js';

const require = createRequire(import.meta.url);
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const SCHEMA = `
  CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, g INTEGER NOT NULL, v TEXT);
  CREATE INDEX t_g ON t (g);
  CREATE TABLE u (id TEXT PRIMARY KEY, t_id INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX u_t ON u (t_id);`;

/** A recursive query that keeps a reader busy for about `ms` (counted in SQLite, not JavaScript). */
const busyFor = (ms: number) =>
  `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${ms * 20_000}) SELECT count(*) AS n FROM c`;

const answered = async (store: SqliteFamilyStore) =>
  (await store.health()).details.inlinePointReads as number | false;

const sqlite = engines.find((e) => e.driver === 'better-sqlite3')!;
const libsql = engines.find((e) => e.driver === 'libsql')!;

describe('isKeyedPlan, on the plans SQLite gives', () => {
  const Database = require('better-sqlite3') as new (
    path: string,
  ) => {
    exec(sql: string): void;
    prepare(sql: string): { all(...params: unknown[]): { detail: string }[] };
    close(): void;
  };
  const db = new Database(':memory:');
  db.exec(SCHEMA);
  afterAll(() => db.close());
  const plan = (sql: string) =>
    db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...Array.from({ length: sql.split('?').length - 1 }, () => 1))
      .map((r) => r.detail);

  it('takes lookups by equality on a key or an index, joins of them and sorts of their rows', () => {
    for (const sql of [
      'SELECT * FROM t WHERE id = ?',
      'SELECT v FROM t WHERE k = ?',
      'SELECT id FROM t WHERE g = ? ORDER BY v',
      'SELECT * FROM t WHERE id IN (?, ?, ?)',
      'SELECT * FROM u WHERE id = ?',
      'SELECT u.id FROM u WHERE t_id = ? ORDER BY id',
      'SELECT t.v, u.id FROM t JOIN u ON u.t_id = t.id WHERE t.k = ?',
      'SELECT DISTINCT v FROM t WHERE g = ?',
    ])
      expect([sql, isKeyedPlan(plan(sql))]).toEqual([sql, true]);
  });

  it('refuses scans, ranges, subqueries, CTEs, table-valued functions, groups and constant rows', () => {
    for (const sql of [
      'SELECT * FROM t',
      'SELECT count(*) AS n FROM t',
      'SELECT * FROM t WHERE v = ?',
      'SELECT * FROM t WHERE id > ?',
      'SELECT * FROM t WHERE g = ? AND id < ?',
      'SELECT * FROM t WHERE id = ? AND (SELECT count(*) FROM u) > 0',
      'SELECT g, count(*) FROM t WHERE g = ? GROUP BY v',
      busyFor(1),
      'SELECT value FROM json_each(?)',
      'SELECT 1',
      'SELECT * FROM t WHERE id = ? UNION SELECT * FROM t WHERE id = ?',
    ])
      expect([sql, isKeyedPlan(plan(sql))]).toEqual([sql, false]);
  });
});

describe('keyed point reads in the caller’s thread (worker mode)', () => {
  let n = 0;
  const open = async (options = {}) => {
    const store = sqlite.open(tmp.file(`points-${n++}.db`), { worker: true, readers: 2, ...options });
    await store.connect();
    for (const sql of SCHEMA.split(';').filter((s) => s.trim())) await store.execute(sql);
    await store.executeMany(
      'INSERT INTO t (id, k, g, v) VALUES (?, ?, ?, ?)',
      Array.from({ length: 1000 }, (_, i) => [i, `k${i}`, i % 3, `v${i}`]),
    );
    return store;
  };

  it('answers lookups by key here and leaves every other read to the readers', async () => {
    const store = await open();
    expect(await answered(store)).toBe(0);
    expect(await store.query('SELECT v FROM t WHERE id = ?', [7])).toEqual([{ v: 'v7' }]);
    expect(await store.query('SELECT id FROM t WHERE k = ?', ['k9'])).toEqual([{ id: 9 }]);
    expect(await store.query('SELECT id FROM t WHERE k = ?', ['none'])).toEqual([]);
    expect(await answered(store)).toBe(3);
    expect(await store.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 1000 }]);
    expect(await store.query('SELECT id FROM t WHERE id > ? ORDER BY id LIMIT 2', [997])).toEqual([
      { id: 998 },
      { id: 999 },
    ]);
    expect(await answered(store)).toBe(3);
    // Reads that need the writer's connection still reach it.
    await store.execute('INSERT INTO t (id, k, g, v) VALUES (?, ?, ?, ?)', [5000, 'k5000', 0, 'x']);
    expect(await store.query('SELECT last_insert_rowid() AS id')).toEqual([{ id: 5000 }]);
    await store.execute('CREATE TEMP TABLE scratch (id INTEGER PRIMARY KEY, x)');
    await store.execute('INSERT INTO scratch VALUES (1, 7)');
    expect(await store.query('SELECT x FROM scratch WHERE id = ?', [1])).toEqual([{ x: 7 }]);
    await expect(store.query('SELECT * FROM missing WHERE id = ?', [1])).rejects.toMatchObject({
      code: 'ORCH_QUERY_FAILED',
      details: { driverCode: 'SQLITE_ERROR' },
    });
    expect(await answered(store)).toBe(3);
    await store.close();
  });

  it('sees every committed write and none of a transaction still open', async () => {
    const store = await open();
    const get = async (id: number) =>
      (await store.query<{ v: string }>('SELECT v FROM t WHERE id = ?', [id]))[0]?.v;
    await store.execute('UPDATE t SET v = ? WHERE id = ?', ['changed', 1]);
    expect(await get(1)).toBe('changed');
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const tx = store.transaction(async (t) => {
      await t.execute('UPDATE t SET v = ? WHERE id = ?', ['uncommitted', 1]);
      await t.execute('INSERT INTO t (id, k, g, v) VALUES (?, ?, ?, ?)', [2000, 'k2000', 0, 'new']);
      inside();
      await held;
    });
    await entered;
    const before = await answered(store);
    expect(await get(1)).toBe('changed');
    expect(await get(2000)).toBeUndefined();
    expect(await answered(store)).toBe((before as number) + 2);
    release();
    await tx;
    expect(await get(1)).toBe('uncommitted');
    expect(await get(2000)).toBe('new');
    await store.close();
  });

  it('answers while both readers are busy with long queries', async () => {
    const store = await open();
    const slow = [store.query(busyFor(300)), store.query(busyFor(300))];
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    expect(await store.query('SELECT v FROM t WHERE k = ?', ['k3'])).toEqual([{ v: 'v3' }]);
    const pointMs = performance.now() - started;
    let slowDone = false;
    const both = Promise.all(slow).then(() => {
      slowDone = true;
    });
    expect(slowDone).toBe(false);
    expect(pointMs).toBeLessThan(500);
    await both;
    await store.close();
  });

  it('a statement that returned many rows goes to the readers from then on', async () => {
    const store = await open();
    const group = 'SELECT id FROM t WHERE g = ?';
    expect(await store.query(group, [1])).toHaveLength(333);
    expect(await answered(store)).toBe(1);
    expect(await store.query(group, [2])).toHaveLength(333);
    expect(await store.query(group, [0])).toHaveLength(334);
    expect(await answered(store)).toBe(1);
    await store.close();
  });

  it('lets timers run during a long loop of awaited point reads', async () => {
    const store = await open();
    let firedAt = -1;
    let i = 0;
    setTimeout(() => {
      firedAt = i;
    }, 0);
    for (; i < 20_000; i++) await store.query('SELECT v FROM t WHERE id = ?', [i % 1000]);
    expect(firedAt).toBeGreaterThanOrEqual(0);
    expect(firedAt).toBeLessThan(20_000);
    expect(await answered(store)).toBe(20_000);
    await store.close();
  });

  it('include graph nodes, vector records by id and each level of a neighbours search; long id lists go to the readers', async () => {
    const store = await open();
    const graph = new SqlGraphStore({ executor: store, scheme: 'sqlite' });
    const vectors = new SqlVectorStore({ executor: store, scheme: 'sqlite', functions: sqliteVecFunctions });
    const ids = Array.from({ length: 300 }, (_, i) => `n${i}`);
    await graph.upsertNodes(ids.map((id, i) => ({ id, labels: ['Task'], properties: { i } })));
    // A chain n0 -> n1 -> … and a back edge, so `both` and a type filter have something to do.
    await graph.upsertEdges([
      ...ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id, type: 'NEXT' })),
      { from: 'n3', to: 'n0', type: 'BACK' },
    ]);
    await vectors.ensureCollection('points', { dimension: 2 });
    await vectors.upsert('points', [
      { id: 'x', vector: [1, 0], metadata: { k: 'x' } },
      { id: 'y', vector: [0, 1] },
    ]);
    const count = async () => (await answered(store)) as number;
    let before = await count();
    expect(await graph.getNode('n1')).toMatchObject({ id: 'n1', properties: { i: 1 } });
    expect(await graph.getNode('none')).toBeNull();
    expect((await graph.getNodes(['n2', 'n1', 'n0'])).map((n) => n.id).sort()).toEqual(['n0', 'n1', 'n2']);
    expect((await vectors.get('points', ['x'])).map((r) => [r.id, r.metadata])).toEqual([['x', { k: 'x' }]]);
    expect((await vectors.get('points', ['x', 'y'])).map((r) => r.id).sort()).toEqual(['x', 'y']);
    expect(await count()).toBe(before + 5);
    expect((await graph.getNodes(ids)).length).toBe(300);
    expect(await count()).toBe(before + 5);
    // Three levels, the start node's check and the nodes read: every query answered here.
    before = await count();
    const near = await graph.neighbors('n1', { direction: 'both', depth: 3, types: ['NEXT'] });
    expect(near.map((n) => `${n.id}@${n.depth}`)).toEqual(['n0@1', 'n2@1', 'n3@2', 'n4@3']);
    expect(await count()).toBeGreaterThanOrEqual(before + 8);
    expect(
      (await graph.neighbors('n1', { direction: 'in', depth: 3 })).map((n) => `${n.id}@${n.depth}`),
    ).toEqual(['n0@1', 'n3@2', 'n2@3']);
    await expect(graph.neighbors('none', { depth: 2 })).rejects.toMatchObject({ code: 'ORCH_NOT_FOUND' });
    await store.close();
  });

  it('tell the stores built on them whether keyed reads are answered here: not inside a transaction', async () => {
    const store = await open();
    const graph = new SqlGraphStore({ executor: store, scheme: 'sqlite' });
    await graph.upsertNodes([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    await graph.upsertEdges([{ from: 'a', to: 'b', type: 'NEXT' }]);
    expect(store.keyedReadsInThread).toBe(true);
    const ended = await store
      .transaction(async () => {
        expect(store.keyedReadsInThread).toBe(false);
        // The search runs in the transaction and sees its own uncommitted edge.
        await graph.upsertEdges([{ from: 'b', to: 'c', type: 'NEXT' }]);
        expect((await graph.neighbors('a', { depth: 2 })).map((n) => `${n.id}@${n.depth}`)).toEqual([
          'b@1',
          'c@2',
        ]);
        throw new Error('roll back');
      })
      .catch((e: unknown) => e);
    // Only the deliberate rollback ended it, not a failed expectation inside.
    expect((ended as Error).message).toBe('roll back');
    expect(store.keyedReadsInThread).toBe(true);
    expect((await graph.neighbors('a', { depth: 2 })).map((n) => n.id)).toEqual(['b']);
    await store.close();
    const off = await open({ inlinePointReads: false });
    expect(off.keyedReadsInThread).toBe(false);
    await off.close();
  });

  it('are off with inlinePointReads: false, and for an engine whose driver does not allow them', async () => {
    const off = await open({ inlinePointReads: false });
    expect(await off.query('SELECT v FROM t WHERE id = ?', [7])).toEqual([{ v: 'v7' }]);
    expect(await answered(off)).toBe(false);
    await off.close();
    const other = libsql.open(tmp.file(`points-libsql.db`), { worker: true, readers: 2 });
    await other.connect();
    await other.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    await other.execute('INSERT INTO t VALUES (1, ?)', ['a']);
    expect(await other.query('SELECT v FROM t WHERE id = ?', [1])).toEqual([{ v: 'a' }]);
    expect(await answered(other)).toBe(false);
    await other.close();
  });
});
