import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createAdapter, isOrchError } from '@orch/core';
import { parseStoreUrl, registerSecret } from '@orch/core/adapter-kit';
import { mapSqliteError as mapError } from '@orch/sql-stores/sqlite-family';
import { describe, expect, it } from 'vitest';
import '../src/index.js';
import { resolveSqliteOptions, sqliteOptionsSchema } from '../src/options.js';
import { tempDir } from './helpers.js';

const opts = (url: string, config = {}) =>
  resolveSqliteOptions(parseStoreUrl(url), sqliteOptionsSchema.parse(config)).settings;
const mapSqliteError = (err: unknown, sql: string) => mapError(err, { operation: 'execute', sql });

describe('URL forms', () => {
  it('resolves relative, absolute and in-memory paths', () => {
    expect(opts('sqlite:///data/tasks.db').path).toBe(resolve('data/tasks.db'));
    expect(opts('sqlite:////var/tmp/tasks.db').path).toBe('/var/tmp/tasks.db');
    expect(opts('sqlite::memory:')).toMatchObject({ mode: 'inline', readers: 0, path: ':memory:' });
    expect(opts('sqlite::memory:?mode=worker')).toMatchObject({ mode: 'worker', readers: 0 });
  });

  it('reads mode, readers, busy_timeout, synchronous and vec from the query; config wins', () => {
    const o = opts('sqlite:////x/a.db?mode=inline&busy_timeout=250&synchronous=normal&vec=0&readers=1');
    expect(o.mode).toBe('inline');
    expect(o.connection).toMatchObject({
      busyTimeoutMs: 250,
      synchronous: 'NORMAL',
      vectorExtension: false,
    });
    expect(opts('sqlite:////x/a.db?readers=1')).toMatchObject({ mode: 'worker', readers: 1 });
    expect(opts('sqlite:////x/a.db', { worker: false }).mode).toBe('inline');
    expect(opts('sqlite:////x/a.db?busy_timeout=250', { busyTimeoutMs: 10 }).connection.busyTimeoutMs).toBe(
      10,
    );
    expect(opts('sqlite:////x/a.db', { timeoutMs: 1234 }).connection.busyTimeoutMs).toBe(1234);
    expect(opts('sqlite:////x/a.db').connection).toMatchObject({
      synchronous: 'FULL',
      busyTimeoutMs: 5000,
      vectorExtension: true,
    });
  });

  it('rejects bad options with ORCH_INVALID_CONFIG', () => {
    expect(() => opts('sqlite:////x/a.db?mode=fast')).toThrow(
      expect.objectContaining({ code: 'ORCH_INVALID_CONFIG' }),
    );
    expect(() => opts('sqlite:////x/a.db?synchronous=sometimes')).toThrow(
      expect.objectContaining({ code: 'ORCH_INVALID_CONFIG' }),
    );
    expect(() => opts('sqlite:////x/a.db?readers=-1')).toThrow(
      expect.objectContaining({ code: 'ORCH_INVALID_CONFIG' }),
    );
    expect(() => parseStoreUrl('sqlite://host/a.db')).toThrow(
      expect.objectContaining({ code: 'ORCH_INVALID_URL' }),
    );
  });

  it('registers sqlite: for the operational kind on import', async () => {
    const store = await createAdapter('operational', 'sqlite::memory:');
    expect(store.scheme).toBe('sqlite');
    await store.close();
  });

  it('reports an unopenable file as ORCH_CONNECTION_FAILED', async () => {
    const tmp = tempDir();
    writeFileSync(tmp.file('plain-file'), 'not a directory');
    for (const mode of ['inline', 'worker']) {
      const err = await createAdapter(
        'operational',
        `sqlite:///${tmp.file('plain-file')}/x.db?mode=${mode}`,
      ).catch((e: unknown) => e);
      expect(isOrchError(err, 'ORCH_CONNECTION_FAILED')).toBe(true);
    }
    const notADb = tmp.file('not-a-db.db');
    writeFileSync(notADb, 'x'.repeat(4096));
    const err = await createAdapter('operational', `sqlite:///${notADb}`).catch((e: unknown) => e);
    expect(isOrchError(err)).toBe(true);
    tmp.cleanup();
  });
});

describe('error mapping', () => {
  const driverError = (code: string, message = 'm') =>
    Object.assign(new Error(message), { name: 'SqliteError', code });

  it('maps SQLite result codes to orch codes and keeps the cause', () => {
    const unique = driverError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: t.v');
    const mapped = mapSqliteError(unique, 'INSERT INTO t VALUES (?)');
    expect(mapped.code).toBe('ORCH_CONSTRAINT_VIOLATION');
    expect(mapped.cause).toBe(unique);
    expect(mapped.message).toContain('INSERT INTO t');
    expect(mapped.details).toEqual({
      constraint: 'unique',
      fields: ['t.v'],
      driverCode: 'SQLITE_CONSTRAINT_UNIQUE',
    });
    expect(mapSqliteError(driverError('SQLITE_CONSTRAINT_FOREIGNKEY'), 'x').code).toBe(
      'ORCH_CONSTRAINT_VIOLATION',
    );
    for (const code of [
      'SQLITE_BUSY',
      'SQLITE_BUSY_SNAPSHOT',
      'SQLITE_LOCKED',
      'SQLITE_LOCKED_SHAREDCACHE',
    ]) {
      const busy = mapSqliteError(driverError(code), 'x');
      expect(busy.code).toBe('ORCH_BUSY');
      expect(busy.retriable).toBe(true);
    }
    expect(mapSqliteError(driverError('SQLITE_CANTOPEN'), 'x').code).toBe('ORCH_CONNECTION_FAILED');
    const generic = mapSqliteError(driverError('SQLITE_ERROR', 'near "SELEC": syntax error'), 'SELEC 1');
    expect(generic.code).toBe('ORCH_QUERY_FAILED');
    expect(generic.retriable).toBe(false);
    expect(mapSqliteError(new RangeError('Too few parameter values were provided'), 'x').code).toBe(
      'ORCH_QUERY_FAILED',
    );
  });

  it('truncates long SQL and scrubs registered secrets', () => {
    registerSecret('s3cr3t-token-value');
    const long = `SELECT '${'y'.repeat(500)}'`;
    expect(mapSqliteError(driverError('SQLITE_ERROR'), long).message.length).toBeLessThan(400);
    const err = mapSqliteError(
      driverError('SQLITE_ERROR', 'bad s3cr3t-token-value'),
      "SELECT 's3cr3t-token-value'",
    );
    expect(err.message).not.toContain('s3cr3t-token-value');
  });
});
