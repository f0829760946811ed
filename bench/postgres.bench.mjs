// PostgreSQL: (1) the adapter against raw pg on the same statements, at 1, 16 and 64 concurrent
// callers; (2) task repository operations (create, get, a page of a query, a versioned update)
// at 1, 16 and 64 callers on PostgreSQL and on the embedded SQLite file; (3) filtered top-10 over
// 100k x 384 vectors on pgvector, exact and with HNSW, against the same SQL through raw pg.
// Run: ORCH_BENCH_POSTGRES_URL=postgres://… pnpm --filter @orch/bench bench:postgres (after `pnpm build`;
// `bash scripts/servers/postgres.sh start` prints a URL). Env: BENCH_OPS (2000), BENCH_VECTORS (100000),
// BENCH_DIM (384), BENCH_QUERIES (30).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import '@orch/adapter-postgres';
import '@orch/adapter-sqlite';
import { createAdapter } from '@orch/core';
import { UnifiedDatabaseManager } from '@orch/unified';
import pg from 'pg';
import { seededRandom } from './lib/random.mjs';

const URL_ = process.env.ORCH_BENCH_POSTGRES_URL ?? process.env.ORCH_TEST_POSTGRES_URL;
if (!URL_) {
  console.error('Set ORCH_BENCH_POSTGRES_URL (bash scripts/servers/postgres.sh start prints one).');
  process.exit(2);
}
const OPS = Number(process.env.BENCH_OPS ?? 2000);
const VECTORS = Number(process.env.BENCH_VECTORS ?? 100_000);
const DIM = Number(process.env.BENCH_DIM ?? 384);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 30);
const CONCURRENCY = [1, 16, 64];
const POOL = 16;
const dir = mkdtempSync(join(tmpdir(), 'orch-bench-pg-'));
const rows = [];
const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

/** Run `op(i)` for i in [0, count) with `callers` concurrent callers; returns operations per second. */
async function throughput(count, callers, op) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (let i = next++; i < count; i = next++) await op(i);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/**
 * Measure two sides in alternating rounds and keep each side's best, so neither profits from
 * going second (warm caches) or suffers from a burst of load on a shared machine.
 */
async function paired(rounds, baselineRun, orchRun) {
  let baseline = 0;
  let orch = 0;
  for (let r = 0; r < rounds; r++) {
    baseline = Math.max(baseline, await baselineRun(r));
    orch = Math.max(orch, await orchRun(r));
  }
  return [baseline, orch];
}

function report(section, name, baseline, measured, unit) {
  rows.push({ section, name, baseline, measured, ratio: measured / baseline, unit });
  console.log(
    `${section.padEnd(12)} ${name.padEnd(44)} ${fmt(baseline).padStart(10)} ${fmt(measured).padStart(10)} ${(measured / baseline).toFixed(2)}x`,
  );
}

async function freshSchema(admin, name) {
  await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  await admin.query(`CREATE SCHEMA ${name}`);
  const url = new URL(URL_);
  url.searchParams.set('options', `-c search_path=${name},public`);
  return url.toString();
}

const admin = new pg.Pool({ connectionString: URL_, max: 2 });

// (1) The same statements through the adapter and through raw pg, interleaved by concurrency.
async function statements() {
  const url = await freshSchema(admin, 'orch_bench_stmt');
  const raw = new pg.Pool({ connectionString: url, max: POOL });
  const ops = await createAdapter('operational', { url, poolSize: POOL });
  await raw.query('CREATE TABLE items (id TEXT PRIMARY KEY, title TEXT NOT NULL, n INTEGER NOT NULL)');
  for (const callers of CONCURRENCY) {
    const tag = (side, r) => `${side}-${callers}-${r}`;
    const [rawInsert, orchInsert] = await paired(
      3,
      (r) =>
        throughput(OPS, callers, (i) =>
          raw.query('INSERT INTO items (id, title, n) VALUES ($1, $2, $3)', [
            `${tag('raw', r)}-${i}`,
            `item ${i}`,
            i,
          ]),
        ),
      (r) =>
        throughput(OPS, callers, (i) =>
          ops.execute('INSERT INTO items (id, title, n) VALUES ($1, $2, $3)', [
            `${tag('orch', r)}-${i}`,
            `item ${i}`,
            i,
          ]),
        ),
    );
    report('statements', `insert, ${callers} callers (rows/s)`, rawInsert, orchInsert);
    const [rawRead, orchRead] = await paired(
      3,
      (r) =>
        throughput(OPS, callers, (i) =>
          raw.query('SELECT id, title, n FROM items WHERE id = $1', [`${tag('raw', r)}-${i}`]),
        ),
      (r) =>
        throughput(OPS, callers, (i) =>
          ops.query('SELECT id, title, n FROM items WHERE id = $1', [`${tag('orch', r)}-${i}`]),
        ),
    );
    report('statements', `point read, ${callers} callers (reads/s)`, rawRead, orchRead);
    const [rawTx, orchTx] = await paired(
      3,
      (r) =>
        throughput(OPS / 4, callers, async (i) => {
          const client = await raw.connect();
          try {
            await client.query('BEGIN');
            await client.query('UPDATE items SET n = n + 1 WHERE id = $1', [`${tag('raw', r)}-${i}`]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        }),
      (r) =>
        throughput(OPS / 4, callers, (i) =>
          ops.transaction((tx) =>
            tx.execute('UPDATE items SET n = n + 1 WHERE id = $1', [`${tag('orch', r)}-${i}`]),
          ),
        ),
    );
    report('statements', `transaction, ${callers} callers (tx/s)`, rawTx, orchTx);
  }
  await ops.close();
  await raw.end();
}

// (2) Task repository operations on PostgreSQL and on the embedded SQLite file.
async function repositories() {
  const pgUrl = await freshSchema(admin, 'orch_bench_repo');
  const backends = {
    sqlite: await UnifiedDatabaseManager.open({
      config: { databases: { operational: { url: `sqlite:///${join(dir, 'repo.db')}` } } },
      env: {},
      backgroundSync: false,
    }),
    postgres: await UnifiedDatabaseManager.open({
      config: { databases: { operational: { url: pgUrl, poolSize: POOL } } },
      env: {},
      backgroundSync: false,
    }),
  };
  const results = {};
  for (const [name, db] of Object.entries(backends)) {
    for (const callers of CONCURRENCY) {
      const ids = [];
      const create = await throughput(OPS / 2, callers, async (i) => {
        const task = await db.tasks.create({
          title: `task ${callers}-${i}`,
          type: i % 2 ? 'analysis' : 'implementation',
        });
        ids[i] = task.id;
      });
      const get = await throughput(OPS, callers, (i) => db.tasks.get(ids[i % ids.length]));
      const page = await throughput(OPS / 4, callers, (i) =>
        db.tasks.query({ type: [i % 2 ? 'analysis' : 'implementation'], limit: 20 }),
      );
      const update = await throughput(OPS / 2, callers, async (i) => {
        const id = ids[i % ids.length];
        const current = await db.tasks.get(id);
        await db.tasks.update(id, { description: `pass ${i}` }, { expectedVersion: current.version });
      });
      results[`${name}/${callers}`] = { create, get, page, update };
    }
  }
  for (const callers of CONCURRENCY) {
    for (const op of ['create', 'get', 'page', 'update']) {
      report(
        'repository',
        `${op}, ${callers} callers, postgres vs sqlite (ops/s)`,
        results[`sqlite/${callers}`][op],
        results[`postgres/${callers}`][op],
      );
    }
  }
  await Promise.all(Object.values(backends).map((db) => db.close()));
}

// (3) Filtered top-10 over VECTORS x DIM on pgvector, exact and HNSW, against raw pg.
async function vectors() {
  const url = await freshSchema(admin, 'orch_bench_vec');
  const rand = seededRandom(11);
  const vector = () => Array.from({ length: DIM }, () => rand() * 2 - 1);
  const raw = new pg.Pool({ connectionString: url, max: 4 });
  const exact = await createAdapter('vector', { url, poolSize: 4 });
  const started = performance.now();
  await exact.ensureCollection('bench', { dimension: DIM, metric: 'cosine' });
  for (let start = 0; start < VECTORS; start += 1000) {
    const batch = [];
    for (let i = start; i < Math.min(VECTORS, start + 1000); i++) {
      batch.push({
        id: `v${i}`,
        vector: vector(),
        metadata: { bucket: i % 10, tag: i % 3 === 0 ? 'a' : 'b' },
      });
    }
    await exact.upsert('bench', batch);
  }
  console.log(`loaded ${VECTORS} x ${DIM} vectors in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const [{ table_name: table }] = (
    await raw.query("SELECT table_name FROM orch_vec_collections WHERE name = 'bench'")
  ).rows;
  const probes = Array.from({ length: QUERIES }, vector);
  const literal = (v) => `[${v.join(',')}]`;
  const filter = { bucket: 3 };
  const [rawExact, orchExact] = await paired(
    2,
    () =>
      throughput(QUERIES, 1, (i) =>
        raw.query(
          `SELECT id, (embedding <=> $1::vector) AS distance, metadata, document FROM ${table} WHERE (metadata -> 'bucket') = '3'::jsonb ORDER BY 2, id LIMIT 10`,
          [literal(probes[i])],
        ),
      ),
    () => throughput(QUERIES, 1, (i) => exact.query('bench', { vector: probes[i], topK: 10, filter })),
  );
  report('vectors', `filtered top-10, exact (queries/s)`, rawExact, orchExact);

  const buildStarted = performance.now();
  await raw.query(`SET maintenance_work_mem = '1GB'`);
  await raw.query(
    `CREATE INDEX bench_hnsw ON ${table} USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)`,
  );
  console.log(`built the HNSW index in ${((performance.now() - buildStarted) / 1000).toFixed(1)} s`);
  const indexed = await createAdapter('vector', { url, poolSize: 4, vectorIndex: 'hnsw' });
  const rawHnswRun = () =>
    throughput(QUERIES, 1, async (i) => {
      const client = await raw.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL hnsw.ef_search = 100');
        await client.query("SET LOCAL hnsw.iterative_scan = 'strict_order'");
        await client.query(
          `SELECT id, (embedding <=> $1::vector) AS distance, metadata, document FROM ${table} WHERE (metadata -> 'bucket') = '3'::jsonb ORDER BY embedding <=> $1::vector LIMIT 10`,
          [literal(probes[i])],
        );
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    });
  const [rawHnsw, orchHnsw] = await paired(2, rawHnswRun, () =>
    throughput(QUERIES, 1, (i) => indexed.query('bench', { vector: probes[i], topK: 10, filter })),
  );
  report('vectors', `filtered top-10, HNSW (queries/s)`, rawHnsw, orchHnsw);
  let hit = 0;
  for (const probe of probes) {
    const want = new Set((await exact.query('bench', { vector: probe, topK: 10, filter })).map((m) => m.id));
    hit += (await indexed.query('bench', { vector: probe, topK: 10, filter })).filter((m) =>
      want.has(m.id),
    ).length;
  }
  console.log(
    `HNSW recall@10 (filtered) ${(hit / (probes.length * 10)).toFixed(3)}; HNSW vs exact speed-up ${(orchHnsw / orchExact).toFixed(1)}x`,
  );
  await exact.close();
  await indexed.close();
  await raw.end();
}

console.log(
  `${'section'.padEnd(12)} ${'measure'.padEnd(44)} ${'baseline'.padStart(10)} ${'orch'.padStart(10)} ratio`,
);
console.log(
  '(statements and vectors: baseline = raw pg on the same statements; repository: baseline = embedded SQLite)',
);
try {
  await statements();
  await repositories();
  await vectors();
} finally {
  for (const schema of ['orch_bench_stmt', 'orch_bench_repo', 'orch_bench_vec'])
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
