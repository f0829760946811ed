import { createRequire } from 'node:module';
import { isOrchError, type OrchError, type SqlValue } from '@orch/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  embeddedSettings,
  leaseStore,
  mapSqliteError,
  SQLITE_FAMILY_URL_PARAMETERS,
  sharedStoreRefs,
  sqliteFamilyOptions,
  sqliteFamilyOptionsShape,
  withUrlOptions,
} from '../src/sqlite-family/index.js';
import { engines } from './helpers/engines.js';
import { tempDir } from './helpers/temp.js';

const require = createRequire(import.meta.url);
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const driverError = (code: string | undefined, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code, ...extra });
const map = (err: unknown) => mapSqliteError(err, { operation: 'execute', sql: 'INSERT INTO t VALUES (?)' });

describe('mapSqliteError', () => {
  it('tells the constraint by SQLite’s extended code, and the columns from its message', () => {
    const cases = [
      ['SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed: t.id', 'unique', ['t.id']],
      ['SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: t.a, t.b', 'unique', ['t.a', 't.b']],
      ['SQLITE_CONSTRAINT_NOTNULL', 'NOT NULL constraint failed: t.n', 'not_null', ['t.n']],
      ['SQLITE_CONSTRAINT_FOREIGNKEY', 'FOREIGN KEY constraint failed', 'foreign_key', undefined],
      ['SQLITE_CONSTRAINT_CHECK', 'CHECK constraint failed: n > 0', 'check', undefined],
      ['SQLITE_CONSTRAINT_TRIGGER', 'no', 'other', undefined],
    ] as const;
    for (const [code, message, constraint, fields] of cases) {
      const err = map(driverError(code, message));
      expect(err.code).toBe('ORCH_CONSTRAINT_VIOLATION');
      expect(err.details).toEqual({ constraint, driverCode: code, ...(fields ? { fields } : {}) });
      expect(Object.isFrozen(err.details)).toBe(true);
    }
  });

  it('reads the constraint from SQLite’s wording only when the server sent no extended code (sqld)', () => {
    const remote = map(
      driverError(
        'SQLITE_CONSTRAINT',
        'SQLITE_CONSTRAINT: SQLite error: NOT NULL constraint failed: tasks.title',
      ),
    );
    expect(remote.details).toEqual({
      constraint: 'not_null',
      fields: ['tasks.title'],
      driverCode: 'SQLITE_CONSTRAINT',
    });
    // The code decides what the error is: the same words under another code are not a violation.
    const notOne = map(driverError('SQLITE_ERROR', 'UNIQUE constraint failed: t.id'));
    expect(notOne.code).toBe('ORCH_QUERY_FAILED');
    expect(notOne.details).toEqual({ driverCode: 'SQLITE_ERROR' });
  });

  it('maps busy, unopenable, refused credentials and unreachable servers by code or status', () => {
    for (const code of [
      'SQLITE_BUSY',
      'SQLITE_BUSY_SNAPSHOT',
      'SQLITE_LOCKED',
      'SQLITE_LOCKED_SHAREDCACHE',
    ]) {
      expect(map(driverError(code, 'database is locked'))).toMatchObject({
        code: 'ORCH_BUSY',
        retriable: true,
        details: { driverCode: code },
      });
    }
    expect(map(driverError('SQLITE_CANTOPEN', 'x'))).toMatchObject({
      code: 'ORCH_CONNECTION_FAILED',
      retriable: true,
    });
    expect(map(driverError('SQLITE_NOTADB', 'x'))).toMatchObject({
      code: 'ORCH_CONNECTION_FAILED',
      retriable: false,
    });
    const unauthorized = driverError('SERVER_ERROR', 'Server returned HTTP status 401', {
      cause: Object.assign(new Error('401'), { status: 401 }),
    });
    expect(map(unauthorized)).toMatchObject({
      code: 'ORCH_AUTH_FAILED',
      retriable: false,
      details: { driverCode: 'SERVER_ERROR', httpStatus: 401 },
    });
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(map(refused)).toMatchObject({
      code: 'ORCH_CONNECTION_FAILED',
      details: { driverCode: 'ECONNREFUSED' },
    });
    const other = map(driverError('SQLITE_ERROR', 'near "SELEC": syntax error'));
    expect(other).toMatchObject({
      code: 'ORCH_QUERY_FAILED',
      retriable: false,
      details: { driverCode: 'SQLITE_ERROR' },
    });
    expect(other.message).toContain('INSERT INTO t');
    expect(map(new RangeError('Too few parameter values were provided')).code).toBe('ORCH_QUERY_FAILED');
  });
});

describe('SQLite-family options', () => {
  const { schema, withUrl } = sqliteFamilyOptions({}, {});

  it('are validated the same way for every engine: strict, typed, tablePrefix a plain identifier', () => {
    expect(schema.safeParse({ readers: 1, synchronous: 'normal', tablePrefix: 'app_1' }).success).toBe(true);
    for (const bad of [
      { tablePrefix: 7 },
      { tablePrefix: 'x; DROP' },
      { readers: -1 },
      { busyTimeout: 5 },
      { worker: 'no' },
    ])
      expect(schema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('take URL parameters under the config, each checked like its option', () => {
    const url = (query: Record<string, string>) => ({
      scheme: 'sqlite',
      href: '',
      redacted: '',
      path: 'x.db',
      params: query,
    });
    expect(
      withUrl(
        url({
          mode: 'inline',
          readers: '1',
          busy_timeout: '250',
          synchronous: 'normal',
          inline_point_reads: 'false',
          other: 'x',
        }),
        {},
        'operational',
      ),
    ).toEqual({
      worker: false,
      readers: 1,
      busyTimeoutMs: 250,
      synchronous: 'NORMAL',
      inlinePointReads: false,
    });
    expect(withUrl(url({ busy_timeout: '250' }), { busyTimeoutMs: 10 }, 'operational')).toEqual({
      busyTimeoutMs: 10,
    });
    const bad: Record<string, string>[] = [
      { mode: 'fast' },
      { readers: '-1' },
      { busy_timeout: 'soon' },
      { synchronous: 'sometimes' },
      { inline_point_reads: 'maybe' },
    ];
    for (const query of bad) {
      const err = (() => {
        try {
          withUrlOptions(query, {}, SQLITE_FAMILY_URL_PARAMETERS, sqliteFamilyOptionsShape, 'vector');
        } catch (e) {
          return e;
        }
      })();
      expect(isOrchError(err, 'ORCH_INVALID_CONFIG'), JSON.stringify(query)).toBe(true);
      expect((err as OrchError).kind).toBe('vector');
      expect((err as Error).message).toContain(Object.keys(query)[0]);
    }
  });

  it('default to worker threads with readers for files, inline for :memory:', () => {
    expect(embeddedSettings(':memory:', {})).toMatchObject({ mode: 'inline', readers: 0, path: ':memory:' });
    expect(embeddedSettings(':memory:', { worker: true })).toMatchObject({ mode: 'worker', readers: 0 });
    const file = embeddedSettings('/tmp/a.db', { timeoutMs: 1234 });
    expect(file).toMatchObject({ mode: 'worker', path: '/tmp/a.db', inlinePointReads: true });
    expect(file.readers).toBeGreaterThanOrEqual(1);
    expect(file.connection).toMatchObject({
      busyTimeoutMs: 1234,
      synchronous: 'FULL',
      statementCacheSize: 256,
    });
    expect(embeddedSettings('/tmp/a.db', { worker: false, readers: 3 })).toMatchObject({
      mode: 'inline',
      readers: 0,
    });
  });
});

for (const engine of engines) {
  describe(`SqliteFamilyStore in worker threads on ${engine.name}`, () => {
    let n = 0;
    const open = async (options = {}) => {
      const store = engine.open(tmp.file(`${engine.driver}-${n++}.db`), {
        worker: true,
        readers: 2,
        ...options,
      });
      await store.connect();
      await store.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)');
      return store;
    };

    it('answers plain reads on reader threads and sends what they cannot answer to the writer', async () => {
      const store = await open();
      expect((await store.health()).details).toMatchObject({
        engine: engine.driver,
        mode: 'worker',
        readers: 2,
      });
      await store.executeMany('INSERT INTO t (id, v) VALUES (?, ?)', [
        [1, 'a'],
        [2, 'b'],
      ]);
      const reads = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          store.query<{ v: string }>('SELECT v FROM t WHERE id = ?', [(i % 2) + 1]),
        ),
      );
      expect(reads.map((r) => r[0]?.v)).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 ? 'b' : 'a')));
      // A write sent as a query (the engine says it writes, or the read-only reader refuses it).
      expect(
        await store.query('WITH x(i) AS (SELECT 3) INSERT INTO t (id, v) SELECT i, ? FROM x RETURNING id', [
          'c',
        ]),
      ).toEqual([{ id: 3 }]);
      expect(await store.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 3 }]);
      // Connection-state functions answer for the writer, where the insert ran.
      await store.execute('INSERT INTO t (id, v) VALUES (?, ?)', [41, 'd']);
      expect(await store.query('SELECT last_insert_rowid() AS id, changes() AS n')).toEqual([
        { id: 41, n: 1 },
      ]);
      // The writer's TEMP tables exist only on its connection.
      await store.execute('CREATE TEMP TABLE scratch (x)');
      await store.execute('INSERT INTO scratch VALUES (7)');
      expect(await store.query('SELECT x FROM scratch')).toEqual([{ x: 7 }]);
      await expect(store.query('SELECT * FROM missing_table')).rejects.toMatchObject({
        code: 'ORCH_QUERY_FAILED',
        details: { driverCode: 'SQLITE_ERROR' },
      });
      await store.close();
    });

    it('returns the same rows from its threads as a connection in this thread does', async () => {
      const file = tmp.file(`${engine.driver}-${n}.db`);
      const store = await open();
      const here = engine.open(file, { worker: false });
      await here.connect();
      const queries: [string, SqlValue[]][] = [
        ['SELECT 1 AS a, 2 AS a, ? AS b', ['x']],
        [
          "SELECT x'00ff10' AS bytes, 9007199254740991 AS big, -0.0 AS zero, 1.5 AS real, NULL AS empty, 'é ✓ 𝄞' AS text",
          [],
        ],
        [
          "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x, 'r' || x AS s, NULL AS n FROM c",
          [],
        ],
        ['SELECT * FROM t WHERE id > ?', [1_000_000]],
      ];
      // Blobs are Uint8Arrays either way (a Buffer, in this thread, is one).
      const plain = (rows: Record<string, unknown>[]) =>
        rows.map((r) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Uint8Array ? [...v] : v])),
        );
      for (const [sql, params] of queries)
        expect(plain(await store.query(sql, params))).toEqual(plain(await here.query(sql, params)));
      // Through the writer: rows of a write's RETURNING.
      const returned = await store.query(
        'INSERT INTO t (id, v) VALUES (?, ?), (?, ?) RETURNING id, v, id AS again',
        [5, 'e', 6, 'f'],
      );
      expect(returned).toEqual([
        { id: 5, v: 'e', again: 5 },
        { id: 6, v: 'f', again: 6 },
      ]);
      expect(await store.query('SELECT id, v FROM t ORDER BY id')).toEqual(
        await here.query('SELECT id, v FROM t ORDER BY id'),
      );
      await here.close();
      await store.close();
    });

    it('a BEGIN that fails (busy) fails the transaction and lets nothing run outside it', async () => {
      const store = await open({ busyTimeoutMs: 50 });
      const Native = require(engine.driver) as new (
        path: string,
      ) => { exec(sql: string): void; close(): void };
      const other = new Native(tmp.file(`${engine.driver}-${n - 1}.db`));
      other.exec('BEGIN IMMEDIATE');
      const err = await store
        .transaction(async (tx) => {
          await tx.execute('INSERT INTO t (id) VALUES (1)');
        })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ORCH_BUSY', retriable: true });
      expect((err as OrchError).details.driverCode).toMatch(/^SQLITE_BUSY/);
      other.exec('ROLLBACK');
      other.close();
      expect(await store.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
      await store.transaction(async (tx) => tx.execute('INSERT INTO t (id) VALUES (2)'));
      expect(await store.query('SELECT id FROM t')).toEqual([{ id: 2 }]);
      await store.close();
    });

    it('checks parameters before they cross into a thread and reports constraints with their details', async () => {
      const store = await open();
      await expect(store.execute('INSERT INTO t (v) VALUES (?)', ['\ud800'])).rejects.toMatchObject({
        code: 'ORCH_INVALID_INPUT',
      });
      await expect(
        store.executeMany(
          'INSERT INTO t (v) VALUES (?)',
          Array.from({ length: 600 }, (_, i) => [i === 599 ? '\udc00' : `v${i}`]),
        ),
      ).rejects.toMatchObject({ code: 'ORCH_INVALID_INPUT' });
      await store.execute('INSERT INTO t (id, v) VALUES (1, ?)', ['a']);
      const err = await store
        .executeMany(
          'INSERT INTO t (id, v) VALUES (?, ?)',
          Array.from({ length: 600 }, (_, i) => [i + 2, i === 400 ? 'a' : `w${i}`]),
        )
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'ORCH_CONSTRAINT_VIOLATION',
        details: { constraint: 'unique', fields: ['t.v'], driverCode: 'SQLITE_CONSTRAINT_UNIQUE' },
      });
      expect(await store.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 1 }]);
      await store.close();
    });
  });
}

describe('leaseStore', () => {
  it('shares one store per key, gives a store of its own without a key, and closes the last lease', async () => {
    const [engine] = engines;
    const path = tmp.file('lease.db');
    let opened = 0;
    const open = () => {
      opened++;
      return engine!.open(path);
    };
    const a = await leaseStore(`test:${path}`, open);
    const b = await leaseStore(`test:${path}`, open);
    const c = await leaseStore(undefined, open);
    expect(opened).toBe(2);
    expect(sharedStoreRefs()[`test:${path}`]).toBe(2);
    await a.execute('CREATE TABLE l (x)');
    await b.execute('INSERT INTO l VALUES (1)');
    expect(await a.query('SELECT x FROM l')).toEqual([{ x: 1 }]);
    await a.close();
    await a.close(); // idempotent: gives the one reference back once
    expect(sharedStoreRefs()[`test:${path}`]).toBe(1);
    await b.close();
    expect(sharedStoreRefs()[`test:${path}`]).toBeUndefined();
    await c.close();
  });
});
