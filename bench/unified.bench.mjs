// The embedded default (one SQLite file for all three stores) against raw better-sqlite3 (+
// sqlite-vec) doing the same writes in the same run, at the same `synchronous` level:
// - createTaskWithEmbeddings, one caller after the other, against the three writes in one raw
//   transaction per task, both into a minimal schema and into orch's own tables and indexes;
// - the same with BENCH_CALLERS callers at once (waves of tasks whose relationships point at
//   earlier waves), against the raw writes one after the other;
// - the task repository alone (operational store only): create, get, update-status and a list of
//   2,000, against the same statements run raw on a file with the same schema.
// Run: pnpm bench:unified (from bench/), after `pnpm build` at the root.
// Env: BENCH_TASKS (2000), BENCH_DIM (384), BENCH_CALLERS (64), BENCH_SYNC (FULL,NORMAL: the
// `synchronous` levels to measure, the same on both sides), BENCH_PARTS (cross,concurrent,repository),
// BENCH_MODE (worker, the default: SQLite in worker threads; or inline: in this thread)
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
const CALLERS = Number(process.env.BENCH_CALLERS ?? 64);
const SYNC_LEVELS = (process.env.BENCH_SYNC ?? 'FULL,NORMAL').split(',').map((s) => s.trim().toUpperCase());
const PARTS = new Set((process.env.BENCH_PARTS ?? 'cross,concurrent,repository').split(','));
const MODE = process.env.BENCH_MODE ?? 'worker';
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
// For concurrent callers: up to two tasks of earlier waves, which exist before a wave starts.
const waveRelations = Array.from({ length: TASKS }, (_, i) => {
  const before = Math.floor(i / CALLERS) * CALLERS;
  const picked = new Set();
  while (picked.size < Math.min(2, before)) picked.add(Math.floor(rand() * before));
  return [...picked];
});

// Raw: a task row, its embedding and its node + edges, in one transaction per task, on one file.
function raw(sync, rels = relations, name = 'raw') {
  const db = new Database(join(dir, `${name}-${sync}.db`));
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
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
    for (const j of rels[i]) edge.run(`t${i}`, `t${j}`, 'DEPENDS_ON');
  });
  const t = performance.now();
  for (let i = 0; i < TASKS; i++) write(i);
  const ms = performance.now() - t;
  db.close();
  return ms;
}

/**
 * Raw again, but into the file orch itself creates (migrated, its vector collection and graph
 * tables made by a first create): the same rows in the same tables and indexes as orch writes,
 * foreign keys on as orch runs them. What orch costs over this is the layer; what this costs over
 * `raw` is the schema (about twice the b-trees per task).
 */
async function rawOrchSchema(sync, rels = relations) {
  const file = join(dir, `raw-orch-schema-${sync}.db`);
  const url = `sqlite:///${file}`;
  const m = await UnifiedDatabaseManager.open({
    config: { databases: { operational: { url }, vector: { url }, graph: { url } } },
    env: {},
    backgroundSync: false,
  });
  await m.migrate();
  await m.createTaskWithEmbeddings({
    task: { id: 'seed', title: 'seed' },
    embedding: { vector: vectors[0] },
  });
  await m.close();
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.pragma('foreign_keys = ON');
  const [{ id: collection }] = db.prepare('SELECT id FROM orch_vec_collections').all();
  const task = db.prepare(
    `INSERT INTO tasks (${COLUMNS}) VALUES (${COLUMNS.split(',')
      .map(() => '?')
      .join(', ')})`,
  );
  const dep = db.prepare(
    'INSERT INTO task_dependencies (task_id, depends_on_id, created_at) VALUES (?, ?, ?)',
  );
  const emb = db.prepare(
    `INSERT INTO orch_vec_c${collection} (id, vector, norm, metadata, document) VALUES (?, ?, ?, ?, ?)`,
  );
  const node = db.prepare('INSERT INTO orch_graph_nodes (id, labels, properties) VALUES (?, ?, ?)');
  const edge = db.prepare('INSERT INTO orch_graph_edges (src, dst, type, properties) VALUES (?, ?, ?, ?)');
  const write = db.transaction((i) => {
    const now = new Date().toISOString();
    const id = `t${i}`;
    task.run(
      id,
      null,
      null,
      `task ${i}`,
      '',
      'task',
      'created',
      null,
      null,
      0,
      null,
      '{}',
      1,
      now,
      now,
      null,
    );
    for (const j of rels[i]) dep.run(id, `t${j}`, now);
    const v = new Float32Array(vectors[i]);
    emb.run(
      id,
      Buffer.from(v.buffer),
      Math.hypot(...v),
      '{"status":"created","type":"task","priority":0}',
      `task ${i}`,
    );
    node.run(id, '["Task"]', JSON.stringify({ title: `task ${i}`, status: 'created', type: 'task' }));
    for (const j of rels[i]) edge.run(id, `t${j}`, 'DEPENDS_ON', '{}');
  });
  const t = performance.now();
  for (let i = 0; i < TASKS; i++) write(i);
  const ms = performance.now() - t;
  db.close();
  return ms;
}

async function orch(sync, callers = 1, rels = relations) {
  const url = `sqlite:///${join(dir, `orch-${callers}-${sync}.db`)}?synchronous=${sync}&mode=${MODE}`;
  const db = await UnifiedDatabaseManager.open({
    config: { databases: { operational: { url }, vector: { url }, graph: { url } } },
    env: {},
    backgroundSync: false,
  });
  await db.migrate();
  const t = performance.now();
  let pending = 0;
  const create = async (i) => {
    const r = await db.createTaskWithEmbeddings({
      task: { id: `t${i}`, title: `task ${i}` },
      embedding: { vector: vectors[i] },
      relationships: rels[i].map((j) => ({ from: `t${i}`, to: `t${j}`, type: 'depends_on' })),
    });
    pending += r.pending.length;
  };
  for (let i = 0; i < TASKS; i += callers) {
    const wave = [];
    for (let k = i; k < Math.min(TASKS, i + callers); k++) wave.push(create(k));
    await Promise.all(wave);
  }
  const ms = performance.now() - t;
  const counts = await db.operational.query(
    'SELECT (SELECT COUNT(*) FROM tasks) AS tasks, (SELECT COUNT(*) FROM task_dependencies) AS deps, (SELECT COUNT(*) FROM orch_outbox) AS outbox',
  );
  await db.close();
  return { ms, pending, counts: counts[0] };
}

const COLUMNS =
  'id, parent_id, session_id, title, description, type, status, specialist, complexity, priority, result, metadata, version, created_at, updated_at, completed_at';

/** The task repository (operational store only) against the same statements run raw. */
async function repository(sync) {
  const url = `sqlite:///${join(dir, `repo-${sync}.db`)}?synchronous=${sync}&mode=${MODE}`;
  const m = await UnifiedDatabaseManager.open({
    config: { databases: { operational: { url } } },
    env: {},
    backgroundSync: false,
  });
  await m.migrate();
  // The raw side gets the same schema: migrated by orch, then opened directly.
  const rawFile = join(dir, `repo-raw-${sync}.db`);
  const schemaOnly = await UnifiedDatabaseManager.open({
    config: { databases: { operational: { url: `sqlite:///${rawFile}` } } },
    env: {},
    backgroundSync: false,
  });
  await schemaOnly.migrate();
  await schemaOnly.close();
  const db = new Database(rawFile);
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`synchronous = ${sync}`);
  const insert = db.prepare(
    `INSERT INTO tasks (${COLUMNS}) VALUES (${COLUMNS.split(',')
      .map(() => '?')
      .join(', ')})`,
  );
  const getRow = db.prepare(`SELECT ${COLUMNS} FROM tasks WHERE id = ?`);
  const getArtifacts = db.prepare('SELECT * FROM task_artifacts WHERE task_id = ? ORDER BY created_at, id');
  const getDependsOn = db.prepare(
    'SELECT depends_on_id AS id FROM task_dependencies WHERE task_id = ? ORDER BY depends_on_id',
  );
  const getDependents = db.prepare(
    'SELECT task_id AS id FROM task_dependencies WHERE depends_on_id = ? ORDER BY task_id',
  );
  const setStatus = db.prepare(
    `UPDATE tasks SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ? RETURNING ${COLUMNS}`,
  );
  const count = db.prepare('SELECT COUNT(*) AS n FROM tasks WHERE 1 = 1');
  const list = db.prepare(
    `SELECT ${COLUMNS} FROM tasks WHERE 1 = 1 ORDER BY created_at ASC, id ASC LIMIT ? OFFSET ?`,
  );
  const rawCreate = db.transaction((i) => {
    const now = new Date().toISOString();
    insert.run(
      `r${i}`,
      null,
      null,
      `task ${i}`,
      '',
      'task',
      'created',
      null,
      null,
      0,
      null,
      '{}',
      1,
      now,
      now,
      null,
    );
  });
  const rawUpdate = db.transaction((i) => setStatus.get('planning', new Date().toISOString(), `r${i}`, 1));
  const rawSides = {
    create: (i) => rawCreate(i),
    get: (i) => {
      const row = getRow.get(`r${i}`);
      return {
        row,
        artifacts: getArtifacts.all(`r${i}`),
        on: getDependsOn.all(`r${i}`),
        by: getDependents.all(`r${i}`),
      };
    },
    update: (i) => rawUpdate(i),
    list: () => [count.get(), list.all(2000, 0)],
  };
  const orchSides = {
    create: (i) => m.tasks.create({ id: `o${i}`, title: `task ${i}` }),
    get: (i) => m.tasks.get(`o${i}`),
    update: (i) => m.tasks.update(`o${i}`, { status: 'planning' }),
    list: () => m.tasks.query({ limit: 2000 }),
  };
  const rows = [];
  for (const op of ['create', 'get', 'update', 'list']) {
    const n = op === 'list' ? 50 : TASKS;
    let t = performance.now();
    for (let i = 0; i < n; i++) rawSides[op](i);
    const rawMs = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < n; i++) await orchSides[op](i);
    const orchMs = performance.now() - t;
    rows.push({ op, n, rawMs, orchMs });
  }
  const listed = (await m.tasks.query({ limit: 2000 })).items.length;
  db.close();
  await m.close();
  return { rows, listed };
}

try {
  const rate = (ms, n = TASKS) => n / (ms / 1000);
  const checks = [];
  console.log(
    `orch store mode: ${MODE}${MODE === 'worker' ? ' (the default: SQLite in worker threads)' : ' (SQLite in this thread)'}\n`,
  );
  if (PARTS.has('cross')) {
    console.log(
      `createTaskWithEmbeddings: ${TASKS} tasks, ${DIM}-dim vectors, 2 relationships each (fewer for the first two), one caller`,
    );
    console.log(
      "| synchronous | path | tasks/s | vs raw | vs raw on orch's schema |\n|---|---|---:|---:|---:|",
    );
    for (const sync of SYNC_LEVELS) {
      const rawMs = raw(sync);
      const sameSchemaMs = await rawOrchSchema(sync);
      const o = await orch(sync);
      const vs = (ms) =>
        `${(rate(ms) / rate(rawMs)).toFixed(2)}x | ${(rate(ms) / rate(sameSchemaMs)).toFixed(2)}x`;
      console.log(
        `| ${sync} | raw better-sqlite3 (3 writes, 1 transaction per task) | ${rate(rawMs).toFixed(0)} | ${vs(rawMs)} |`,
      );
      console.log(
        `| ${sync} | raw better-sqlite3, the same rows into orch's tables and indexes | ${rate(sameSchemaMs).toFixed(0)} | ${vs(sameSchemaMs)} |`,
      );
      console.log(`| ${sync} | orch createTaskWithEmbeddings | ${rate(o.ms).toFixed(0)} | ${vs(o.ms)} |`);
      checks.push(`cross ${sync}: pending=${o.pending}, rows=${JSON.stringify(o.counts)}`);
    }
  }
  if (PARTS.has('concurrent')) {
    console.log(`\ncreateTaskWithEmbeddings, ${CALLERS} callers at once, against raw one after the other`);
    console.log('| synchronous | path | tasks/s | vs raw sequential |\n|---|---|---:|---:|');
    for (const sync of SYNC_LEVELS) {
      const rawMs = raw(sync, waveRelations, 'raw-waves');
      const o = await orch(sync, CALLERS, waveRelations);
      console.log(`| ${sync} | raw better-sqlite3, sequential | ${rate(rawMs).toFixed(0)} | 1.00x |`);
      console.log(
        `| ${sync} | orch, ${CALLERS} concurrent callers | ${rate(o.ms).toFixed(0)} | ${(rate(o.ms) / rate(rawMs)).toFixed(2)}x |`,
      );
      checks.push(`concurrent ${sync}: pending=${o.pending}, rows=${JSON.stringify(o.counts)}`);
    }
  }
  if (PARTS.has('repository')) {
    console.log('\ntask repository (operational store only) against the same statements raw, one caller');
    console.log('| synchronous | operation | raw ops/s | orch ops/s | vs raw |\n|---|---|---:|---:|---:|');
    for (const sync of SYNC_LEVELS) {
      const r = await repository(sync);
      for (const { op, n, rawMs, orchMs } of r.rows) {
        const label = op === 'list' ? 'list 2,000 (count + page)' : op === 'update' ? 'update status' : op;
        console.log(
          `| ${sync} | ${label} | ${rate(rawMs, n).toFixed(0)} | ${rate(orchMs, n).toFixed(0)} | ${(rawMs / orchMs).toFixed(2)}x |`,
        );
      }
      checks.push(`repository ${sync}: listed ${r.listed}`);
    }
  }
  for (const c of checks) console.log(`check ${c}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
