// Embedded vector and graph stores of @orch/adapter-sqlite against raw better-sqlite3 (+ sqlite-vec),
// measured in the same run. Graph answers are checked against a breadth-first search in JS.
// Run: pnpm bench:vector-graph (from bench/), after `pnpm build` at the root.
// The vector half also times a plain C scan of the same data (bench/c/scan.c, built here with gcc).
// Env: BENCH_VECTORS (100000), BENCH_DIM (384), BENCH_QUERIES (20), BENCH_NODES (100000), BENCH_EDGES (300000),
// BENCH_PARTS (vector,graph: which halves to run)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import '@orch/adapter-sqlite';
import { createAdapter } from '@orch/core';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { seededRandom } from './lib/random.mjs';

const VECTORS = Number(process.env.BENCH_VECTORS ?? 100_000);
const DIM = Number(process.env.BENCH_DIM ?? 384);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 20);
const NODES = Number(process.env.BENCH_NODES ?? 100_000);
const EDGES = Number(process.env.BENCH_EDGES ?? 300_000);
const dir = mkdtempSync(join(tmpdir(), 'orch-bench-vg-'));

const rand = seededRandom(42);
const randomVector = () => {
  const v = new Float32Array(DIM);
  for (let i = 0; i < DIM; i++) v[i] = rand() * 2 - 1;
  return v;
};
const time = async (fn) => {
  const t = performance.now();
  const r = await fn();
  return { ms: performance.now() - t, r };
};
const results = [];
const started = performance.now();
const record = (r) => {
  results.push(r);
  console.log(
    `  ${r.name}: raw ${fmt(r.raw)}, orch ${fmt(r.adapter)} (${((performance.now() - started) / 1000).toFixed(0)} s elapsed)`,
  );
};
const fmt = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));

async function benchVectors() {
  console.log(`vector: ${VECTORS} x ${DIM} (cosine), ${QUERIES} top-10 queries each way`);
  const vectors = Array.from({ length: VECTORS }, randomVector);
  const statuses = [
    'open',
    'active',
    'done',
    'archived',
    'blocked',
    'review',
    'failed',
    'ready',
    'planning',
    'created',
  ];
  const status = (i) => statuses[i % statuses.length];
  const queries = Array.from({ length: QUERIES }, randomVector);

  // The C yardstick (bench/c/scan.c): the same vectors, unit length (so the dot product ranks as
  // cosine), the same queries, the same 10% filter as a byte mask.
  const c = cScan(vectors, queries, (i) => status(i) === 'open');

  // Raw: one table, sqlite-vec's scalar distance, exact top-10 by ORDER BY ... LIMIT.
  const raw = new Database(join(dir, 'raw-vec.db'));
  raw.pragma('journal_mode = WAL');
  sqliteVec.load(raw);
  raw.exec('CREATE TABLE v (id TEXT PRIMARY KEY, status TEXT NOT NULL, emb BLOB NOT NULL)');
  const ins = raw.prepare('INSERT INTO v (id, status, emb) VALUES (?, ?, ?)');
  const rawLoad = await time(() =>
    raw.transaction(() => {
      for (let i = 0; i < VECTORS; i++) ins.run(`v${i}`, status(i), Buffer.from(vectors[i].buffer));
    })(),
  );
  const knn = raw.prepare('SELECT id, vec_distance_cosine(emb, ?) AS d FROM v ORDER BY d, id LIMIT 10');
  const knnFiltered = raw.prepare(
    'SELECT id, vec_distance_cosine(emb, ?) AS d FROM v WHERE status = ? ORDER BY d, id LIMIT 10',
  );

  const store = await createAdapter('vector', `sqlite:///${join(dir, 'orch-vec.db')}`);
  await store.ensureCollection('bench', { dimension: DIM, metric: 'cosine' });
  const load = await time(async () => {
    for (let i = 0; i < VECTORS; i += 1000) {
      const chunk = [];
      for (let j = i; j < Math.min(VECTORS, i + 1000); j++)
        chunk.push({ id: `v${j}`, vector: vectors[j], metadata: { status: status(j) } });
      await store.upsert('bench', chunk);
    }
  });
  record({
    name: `vector load ${VECTORS} (records/s)`,
    raw: VECTORS / (rawLoad.ms / 1000),
    adapter: VECTORS / (load.ms / 1000),
  });

  // The first query loads the collection into the scan worker; the first filtered query runs the
  // filter in SQL once (its candidate rows are then kept until the collection changes).
  const first = await time(() => store.query('bench', { vector: queries[0], topK: 10 }));
  const firstFiltered = await time(() =>
    store.query('bench', { vector: queries[0], topK: 10, filter: { status: 'open' } }),
  );
  console.log(
    `  first query (loads ${VECTORS} vectors into the scan worker): ${first.ms.toFixed(0)} ms; first filtered query: ${firstFiltered.ms.toFixed(1)} ms`,
  );
  const cFirst = c.firstTop.map((row) => `v${row}`).join();
  const orchFirst = first.r.map((h) => h.id).join();

  const delay = monitorEventLoopDelay({ resolution: 1 });
  // What the event loop sees here with nothing running (other processes share the cores).
  delay.enable();
  await new Promise((resolve) => setTimeout(resolve, 500));
  delay.disable();
  const idleDelay = delay.max / 1e6;
  for (const filtered of [false, true]) {
    let mismatches = 0;
    const rawRun = await time(async () => {
      const out = [];
      for (const q of queries)
        out.push(filtered ? knnFiltered.all(Buffer.from(q.buffer), 'open') : knn.all(Buffer.from(q.buffer)));
      return out;
    });
    delay.reset();
    delay.enable();
    const orchRun = await time(async () => {
      const out = [];
      for (const q of queries)
        out.push(
          await store.query('bench', {
            vector: q,
            topK: 10,
            ...(filtered ? { filter: { status: 'open' } } : {}),
          }),
        );
      return out;
    });
    delay.disable();
    orchRun.r.forEach((hits, i) => {
      if (hits.map((h) => h.id).join() !== rawRun.r[i].map((h) => h.id).join()) mismatches++;
    });
    const label = filtered ? 'filtered (10% match)' : 'unfiltered';
    record({
      name: `vector top-10 ${label} vs raw sqlite-vec (queries/s)`,
      raw: QUERIES / (rawRun.ms / 1000),
      adapter: QUERIES / (orchRun.ms / 1000),
      note: `${mismatches === 0 ? 'same ids as raw' : `${mismatches} result lists differ from raw`}; event-loop max delay ${(delay.max / 1e6).toFixed(1)} ms (idle: ${idleDelay.toFixed(1)} ms)`,
    });
    const cMs = filtered ? c.filteredMs : c.unfilteredMs;
    const orchMs = orchRun.ms / QUERIES;
    record({
      name: `vector top-10 ${label} vs C scan (ms/query)`,
      raw: cMs,
      adapter: orchMs,
      ratio: `${(orchMs / cMs).toFixed(2)}x the C time`,
      note: filtered
        ? ''
        : cFirst === orchFirst
          ? 'first query: same ids as C'
          : 'first query: ids differ from C',
    });
  }
  await store.close();
  raw.close();
  await benchHnsw();
}

/**
 * Opt-in HNSW (`?vector_index=hnsw`) against exact search of the same file, on clustered vectors
 * (1,000 centres, each record a centre plus noise, as embeddings cluster): on uniform random
 * vectors like the ones above no graph index reaches a useful recall.
 */
async function benchHnsw() {
  const centres = Array.from({ length: 1000 }, randomVector);
  const near = (c) => {
    const v = new Float32Array(DIM);
    for (let i = 0; i < DIM; i++) v[i] = centres[c][i] + 0.5 * (rand() * 2 - 1);
    return v;
  };
  const url = `sqlite:///${join(dir, 'orch-hnsw.db')}`;
  const exact = await createAdapter('vector', url);
  const approx = await createAdapter('vector', `${url}?vector_index=hnsw`);
  await exact.ensureCollection('bench', { dimension: DIM, metric: 'cosine' });
  for (let i = 0; i < VECTORS; i += 1000) {
    const chunk = [];
    for (let j = i; j < Math.min(VECTORS, i + 1000); j++) chunk.push({ id: `h${j}`, vector: near(j % 1000) });
    await exact.upsert('bench', chunk);
  }
  const queries = Array.from({ length: QUERIES * 5 }, (_, i) => near((i * 7919) % 1000));
  await exact.query('bench', { vector: queries[0], topK: 10 });
  const build = await time(() => approx.query('bench', { vector: queries[0], topK: 10 }));
  console.log(
    `  HNSW on ${VECTORS} clustered vectors: first query (loads the cache and builds the graph) ${(build.ms / 1000).toFixed(1)} s`,
  );
  const exactRun = await time(async () => {
    const out = [];
    for (const q of queries) out.push(await exact.query('bench', { vector: q, topK: 10 }));
    return out;
  });
  const approxRun = await time(async () => {
    const out = [];
    for (const q of queries) out.push(await approx.query('bench', { vector: q, topK: 10 }));
    return out;
  });
  let found = 0;
  approxRun.r.forEach((hits, i) => {
    const truth = new Set(exactRun.r[i].map((h) => h.id));
    for (const h of hits) if (truth.has(h.id)) found++;
  });
  record({
    name: 'HNSW top-10 vs exact, clustered data (queries/s)',
    raw: queries.length / (exactRun.ms / 1000),
    adapter: queries.length / (approxRun.ms / 1000),
    note: `recall@10 ${(found / (queries.length * 10)).toFixed(3)}`,
  });
  await approx.close();
  await exact.close();
}

/** Write the data for bench/c/scan.c, build it with the machine's gcc, run it, parse its line. */
function cScan(vectors, queries, matches) {
  const unit = (v) => {
    let s = 0;
    for (const x of v) s += x * x;
    const n = Math.sqrt(s);
    return v.map((x) => x / n);
  };
  const data = new Float32Array(VECTORS * DIM);
  for (let i = 0; i < VECTORS; i++) data.set(unit(vectors[i]), i * DIM);
  const qs = new Float32Array(QUERIES * DIM);
  for (let i = 0; i < QUERIES; i++) qs.set(unit(queries[i]), i * DIM);
  const mask = Uint8Array.from({ length: VECTORS }, (_, i) => (matches(i) ? 1 : 0));
  const files = ['data.f32', 'queries.f32', 'mask.u8'].map((f) => join(dir, f));
  writeFileSync(files[0], data);
  writeFileSync(files[1], qs);
  writeFileSync(files[2], mask);
  const bin = join(dir, 'scan');
  const source = fileURLToPath(new URL('./c/scan.c', import.meta.url));
  execFileSync('gcc', ['-O3', '-march=native', '-o', bin, source, '-lm']);
  const out = execFileSync(bin, [...files, String(VECTORS), String(DIM), String(QUERIES)], {
    encoding: 'utf8',
  });
  const parsed = JSON.parse(out);
  console.log(
    `  C scan (gcc -O3 -march=native): ${parsed.unfilteredMs.toFixed(2)} ms/query unfiltered, ${parsed.filteredMs.toFixed(2)} ms/query filtered`,
  );
  return parsed;
}

async function benchGraph() {
  console.log(`graph: ${NODES} nodes, ${EDGES} edges (random, seeded), ${QUERIES} queries each`);
  const edges = new Map();
  while (edges.size < EDGES) {
    const a = Math.floor(rand() * NODES);
    const b = Math.floor(rand() * NODES);
    if (a !== b) edges.set(`${a}>${b}`, [a, b]);
  }
  const out = Array.from({ length: NODES }, () => []);
  for (const [a, b] of edges.values()) out[a].push(b);
  const bfs = (from, maxDepth) => {
    const depth = new Map([[from, 0]]);
    let frontier = [from];
    for (let d = 1; d <= maxDepth && frontier.length; d++) {
      const next = [];
      for (const n of frontier)
        for (const m of out[n])
          if (!depth.has(m)) {
            depth.set(m, d);
            next.push(m);
          }
      frontier = next;
    }
    depth.delete(from);
    return depth;
  };
  const id = (n) => `n${n}`;

  const raw = new Database(join(dir, 'raw-graph.db'));
  raw.pragma('journal_mode = WAL');
  raw.exec(
    'CREATE TABLE nodes (id TEXT PRIMARY KEY, props TEXT); CREATE TABLE edges (src TEXT, dst TEXT, type TEXT, PRIMARY KEY (src, dst, type)) WITHOUT ROWID; CREATE INDEX edges_dst ON edges (dst, type, src);',
  );
  const rawLoad = await time(() =>
    raw.transaction(() => {
      const n = raw.prepare('INSERT INTO nodes (id, props) VALUES (?, ?)');
      for (let i = 0; i < NODES; i++) n.run(id(i), '{}');
      const e = raw.prepare('INSERT INTO edges (src, dst, type) VALUES (?, ?, ?)');
      for (const [a, b] of edges.values()) e.run(id(a), id(b), 'LINKS');
    })(),
  );
  const graph = await createAdapter('graph', `sqlite:///${join(dir, 'orch-graph.db')}`);
  const load = await time(async () => {
    for (let i = 0; i < NODES; i += 5000) {
      await graph.upsertNodes(
        Array.from({ length: Math.min(5000, NODES - i) }, (_, j) => ({ id: id(i + j), labels: ['Node'] })),
      );
    }
    const all = [...edges.values()];
    for (let i = 0; i < all.length; i += 5000) {
      await graph.upsertEdges(
        all.slice(i, i + 5000).map(([a, b]) => ({ from: id(a), to: id(b), type: 'LINKS' })),
      );
    }
  });
  record({
    name: `graph load ${NODES}+${EDGES} (items/s)`,
    raw: (NODES + EDGES) / (rawLoad.ms / 1000),
    adapter: (NODES + EDGES) / (load.ms / 1000),
  });

  const starts = Array.from({ length: QUERIES }, () => Math.floor(rand() * NODES));
  const hop3 = raw.prepare(
    `WITH RECURSIVE r(id, d) AS (SELECT ?, 0 UNION SELECT e.dst, r.d + 1 FROM r JOIN edges e ON e.src = r.id WHERE r.d < 3)
     SELECT id, MIN(d) AS d FROM r WHERE id <> ? GROUP BY id`,
  );
  const rawHop = await time(async () => starts.map((s) => hop3.all(id(s), id(s))));
  let wrong = 0;
  const orchHop = await time(async () => {
    const res = [];
    for (const s of starts) res.push(await graph.neighbors(id(s), { direction: 'out', depth: 3 }));
    return res;
  });
  orchHop.r.forEach((ns, i) => {
    const expected = bfs(starts[i], 3);
    if (ns.length !== expected.size || ns.some((n) => expected.get(Number(n.id.slice(1))) !== n.depth))
      wrong++;
  });
  record({
    name: '3-hop neighbors (queries/s)',
    raw: QUERIES / (rawHop.ms / 1000),
    adapter: QUERIES / (orchHop.ms / 1000),
    note:
      wrong === 0
        ? `matches JS BFS (avg ${Math.round(orchHop.r.reduce((s, n) => s + n.length, 0) / QUERIES)} nodes)`
        : `${wrong} differ from JS BFS`,
  });

  const pairs = Array.from({ length: QUERIES }, () => [
    Math.floor(rand() * NODES),
    Math.floor(rand() * NODES),
  ]);
  const next = raw.prepare('SELECT dst FROM edges WHERE src = ?').pluck();
  const rawShortest = await time(async () =>
    pairs.map(([a, b]) => {
      // Raw baseline: level-by-level BFS in JS over a prepared statement.
      const seen = new Set([id(a)]);
      let frontier = [id(a)];
      for (let d = 1; d <= 15 && frontier.length; d++) {
        const nextLevel = [];
        for (const n of frontier)
          for (const m of next.all(n)) if (!seen.has(m)) seen.add(m) && nextLevel.push(m);
        if (seen.has(id(b))) return d;
        frontier = nextLevel;
      }
      return null;
    }),
  );
  let shortestWrong = 0;
  const orchShortest = await time(async () => {
    const res = [];
    for (const [a, b] of pairs) res.push(await graph.shortestPath(id(a), id(b)));
    return res;
  });
  orchShortest.r.forEach((p, i) => {
    const expected = bfs(pairs[i][0], 15).get(pairs[i][1]) ?? null;
    if ((p ? p.edges.length : null) !== expected) shortestWrong++;
  });
  record({
    name: 'shortestPath (queries/s)',
    raw: QUERIES / (rawShortest.ms / 1000),
    adapter: QUERIES / (orchShortest.ms / 1000),
    note: shortestWrong === 0 ? 'lengths match JS BFS' : `${shortestWrong} lengths differ from JS BFS`,
  });
  await graph.close();
  raw.close();
}

try {
  const parts = (process.env.BENCH_PARTS ?? 'vector,graph').split(',');
  if (parts.includes('vector')) await benchVectors();
  if (parts.includes('graph')) await benchGraph();
  console.log('\n| benchmark | raw | orch | orch / raw | check |\n|---|---:|---:|---:|---|');
  for (const r of results)
    console.log(
      `| ${r.name} | ${fmt(r.raw)} | ${fmt(r.adapter)} | ${r.ratio ?? `${(r.adapter / r.raw).toFixed(2)}x`} | ${r.note ?? ''} |`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
