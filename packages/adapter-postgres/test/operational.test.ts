import { createAdapter, isOrchError, type OrchError } from '@orch/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import {
  createThrowawayCluster,
  type ThrowawayCluster,
} from '../../../scripts/servers/throwaway-postgres.mjs';
import { serverUrl } from './server.js';

async function failure(p: Promise<unknown>): Promise<OrchError> {
  try {
    await p;
  } catch (err) {
    if (isOrchError(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

const table = (prefix: string) => `${prefix}_${Math.random().toString(36).slice(2, 10)}`;

describe('postgres operational store', () => {
  it('takes the URL parameters PostgreSQL defines (application_name, options)', async () => {
    const url = new URL(serverUrl());
    url.searchParams.set('application_name', 'orch-url-test');
    url.searchParams.set('options', '-c search_path=public -c work_mem=8MB');
    const ops = await createAdapter('operational', url.toString());
    try {
      const [row] = await ops.query<{ app: string; work_mem: string }>(
        "SELECT current_setting('application_name') AS app, current_setting('work_mem') AS work_mem",
      );
      expect(row).toEqual({ app: 'orch-url-test', work_mem: '8MB' });
    } finally {
      await ops.close();
    }
  });

  it('pins one pooled connection per transaction while other work runs beside it', async () => {
    const ops = await createAdapter('operational', { url: serverUrl(), poolSize: 4 });
    try {
      let resume!: () => void;
      const paused = new Promise<void>((resolve) => {
        resume = resolve;
      });
      const pids: number[] = [];
      const first = ops.transaction(async (tx) => {
        const [a] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await paused;
        const [b] = await tx.transaction((sp) => sp.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'));
        pids.push(a!.pid, b!.pid);
      });
      // While the first transaction waits, a second one and plain statements are not blocked.
      const [other] = await ops.transaction((tx) =>
        tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'),
      );
      const [plain] = await ops.query<{ n: number }>('SELECT 1 AS n');
      resume();
      await first;
      expect(pids[0]).toBe(pids[1]);
      expect(other!.pid).not.toBe(pids[0]);
      expect(plain).toEqual({ n: 1 });
      const health = await ops.health();
      expect(health.status).toBe('healthy');
      expect(health.details).toMatchObject({
        engine: 'postgresql',
        pool: { total: expect.any(Number), idle: expect.any(Number) },
      });
      expect(String(health.details.serverVersion)).toMatch(/^\d+/);
    } finally {
      await ops.close();
    }
  });

  it('an injected pool or client stays the caller’s: close() leaves it open', async () => {
    const pool = new pg.Pool({ connectionString: serverUrl(), max: 2 });
    const client = new pg.Client({ connectionString: serverUrl() });
    await client.connect();
    try {
      for (const injected of [pool, client]) {
        const ops = await createAdapter('operational', { scheme: 'postgres', client: injected });
        await ops.transaction(async (tx) => {
          await tx.query('SELECT 1');
        });
        await ops.close();
        const { rows } = await injected.query('SELECT 2 AS n');
        expect(rows).toEqual([{ n: 2 }]);
      }
    } finally {
      await client.end();
      await pool.end();
    }
  });

  it('on one injected client, statements outside a transaction wait for it instead of joining it', async () => {
    const client = new pg.Client({ connectionString: serverUrl() });
    await client.connect();
    const name = table('tk_single');
    const ops = await createAdapter('operational', { scheme: 'postgres', client });
    try {
      await ops.execute(`CREATE TABLE ${name} (id TEXT PRIMARY KEY)`);
      let resume!: () => void;
      const paused = new Promise<void>((resolve) => {
        resume = resolve;
      });
      const tx = ops
        .transaction(async (t) => {
          await t.execute(`INSERT INTO ${name} VALUES ($1)`, ['in-tx']);
          await paused;
          throw new Error('roll back');
        })
        .catch(() => 'rolled back');
      const outside = ops.execute(`INSERT INTO ${name} VALUES ($1)`, ['outside']);
      await new Promise((r) => setTimeout(r, 50));
      resume();
      expect(await tx).toBe('rolled back');
      await outside;
      const rows = await ops.query<{ id: string }>(`SELECT id FROM ${name} ORDER BY id`);
      expect(rows).toEqual([{ id: 'outside' }]); // had it joined the transaction, it would be gone
    } finally {
      await ops.execute(`DROP TABLE IF EXISTS ${name}`);
      await ops.close();
      await client.end();
    }
  });

  it('statement_timeout turns a slow statement into ORCH_TIMEOUT', async () => {
    const ops = await createAdapter('operational', { url: serverUrl(), statementTimeoutMs: 100 });
    try {
      const err = await failure(ops.query('SELECT pg_sleep(2)'));
      expect(err.code).toBe('ORCH_TIMEOUT');
      expect(err.details.driverCode).toBe('57014');
      expect(await ops.query('SELECT 1 AS n')).toEqual([{ n: 1 }]);
    } finally {
      await ops.close();
    }
  });

  it('serialization failures are retriable ORCH_CONFLICTs, retried when the caller allows', async () => {
    const ops = await createAdapter('operational', { url: serverUrl(), poolSize: 4 });
    const name = table('tk_serial');
    try {
      await ops.execute(`CREATE TABLE ${name} (id TEXT PRIMARY KEY, n INTEGER NOT NULL)`);
      await ops.execute(`INSERT INTO ${name} VALUES ('c', 0)`);
      const increment = (retries: number) =>
        ops.transaction(
          async (tx) => {
            const [row] = await tx.query<{ n: number }>(`SELECT n FROM ${name} WHERE id = 'c'`);
            await new Promise((r) => setTimeout(r, 20));
            await tx.execute(`UPDATE ${name} SET n = $1 WHERE id = 'c'`, [row!.n + 1]);
          },
          { isolation: 'serializable', retries },
        );
      const without = await Promise.allSettled(Array.from({ length: 4 }, () => increment(0)));
      const failures = without.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(failures.length).toBeGreaterThan(0);
      for (const f of failures) {
        expect(f.reason).toMatchObject({
          code: 'ORCH_CONFLICT',
          retriable: true,
          details: { driverCode: '40001' },
        });
      }
      const before = (await ops.query<{ n: number }>(`SELECT n FROM ${name}`))[0]!.n;
      await Promise.all(Array.from({ length: 8 }, () => increment(10)));
      const [after] = await ops.query<{ n: number }>(`SELECT n FROM ${name}`);
      expect(after!.n).toBe(before + 8); // every retried increment landed exactly once
    } finally {
      await ops.execute(`DROP TABLE IF EXISTS ${name}`);
      await ops.close();
    }
  });

  it('64 callers incrementing one counter through versioned updates lose nothing', async () => {
    const ops = await createAdapter('operational', { url: serverUrl(), poolSize: 10 });
    const name = table('tk_version');
    try {
      await ops.execute(
        `CREATE TABLE ${name} (id TEXT PRIMARY KEY, n INTEGER NOT NULL, version INTEGER NOT NULL)`,
      );
      await ops.execute(`INSERT INTO ${name} VALUES ('c', 0, 0)`);
      const increment = async () => {
        for (;;) {
          const [row] = await ops.query<{ n: number; version: number }>(
            `SELECT n, version FROM ${name} WHERE id = 'c'`,
          );
          const { changes } = await ops.execute(
            `UPDATE ${name} SET n = $1, version = version + 1 WHERE id = 'c' AND version = $2`,
            [row!.n + 1, row!.version],
          );
          if (changes === 1) return;
        }
      };
      await Promise.all(Array.from({ length: 64 }, increment));
      expect(await ops.query(`SELECT n, version FROM ${name}`)).toEqual([{ n: 64, version: 64 }]);
    } finally {
      await ops.execute(`DROP TABLE IF EXISTS ${name}`);
      await ops.close();
    }
  });

  it('a deadlock is a retriable ORCH_CONFLICT', async () => {
    const ops = await createAdapter('operational', { url: serverUrl(), poolSize: 4 });
    const name = table('tk_deadlock');
    try {
      await ops.execute(`CREATE TABLE ${name} (id TEXT PRIMARY KEY, n INTEGER)`);
      await ops.execute(`INSERT INTO ${name} VALUES ('a', 0), ('b', 0)`);
      const cross = (first: string, second: string) =>
        ops.transaction(async (tx) => {
          await tx.execute(`UPDATE ${name} SET n = n + 1 WHERE id = $1`, [first]);
          await new Promise((r) => setTimeout(r, 100));
          await tx.execute(`UPDATE ${name} SET n = n + 1 WHERE id = $1`, [second]);
        });
      const results = await Promise.allSettled([cross('a', 'b'), cross('b', 'a')]);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.reason).toMatchObject({
        code: 'ORCH_CONFLICT',
        retriable: true,
        details: { driverCode: '40P01' },
      });
    } finally {
      await ops.execute(`DROP TABLE IF EXISTS ${name}`);
      await ops.close();
    }
  });

  it('rejects misspelt and mistyped options before connecting', async () => {
    const err = await failure(createAdapter('operational', { url: serverUrl(), poolsize: 3 }));
    expect(err.code).toBe('ORCH_INVALID_CONFIG');
    const typed = await failure(createAdapter('operational', { url: serverUrl(), poolSize: 0 }));
    expect(typed.code).toBe('ORCH_INVALID_CONFIG');
    expect(typed.details.issues).toEqual([expect.objectContaining({ path: 'poolSize' })]);
  });
});

describe('postgres: credentials and a server that goes away', () => {
  let cluster: ThrowawayCluster;
  beforeAll(async () => {
    cluster = await createThrowawayCluster();
  }, 60_000);
  afterAll(() => cluster?.destroy());

  it('bad credentials are ORCH_AUTH_FAILED and the password is never printed', async () => {
    const wrong = 'Wr0ng-secret-value';
    const err = await failure(
      createAdapter('operational', `postgres://postgres:${wrong}@127.0.0.1:${cluster.port}/postgres`),
    );
    expect(err.code).toBe('ORCH_AUTH_FAILED');
    expect(err.retriable).toBe(false);
    expect(err.details.driverCode).toBe('28P01');
    for (const text of [err.message, String(err.stack), JSON.stringify(err)])
      expect(text).not.toContain(wrong);
    const good = await createAdapter('operational', cluster.url);
    expect(JSON.stringify(await good.health())).not.toContain(cluster.password);
    await good.close();
  });

  it('a server that is down gives retriable ORCH_CONNECTION_FAILED and an unhealthy health(); the same store recovers', async () => {
    const ops = await createAdapter('operational', { url: cluster.url, connectionTimeoutMs: 2_000 });
    try {
      expect(await ops.query('SELECT 1 AS n')).toEqual([{ n: 1 }]);
      cluster.stop();
      const err = await failure(ops.query('SELECT 1 AS n'));
      expect(err.code).toBe('ORCH_CONNECTION_FAILED');
      expect(err.retriable).toBe(true);
      const inTx = await failure(ops.transaction((tx) => tx.query('SELECT 1')));
      expect(inTx.code).toBe('ORCH_CONNECTION_FAILED');
      const health = await ops.health();
      expect(health.status).toBe('unhealthy');
      expect(JSON.stringify(health)).not.toContain(cluster.password);
      cluster.start();
      expect(await ops.query('SELECT 2 AS n')).toEqual([{ n: 2 }]);
      expect((await ops.health()).status).toBe('healthy');
    } finally {
      await ops.close();
    }
  }, 60_000);
});
