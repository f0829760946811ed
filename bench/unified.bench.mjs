// createTaskWithEmbeddings on the embedded stores (one SQLite file for all three) against the same
// three writes done directly on better-sqlite3 + sqlite-vec in the same run.
// Run: pnpm bench:unified (from bench/), after `pnpm build` at the root.
// Env: BENCH_TASKS (2000), BENCH_DIM (384)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import '@orch/adapter-sqlite';
import { UnifiedDatabaseManager } from '@orch/unified';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { seededRandom } from './lib/random.mjs';

const TASKS = Number(process.env.BENCH_TASKS ?? 2000);
const DIM = Number(process.env.BENCH_DIM ?? 384);
const dir = mkdtempSync(join(tmpdir(), 'orch-bench-unified-'));

const rand = seededRandom(7);
const vectors = Array.from({ length: TASKS }, () => Array.from({ length: DIM }, () => rand() * 2 - 1));
// Two distinct earlier tasks per task (the first two have fewer to point at).
const related = (i) => {
  const picked = new Set();
  while (picked.size < Math.min(2, i)) picked.add(Math.floor(rand() * i));
  return [...picked];
};
const relations = Array.from({ length: TASKS }, (_, i) => related(i));

// Raw: a task row, its embedding and its node + edges, in one transaction per task, on one file.
function raw() {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  sqliteVec.load(db);
  db.exec(`CREATE TABLE tasks (id TEXT PRIMARY KEY, title TEXT, status TEXT, created_at TEXT, updated_at TEXT);
    CREATE TABLE emb (id TEXT PRIMARY KEY, status TEXT, emb BLOB);
    CREATE TABLE nodes (id TEXT PRIMARY KEY, labels TEXT, props TEXT);
    CREATE TABLE edges (src TEXT, dst TEXT, type TEXT, PRIMARY KEY (src, dst, type)) WITHOUT ROWID;`);
  const task = db.prepare('INSERT INTO tasks VALUES (?, ?, ?, ?, ?)');
  const emb = db.prepare('INSERT INTO emb VALUES (?, ?, ?)');
  const node = db.prepare('INSERT INTO nodes VALUES (?, ?, ?)');
  const edge = db.prepare('INSERT INTO edges VALUES (?, ?, ?)');
  const write = db.transaction((i) => {
    const now = new Date().toISOString();
    task.run(`t${i}`, `task ${i}`, 'created', now, now);
    emb.run(`t${i}`, 'created', Buffer.from(new Float32Array(vectors[i]).buffer));
    node.run(`t${i}`, '["Task"]', JSON.stringify({ title: `task ${i}` }));
    for (const j of relations[i]) edge.run(`t${i}`, `t${j}`, 'DEPENDS_ON');
  });
  const t = performance.now();
  for (let i = 0; i < TASKS; i++) write(i);
  const ms = performance.now() - t;
  db.close();
  return ms;
}

async function orch() {
  const url = `sqlite:///${join(dir, 'orch.db')}`;
  const db = await UnifiedDatabaseManager.open({
    config: { databases: { operational: { url }, vector: { url }, graph: { url } } },
    env: {},
    backgroundSync: false,
  });
  await db.migrate();
  const t = performance.now();
  let pending = 0;
  for (let i = 0; i < TASKS; i++) {
    const r = await db.createTaskWithEmbeddings({
      task: { id: `t${i}`, title: `task ${i}` },
      embedding: { vector: vectors[i] },
      relationships: relations[i].map((j) => ({ from: `t${i}`, to: `t${j}`, type: 'depends_on' })),
    });
    pending += r.pending.length;
  }
  const ms = performance.now() - t;
  const counts = await db.operational.query(
    'SELECT (SELECT COUNT(*) FROM tasks) AS tasks, (SELECT COUNT(*) FROM task_dependencies) AS deps, (SELECT COUNT(*) FROM orch_outbox) AS outbox',
  );
  await db.close();
  return { ms, pending, counts: counts[0] };
}

try {
  const rawMs = raw();
  const o = await orch();
  const rate = (ms) => TASKS / (ms / 1000);
  console.log(
    `createTaskWithEmbeddings: ${TASKS} tasks, ${DIM}-dim vectors, 2 relationships each (fewer for the first two)`,
  );
  console.log('| path | tasks/s | vs raw |\n|---|---:|---:|');
  console.log(
    `| raw better-sqlite3 (3 writes, 1 transaction per task) | ${rate(rawMs).toFixed(0)} | 1.00x |`,
  );
  console.log(
    `| orch UnifiedDatabaseManager (row + outbox, then vector + graph) | ${rate(o.ms).toFixed(0)} | ${(rate(o.ms) / rate(rawMs)).toFixed(2)}x |`,
  );
  console.log(`check: pending=${o.pending}, rows=${JSON.stringify(o.counts)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
