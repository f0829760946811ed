import { createAdapter, isOrchError, type OperationalStore, type OrchError, type SqlValue } from '@orch/core';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteOperationalStore } from '../src/index.js';
import { sqliteUrl, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

let n = 0;
for (const mode of ['worker', 'inline'] as const) {
  describe(`sqlite operational store (${mode})`, () => {
    let store: OperationalStore;
    let file: string;
    const open = (path = file) => createAdapter('operational', sqliteUrl(path, `mode=${mode}`));

    beforeEach(async () => {
      file = tmp.file(`ops-${mode}-${n++}.db`);
      store = await open();
      await store.execute(
        'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE, flag INTEGER, at TEXT, data BLOB)',
      );
    });
    afterEach(() => store.close());

    const ids = async (s = store) =>
      (await s.query<{ id: number }>('SELECT id FROM t ORDER BY id')).map((r) => r.id);

    it('runs in the requested mode', () => {
      expect((store as SqliteOperationalStore).mode).toBe(mode);
      expect(store.dialect.name).toBe('sqlite');
    });

    it('binds booleans as 1/0, Dates as ISO text, blobs as bytes; reports changes and lastInsertId', async () => {
      const at = new Date('2026-01-02T03:04:05.000Z');
      const r = await store.execute('INSERT INTO t (v, flag, at, data) VALUES (?, ?, ?, ?)', [
        'a',
        true,
        at,
        new Uint8Array([1, 2, 3]),
      ]);
      expect(r).toEqual({ changes: 1, lastInsertId: 1 });
      const [row] = await store.query<{ v: string; flag: number; at: string; data: Uint8Array }>(
        'SELECT * FROM t',
      );
      expect(row!.flag).toBe(1);
      expect(row!.at).toBe('2026-01-02T03:04:05.000Z');
      expect([...row!.data]).toEqual([1, 2, 3]);
      expect(await store.query('SELECT ? AS big', [2n ** 60n])).toEqual([{ big: Number(2n ** 60n) }]);
    });

    it('query returns RETURNING rows and runs statements that return nothing', async () => {
      expect(await store.query('INSERT INTO t (v) VALUES (?) RETURNING id, v', ['x'])).toEqual([
        { id: 1, v: 'x' },
      ]);
      expect(await store.query('UPDATE t SET flag = 1')).toEqual([]);
      expect(
        await store.query('WITH n(x) AS (SELECT 5) INSERT INTO t (v) SELECT x FROM n RETURNING v'),
      ).toEqual([{ v: '5' }]);
      expect(await ids()).toEqual([1, 2]);
    });

    it('executeMany and batch are atomic', async () => {
      expect(
        await store.executeMany(
          'INSERT INTO t (id, v) VALUES (?, ?)',
          Array.from({ length: 600 }, (_, i) => [i + 1, `v${i}`]),
        ),
      ).toMatchObject({
        changes: 600,
      });
      await expect(
        store.executeMany('INSERT INTO t (id, v) VALUES (?, ?)', [
          [1000, 'new'],
          ...Array.from({ length: 600 }, (_, i) => [2000 + i, i === 500 ? 'v3' : `w${i}`]),
        ]),
      ).rejects.toMatchObject({
        code: 'ORCH_CONSTRAINT_VIOLATION',
      });
      expect((await ids()).length).toBe(600);
      await expect(
        store.batch([
          { sql: 'INSERT INTO t (id, v) VALUES (?, ?)', params: [5000, 'b1'] },
          { sql: 'INSERT INTO t (id, v) VALUES (?, ?)', params: [5001, 'v1'] },
        ]),
      ).rejects.toMatchObject({ code: 'ORCH_CONSTRAINT_VIOLATION' });
      expect((await ids()).length).toBe(600);
      const results = await store.batch([
        { sql: 'INSERT INTO t (id, v) VALUES (?, ?)', params: [5000, 'b1'] },
        { sql: 'DELETE FROM t WHERE id <= ?', params: [10] },
      ]);
      expect(results.map((r) => r.changes)).toEqual([1, 10]);
      expect(await store.executeMany('INSERT INTO t DEFAULT VALUES', [[], []])).toMatchObject({ changes: 2 });
    });

    it('executeMany keeps every value type, including mixed columns', async () => {
      const at = new Date('2026-05-06T07:08:09.000Z');
      await store.executeMany('INSERT INTO t (id, v, flag, at, data) VALUES (?, ?, ?, ?, ?)', [
        [1, 'a', true, at, new Uint8Array([1])],
        [2, null, false, null, null],
        [3, 'c', 2n, 'text', new Uint8Array([2, 3])],
        [4.0, 'é😀\n"q"', 1.5, at, null],
      ]);
      const rows = await store.query<Record<string, unknown>>(
        'SELECT id, v, flag, at, data FROM t ORDER BY id',
      );
      expect(rows.map((r) => ({ ...r, data: r.data === null ? null : [...(r.data as Uint8Array)] }))).toEqual(
        [
          { id: 1, v: 'a', flag: 1, at: at.toISOString(), data: [1] },
          { id: 2, v: null, flag: 0, at: null, data: null },
          { id: 3, v: 'c', flag: 2, at: 'text', data: [2, 3] },
          { id: 4, v: 'é😀\n"q"', flag: 1.5, at: at.toISOString(), data: null },
        ],
      );
    });

    it('a transaction that throws leaves no row and rethrows the same error', async () => {
      const boom = new Error('boom');
      await expect(
        store.transaction(async (tx) => {
          await tx.execute('INSERT INTO t (id, v) VALUES (1, ?)', ['a']);
          expect(await tx.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 1 }]);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await ids()).toEqual([]);
    });

    it('a committed transaction survives close and reopen', async () => {
      await store.transaction(async (tx) => {
        await tx.execute('INSERT INTO t (id, v) VALUES (1, ?)', ['a']);
        await tx.execute('INSERT INTO t (id, v) VALUES (2, ?)', ['b']);
      });
      await store.close();
      store = await open();
      expect(await ids()).toEqual([1, 2]);
    });

    it('nests with savepoints without deadlock or leaks', async () => {
      await store.transaction(async (tx) => {
        await tx.execute('INSERT INTO t (id) VALUES (1)');
        await expect(
          tx.transaction(async (sp) => {
            expect(sp.depth).toBe(2);
            await sp.execute('INSERT INTO t (id) VALUES (2)');
            throw new Error('inner');
          }),
        ).rejects.toThrow('inner');
        await tx.transaction(async (sp) => {
          await sp.transaction(async (sp2) => sp2.execute('INSERT INTO t (id) VALUES (3)'));
        });
        // Calls on the store from inside the callback join the transaction instead of deadlocking.
        await store.execute('INSERT INTO t (id) VALUES (4)');
        expect(await store.query<{ id: number }>('SELECT id FROM t ORDER BY id')).toEqual([
          { id: 1 },
          { id: 3 },
          { id: 4 },
        ]);
        await store.transaction(async (inner) => inner.execute('INSERT INTO t (id) VALUES (5)'));
      });
      expect(await ids()).toEqual([1, 3, 4, 5]);
      // Nothing is left open: a new write transaction starts at once.
      await store.transaction(async (tx) => tx.execute('INSERT INTO t (id) VALUES (6)'));
      expect(await ids()).toEqual([1, 3, 4, 5, 6]);
    });

    it('work on the store waits for a running transaction and never sees its uncommitted rows', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let inserted!: () => void;
      const didInsert = new Promise<void>((r) => {
        inserted = r;
      });
      const tx = store.transaction(async (t) => {
        await t.execute('INSERT INTO t (id) VALUES (1)');
        inserted();
        await gate;
      });
      await didInsert;
      if (mode === 'worker') {
        // A plain read does not wait: a reader thread answers it at once from the last committed state.
        expect(await store.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
      }
      const outside = store.query('SELECT count(*) AS n FROM t');
      release();
      await tx;
      // Inline, the read waited for the commit; in worker mode it ran at once or after it.
      expect(await outside).toEqual(mode === 'inline' ? [{ n: 1 }] : [{ n: expect.any(Number) }]);
    });

    it('many concurrent reads and writes interleave correctly', async () => {
      const writes = Array.from({ length: 50 }, (_, i) =>
        store.execute('INSERT INTO t (id, v) VALUES (?, ?)', [i + 1, `v${i}`]),
      );
      const reads = Array.from({ length: 200 }, (_, i) =>
        store.query('SELECT v FROM t WHERE id = ?', [(i % 50) + 1]),
      );
      await Promise.all(writes);
      await Promise.all(reads);
      const after = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.query<{ v: string }>('SELECT v FROM t WHERE id = ?', [i + 1]),
        ),
      );
      expect(after.map((r) => r[0]?.v)).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`));
    });

    it('maps errors: unique violation, syntax, and never shows parameter values', async () => {
      await store.execute('INSERT INTO t (id, v) VALUES (?, ?)', [1, 'secret-value-123']);
      const err = await store
        .execute('INSERT INTO t (id, v) VALUES (?, ?)', [2, 'secret-value-123'])
        .catch((e: unknown) => e);
      expect(isOrchError(err, 'ORCH_CONSTRAINT_VIOLATION')).toBe(true);
      expect((err as Error).message).not.toContain('secret-value-123');
      expect(((err as Error).cause as { code: string }).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
      const syntax = await store
        .query('SELEC nonsense FROM t WHERE v = ?', ['secret-value-123'])
        .catch((e: unknown) => e);
      expect(isOrchError(syntax, 'ORCH_QUERY_FAILED')).toBe(true);
      expect((syntax as Error).message).not.toContain('secret-value-123');
      const missing = await store
        .query('SELECT * FROM nope WHERE v = ?', ['secret-value-123'])
        .catch((e: unknown) => e);
      expect(isOrchError(missing, 'ORCH_QUERY_FAILED')).toBe(true);
      await expect(store.query('SELECT ?', [undefined as never])).rejects.toMatchObject({
        code: 'ORCH_INVALID_INPUT',
      });
    });

    it('refuses a string parameter with a lone surrogate (ORCH_INVALID_INPUT) and writes nothing', async () => {
      const lone = 'broken \ud800 text';
      const attempts: [string, () => Promise<unknown>][] = [
        ['query', () => store.query('SELECT ? AS v', [lone])],
        ['execute', () => store.execute('INSERT INTO t (v) VALUES (?)', [lone])],
        ['executeMany', () => store.executeMany('INSERT INTO t (v) VALUES (?)', [['ok'], [lone]])],
        ['batch', () => store.batch([{ sql: 'INSERT INTO t (v) VALUES (?)', params: [lone] }])],
        ['transaction', () => store.transaction((tx) => tx.execute('INSERT INTO t (v) VALUES (?)', [lone]))],
      ];
      for (const [what, attempt] of attempts) {
        const err = await attempt().catch((e: unknown) => e);
        expect(isOrchError(err, 'ORCH_INVALID_INPUT'), what).toBe(true);
      }
      expect(await ids()).toEqual([]);
      // A well-formed pair is fine.
      await store.execute('INSERT INTO t (v) VALUES (?)', ['emoji \ud83d\ude00']);
      expect(await store.query('SELECT v FROM t')).toEqual([{ v: 'emoji 😀' }]);
    });

    it('says which constraint a write broke, with the columns and the SQLite code', async () => {
      await store.execute(
        'CREATE TABLE p (id TEXT PRIMARY KEY, code TEXT UNIQUE, n INTEGER NOT NULL CHECK (n > 0))',
      );
      await store.execute(
        'CREATE TABLE c (id TEXT PRIMARY KEY, p TEXT REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)',
      );
      await store.execute('INSERT INTO p VALUES (?, ?, ?)', ['a', 'A', 1]);
      const violation = async (run: () => Promise<unknown>) => {
        const err = await run().catch((e: unknown) => e);
        expect(isOrchError(err, 'ORCH_CONSTRAINT_VIOLATION')).toBe(true);
        expect(Object.isFrozen((err as OrchError).details)).toBe(true);
        return (err as OrchError).details;
      };
      const insert = (params: SqlValue[]) => () => store.execute('INSERT INTO p VALUES (?, ?, ?)', params);
      expect(await violation(insert(['a', 'B', 1]))).toEqual({
        constraint: 'unique',
        fields: ['p.id'],
        driverCode: 'SQLITE_CONSTRAINT_PRIMARYKEY',
      });
      expect(await violation(insert(['b', 'A', 1]))).toEqual({
        constraint: 'unique',
        fields: ['p.code'],
        driverCode: 'SQLITE_CONSTRAINT_UNIQUE',
      });
      expect(await violation(insert(['c', 'C', null]))).toEqual({
        constraint: 'not_null',
        fields: ['p.n'],
        driverCode: 'SQLITE_CONSTRAINT_NOTNULL',
      });
      expect(await violation(insert(['d', 'D', -1]))).toEqual({
        constraint: 'check',
        driverCode: 'SQLITE_CONSTRAINT_CHECK',
      });
      // A deferred foreign key fails at COMMIT: the transaction rolls back and says why.
      expect(
        await violation(() =>
          store.transaction((tx) => tx.execute('INSERT INTO c VALUES (?, ?)', ['x', 'nope'])),
        ),
      ).toEqual({ constraint: 'foreign_key', driverCode: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
      // The same inside executeMany and batch, which run in their own transaction.
      expect(
        (
          await violation(() =>
            store.executeMany('INSERT INTO p VALUES (?, ?, ?)', [
              ['e', 'E', 1],
              ['e', 'F', 1],
            ]),
          )
        ).constraint,
      ).toBe('unique');
      expect(await store.query('SELECT id FROM p')).toEqual([{ id: 'a' }]);
      expect(await store.query('SELECT count(*) AS n FROM c')).toEqual([{ n: 0 }]);
    });

    it('enforces foreign keys and reports health', async () => {
      await store.execute('CREATE TABLE p (id INTEGER PRIMARY KEY)');
      await store.execute('CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id))');
      await expect(store.execute('INSERT INTO c (id, p) VALUES (1, 99)')).rejects.toMatchObject({
        code: 'ORCH_CONSTRAINT_VIOLATION',
      });
      const health = await store.health();
      expect(health.status).toBe('healthy');
      expect(health.details).toMatchObject({ engine: 'better-sqlite3', mode });
      const [journal] = await store.query<{ journal_mode: string }>('PRAGMA journal_mode');
      expect(journal!.journal_mode).toBe('wal');
    });

    it('rejects with ORCH_CLOSED after close', async () => {
      await store.close();
      await expect(store.query('SELECT 1')).rejects.toMatchObject({ code: 'ORCH_CLOSED' });
      expect((await store.health()).status).toBe('unhealthy');
    });
  });
}

describe('sqlite specifics', () => {
  it('in-memory databases run inline by default and in one worker on request', async () => {
    const inline = (await createAdapter('operational', 'sqlite::memory:')) as SqliteOperationalStore;
    expect(inline.mode).toBe('inline');
    expect(inline.capabilities.multiProcess).toBe(false);
    await inline.close();
    const worker = (await createAdapter(
      'operational',
      'sqlite::memory:?mode=worker',
    )) as SqliteOperationalStore;
    expect(worker.mode).toBe('worker');
    await worker.execute('CREATE TABLE t (id INTEGER)');
    await worker.executeMany('INSERT INTO t VALUES (?)', [[1], [2]]);
    expect(await worker.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 2 }]);
    expect((await worker.health()).details).toMatchObject({ readers: 0 });
    await worker.close();
  });

  it('executeMany in worker mode binds every kind of value, one column or many, in chunks', async () => {
    const store = await createAdapter('operational', 'sqlite::memory:?mode=worker');
    await store.execute('CREATE TABLE one (v)');
    await store.execute('CREATE TABLE seven (a, b, c, d, e, f, g)');
    // One column whose single value is null or a blob (not to be taken for named parameters).
    await store.executeMany('INSERT INTO one (v) VALUES (?)', [
      [null],
      [new Uint8Array([1, 2])],
      ['x'],
      [5n],
      [true],
    ]);
    expect(await store.query('SELECT v, typeof(v) AS t FROM one ORDER BY rowid')).toEqual([
      { v: null, t: 'null' },
      { v: new Uint8Array([1, 2]), t: 'blob' },
      { v: 'x', t: 'text' },
      { v: 5, t: 'integer' },
      { v: 1, t: 'real' },
    ]);
    // Wider than the widths spelled out, over several chunks.
    const rows = Array.from({ length: 600 }, (_, i) => [
      i,
      `s${i}`,
      i % 2 ? null : 'c',
      new Uint8Array([i % 256]),
      i / 2,
      BigInt(i),
      i % 3 === 0,
    ]);
    expect(await store.executeMany('INSERT INTO seven VALUES (?, ?, ?, ?, ?, ?, ?)', rows)).toMatchObject({
      changes: 600,
    });
    const back = await store.query<Record<string, unknown>>(
      'SELECT * FROM seven WHERE a IN (0, 1, 599) ORDER BY a',
    );
    expect(back).toEqual([
      { a: 0, b: 's0', c: 'c', d: new Uint8Array([0]), e: 0, f: 0, g: 1 },
      { a: 1, b: 's1', c: null, d: new Uint8Array([1]), e: 0.5, f: 1, g: 0 },
      { a: 599, b: 's599', c: null, d: new Uint8Array([599 % 256]), e: 299.5, f: 599, g: 0 },
    ]);
    await store.close();
  });

  it('accepts an injected better-sqlite3 Database and leaves it open', async () => {
    const db = new Database(':memory:');
    const store = await createAdapter('operational', { scheme: 'sqlite', client: db });
    await store.execute('CREATE TABLE t (id INTEGER)');
    await store.execute('INSERT INTO t VALUES (1)');
    await store.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
    db.close();
    await expect(createAdapter('operational', { scheme: 'sqlite', client: {} })).rejects.toMatchObject({
      code: 'ORCH_INVALID_CONFIG',
    });
  });

  it('worker mode keeps the event loop responsive during a slow query', async () => {
    const store = await createAdapter('operational', sqliteUrl(tmp.file('slow.db')));
    let ticks = 0;
    let maxGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 5);
    const started = performance.now();
    await store.query(
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT count(*) AS n FROM c',
      [2_000_000],
    );
    const took = performance.now() - started;
    clearInterval(timer);
    await store.close();
    if (took > 100) {
      expect(ticks).toBeGreaterThan(3);
      expect(maxGap).toBeLessThan(100);
    }
  });

  it('a statement that writes sent as a query is rerouted to the writer', async () => {
    const store = await createAdapter('operational', sqliteUrl(tmp.file('reroute.db')));
    await store.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    await store.execute('CREATE TEMP TABLE scratch (x)');
    await store.execute('INSERT INTO scratch VALUES (1)');
    expect(await store.query('SELECT x FROM scratch')).toEqual([{ x: 1 }]);
    for (let i = 0; i < 3; i++) {
      expect(
        await store.query('WITH a(x) AS (SELECT ?) INSERT INTO t (id) SELECT x FROM a RETURNING id', [i]),
      ).toEqual([{ id: i }]);
    }
    expect(await store.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 3 }]);
    // Connection-state functions answer for the writer's connection, where the insert happened.
    await store.execute('INSERT INTO t (id) VALUES (?)', [41]);
    expect(await store.query('SELECT last_insert_rowid() AS id, changes() AS n')).toEqual([{ id: 41, n: 1 }]);
    await store.close();
  });

  it('a pipelined BEGIN that fails (busy) fails the transaction and runs nothing outside it', async () => {
    const file = tmp.file('busy.db');
    const store = await createAdapter('operational', { url: sqliteUrl(file), busyTimeoutMs: 50 });
    await store.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const err = await store
      .transaction(async (tx) => {
        await tx.execute('INSERT INTO t (id) VALUES (1)');
      })
      .catch((e: unknown) => e);
    expect(isOrchError(err, 'ORCH_BUSY')).toBe(true);
    expect((err as { retriable: boolean }).retriable).toBe(true);
    const direct = await store.execute('INSERT INTO t (id) VALUES (2)').catch((e: unknown) => e);
    expect(isOrchError(direct, 'ORCH_BUSY')).toBe(true);
    // The one-message executeMany and batch paths fail the same way and leave nothing behind.
    const many = await store
      .executeMany(
        'INSERT INTO t (id) VALUES (?)',
        Array.from({ length: 600 }, (_, i) => [100 + i]),
      )
      .catch((e: unknown) => e);
    expect(isOrchError(many, 'ORCH_BUSY')).toBe(true);
    const batch = await store
      .batch([{ sql: 'INSERT INTO t (id) VALUES (?)', params: [7] }])
      .catch((e: unknown) => e);
    expect(isOrchError(batch, 'ORCH_BUSY')).toBe(true);
    other.exec('ROLLBACK');
    other.close();
    expect(await store.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
    await store.transaction(async (tx) => tx.execute('INSERT INTO t (id) VALUES (3)'));
    expect(await store.query('SELECT id FROM t')).toEqual([{ id: 3 }]);
    await store.close();
  });
});
