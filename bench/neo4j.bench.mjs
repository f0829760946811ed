// @orch/adapter-neo4j against the raw neo4j-driver on the same Neo4j server in the same run, and the
// same workloads on orch's embedded graph store (sqlite:), so the docs can say when a server pays
// off. The raw side runs the very statements the adapter sends (same Cypher, same parameters, its
// own node label and uniqueness constraint), so the ratio is what the adapter adds: validation,
// value conversion, and the endpoint check the orch contract asks of traversals (ORCH_NOT_FOUND for
// an unknown id, where raw Cypher just returns no rows). Raw and adapter calls are interleaved, so
// both see the same server state and the same noise from other work on the machine.
// Run: pnpm bench:neo4j (from bench/), after `pnpm build` at the root. Uses ORCH_TEST_NEO4J_URL (or
// ORCH_TEST_NEO4J_2026_URL with BENCH_NEO4J_LINE=2026), or starts that line through
// scripts/servers/neo4j.sh (and stops it again if it started it).
// Env: BENCH_NODES (10000), BENCH_EDGES (30000), BENCH_BATCH (1000), BENCH_QUERIES (50), BENCH_NEO4J_LINE (5)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import '@orch/adapter-neo4j';
import '@orch/adapter-sqlite';
import { createAdapter } from '@orch/core';
import neo4j from 'neo4j-driver';
import { seededRandom } from './lib/random.mjs';

const NODES = Number(process.env.BENCH_NODES ?? 10_000);
const EDGES = Number(process.env.BENCH_EDGES ?? 30_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 50);
const LINE = process.env.BENCH_NEO4J_LINE ?? '5';
const URL_VAR = LINE === '2026' ? 'ORCH_TEST_NEO4J_2026_URL' : 'ORCH_TEST_NEO4J_URL';
const TYPE = 'LINKS';

const script = fileURLToPath(new URL('../scripts/servers/neo4j.sh', import.meta.url));
let startedServer = false;
let serverUrl = process.env[URL_VAR];
let user = process.env.ORCH_TEST_NEO4J_USER;
let password = process.env.ORCH_TEST_NEO4J_PASSWORD;
if (!serverUrl || !user || !password) {
  let running = true;
  try {
    execFileSync('bash', [script, 'status', LINE], { stdio: 'ignore' });
  } catch {
    running = false;
  }
  const out = execFileSync('bash', [script, 'start', LINE], { encoding: 'utf8' });
  const value = (key) => new RegExp(`^${key}=(\\S+)$`, 'm').exec(out)?.[1];
  serverUrl = value(URL_VAR);
  user = value('ORCH_TEST_NEO4J_USER');
  password = value('ORCH_TEST_NEO4J_PASSWORD');
  if (!serverUrl) throw new Error(`neo4j.sh start ${LINE} printed no ${URL_VAR}:\n${out}`);
  startedServer = !running;
}
const server = new URL(serverUrl);
const dir = mkdtempSync(join(tmpdir(), 'orch-bench-neo4j-'));

// The graph: the same seeded random digraph as vector-graph.bench.mjs (average out-degree 3).
const rand = seededRandom(11);
const edgeMap = new Map();
while (edgeMap.size < EDGES) {
  const a = Math.floor(rand() * NODES);
  const b = Math.floor(rand() * NODES);
  if (a !== b) edgeMap.set(`${a}>${b}`, [a, b]);
}
const edgeList = [...edgeMap.values()];
const out = Array.from({ length: NODES }, () => []);
for (const [a, b] of edgeList) out[a].push(b);
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
const nodeProps = (i) => ({ title: `task ${i}`, n: i, weight: (i % 7) / 8 });
const starts = Array.from({ length: QUERIES }, () => Math.floor(rand() * NODES));
const pairs = Array.from({ length: QUERIES }, () => [Math.floor(rand() * NODES), Math.floor(rand() * NODES)]);

const now = () => performance.now();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));
const rows = [];
const report = (name, raw, orch, embedded, note = '') => {
  rows.push({ name, raw, orch, embedded });
  const parts = [`raw ${fmt(raw)} ms`, `orch ${fmt(orch)} ms`, `orch/raw ${(orch / raw).toFixed(3)}`];
  if (embedded !== undefined)
    parts.push(`sqlite ${fmt(embedded)} ms`, `neo4j/sqlite ${(orch / embedded).toFixed(2)}`);
  console.log(`  ${name}: ${parts.join(', ')}${note ? ` (${note})` : ''}`);
};

// Time the adapter spends inside its driver's queries, split into the traversal itself and the
// endpoint check (a getNodes round trip): what is left of the adapter's time is its own JS.
const inside = { check: 0, main: 0 };
function instrument(driver, checkStatement) {
  const openSession = driver.session.bind(driver);
  driver.session = (...args) => {
    const session = openSession(...args);
    const run = session.run.bind(session);
    session.run = (query, ...rest) => {
      const t = now();
      const result = run(query, ...rest);
      const done = () => {
        inside[query.startsWith(checkStatement) ? 'check' : 'main'] += now() - t;
      };
      result.then(done, done);
      return result;
    };
    return session;
  };
}
const attributed = [];
function attribute(what, rawTotal, orchTotal) {
  const ownJs = orchTotal - inside.check - inside.main;
  const pct = (x) => ((100 * x) / rawTotal).toFixed(1);
  attributed.push({ what, js: (100 * ownJs) / rawTotal, check: (100 * inside.check) / rawTotal });
  console.log(
    `    ${what}: adapter's own JS ${fmt(ownJs)} ms = ${pct(ownJs)}% of raw auto-commit; endpoint check ${fmt(inside.check)} ms = ${pct(inside.check)}%; the traversal query itself ${fmt(inside.main)} ms vs raw auto-commit ${fmt(rawTotal)} ms`,
  );
  inside.check = 0;
  inside.main = 0;
}

/** Runs the callbacks in an order that rotates with i, so none is always first. */
async function rotate(i, fns) {
  for (let k = 0; k < fns.length; k++) await fns[(i + k) % fns.length]();
}

async function main() {
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const rawLabel = `BenchRaw_${suffix}`;
  const orchLabel = `BenchOrch_${suffix}`;
  const rawConstraint = `bench_raw_${suffix}_id`;
  console.log(
    `neo4j ${LINE === '2026' ? '2026.x' : '5.26'} at ${server.host}: ${NODES} nodes, ${EDGES} edges (random, seeded), upserts in calls of ${BATCH}, ${QUERIES} queries per traversal`,
  );
  const driver = neo4j.driver(`bolt://${server.host}`, neo4j.auth.basic(user, password), { useBigInt: true });
  const store = await createAdapter('graph', {
    url: `bolt://${server.host}`,
    username: user,
    password,
    nodeLabel: orchLabel,
  });
  const embedded = await createAdapter('graph', `sqlite:///${join(dir, 'graph.db')}`);
  const L = `\`${rawLabel}\``;
  const seek = (v) => `USING INDEX SEEK ${v}:${L}(id)`;
  const raw = {
    nodes:
      `UNWIND $rows AS row MERGE (n:${L} {id: row.id}) ` +
      'WITH n, row, [l IN labels(n) WHERE l <> $nodeLabel AND NOT l IN row.labels] AS stale ' +
      'REMOVE n:$(stale) SET n:$(row.labels) SET n = row.props',
    edges:
      `UNWIND $rows AS row MATCH (a:${L} {id: row.from}) ${seek('a')} MATCH (b:${L} {id: row.to}) ${seek('b')} ` +
      `MERGE (a)-[r:\`${TYPE}\`]->(b) SET r = row.props RETURN count(DISTINCT row.i) AS written`,
    shortest:
      `MATCH (a:${L} {id: $from}), (b:${L} {id: $to}) ${seek('a')} ${seek('b')} ` +
      `MATCH p = ANY SHORTEST (a) ((:${L})-[]->(:${L})){1,15} (b) ` +
      'RETURN [x IN nodes(p) | x.id] AS nodes, [r IN relationships(p) | [startNode(r).id, endNode(r).id, type(r)]] AS edges',
    neighbors:
      `MATCH p = (s:${L} {id: $id})-[*1..3]->(n:${L}) ${seek('s')} ` +
      `WHERE n <> s AND all(x IN nodes(p) WHERE x:${L}) ` +
      'WITH n, min(length(p)) AS depth RETURN n.id AS id, labels(n) AS labels, properties(n) AS props, depth',
  };
  instrument(store.driver, 'UNWIND $ids AS id MATCH (n:');
  const write = async (statement, params) => {
    const session = driver.session({ defaultAccessMode: neo4j.session.WRITE });
    try {
      return await session.executeWrite((tx) => tx.run(statement, params));
    } finally {
      await session.close();
    }
  };
  try {
    await driver.executeQuery(
      `CREATE CONSTRAINT ${rawConstraint} IF NOT EXISTS FOR (n:${L}) REQUIRE n.id IS UNIQUE`,
    );

    // Upserts: the same calls, raw and orch alternating; each call is one transaction on both.
    const runPair = async (i, runRaw, runOrch) =>
      i % 2 === 0 ? [await runRaw(), await runOrch()] : [await runOrch(), await runRaw()].reverse();
    const timed = async (fn) => {
      const t = now();
      await fn();
      return now() - t;
    };
    const nodeTimes = { raw: [], orch: [], embedded: 0 };
    for (let start = 0, i = 0; start < NODES; start += BATCH, i++) {
      const indices = Array.from({ length: Math.min(BATCH, NODES - start) }, (_, j) => start + j);
      const [r, o] = await runPair(
        i,
        () =>
          timed(() => {
            const rows = indices.map((k) => ({
              id: id(k),
              labels: ['Task'],
              props: { title: `task ${k}`, n: neo4j.int(k), weight: (k % 7) / 8, id: id(k) },
            }));
            return write(raw.nodes, { rows, nodeLabel: rawLabel });
          }),
        () =>
          timed(() =>
            store.upsertNodes(
              indices.map((k) => ({ id: id(k), labels: ['Task'], properties: nodeProps(k) })),
            ),
          ),
      );
      nodeTimes.raw.push(r);
      nodeTimes.orch.push(o);
      nodeTimes.embedded += await timed(() =>
        embedded.upsertNodes(indices.map((k) => ({ id: id(k), labels: ['Task'], properties: nodeProps(k) }))),
      );
    }
    report(
      `upsert ${NODES} nodes (total)`,
      sum(nodeTimes.raw),
      sum(nodeTimes.orch),
      nodeTimes.embedded,
      `median orch/raw per call ${median(nodeTimes.orch.map((o, i) => o / nodeTimes.raw[i])).toFixed(3)}`,
    );
    const edgeTimes = { raw: [], orch: [], embedded: 0 };
    for (let start = 0, i = 0; start < EDGES; start += BATCH, i++) {
      const slice = edgeList.slice(start, start + BATCH);
      const [r, o] = await runPair(
        i,
        () =>
          timed(() =>
            write(raw.edges, {
              rows: slice.map(([a, b], k) => ({
                i: neo4j.int(k),
                from: id(a),
                to: id(b),
                props: { w: neo4j.int((a + b) % 10) },
              })),
            }),
          ),
        () =>
          timed(() =>
            store.upsertEdges(
              slice.map(([a, b]) => ({
                from: id(a),
                to: id(b),
                type: TYPE,
                properties: { w: (a + b) % 10 },
              })),
            ),
          ),
      );
      edgeTimes.raw.push(r);
      edgeTimes.orch.push(o);
      edgeTimes.embedded += await timed(() =>
        embedded.upsertEdges(
          slice.map(([a, b]) => ({ from: id(a), to: id(b), type: TYPE, properties: { w: (a + b) % 10 } })),
        ),
      );
    }
    report(
      `upsert ${EDGES} edges (total)`,
      sum(edgeTimes.raw),
      sum(edgeTimes.orch),
      edgeTimes.embedded,
      `median orch/raw per call ${median(edgeTimes.orch.map((o, i) => o / edgeTimes.raw[i])).toFixed(3)}`,
    );
    inside.check = 0;
    inside.main = 0;
    const [counts] = await store.query(
      `MATCH (n:\`${orchLabel}\`) WITH count(n) AS orchNodes MATCH (:\`${orchLabel}\`)-[r]->() WITH orchNodes, count(r) AS orchEdges ` +
        `MATCH (m:${L}) WITH orchNodes, orchEdges, count(m) AS rawNodes MATCH (:${L})-[r]->() RETURN orchNodes, orchEdges, rawNodes, count(r) AS rawEdges`,
    );
    if (
      counts.orchNodes !== NODES ||
      counts.rawNodes !== NODES ||
      counts.orchEdges !== EDGES ||
      counts.rawEdges !== EDGES
    )
      throw new Error(`counts differ: ${JSON.stringify(counts)}`);
    // Warm the plan caches of both sides (the first run of each statement is planned).
    for (let w = 0; w < 10; w++) {
      const [a, b] = [id(w), id(NODES - 1 - w)];
      await driver.executeQuery(raw.shortest, { from: a, to: b }, { routing: neo4j.routing.READ });
      await driver.executeQuery(raw.neighbors, { id: a }, { routing: neo4j.routing.READ });
      await store.shortestPath(a, b);
      await store.neighbors(a, { depth: 3 });
      await embedded.shortestPath(a, b);
      await embedded.neighbors(a, { depth: 3 });
    }
    inside.check = 0;
    inside.main = 0;

    const autoCommit = async (statement, params) => {
      const session = driver.session({ defaultAccessMode: neo4j.session.READ });
      try {
        return await session.run(statement, params);
      } finally {
        await session.close();
      }
    };
    const managed = (statement, params) =>
      driver.executeQuery(statement, params, { routing: neo4j.routing.READ });
    const traversal = async (
      name,
      statement,
      paramsOf,
      orchCall,
      keyOfRecords,
      keyOfOrch,
      expectedOf,
      embeddedCall,
      inputs,
    ) => {
      const times = { managed: [], auto: [], orch: [], embedded: [] };
      let agree = 0;
      let size = 0;
      for (const [i, input] of inputs.entries()) {
        const keys = {};
        await rotate(i, [
          async () => {
            const t = now();
            const r = await managed(statement, paramsOf(input));
            times.managed.push(now() - t);
            keys.managed = keyOfRecords(r.records);
          },
          async () => {
            const t = now();
            const r = await autoCommit(statement, paramsOf(input));
            times.auto.push(now() - t);
            keys.auto = keyOfRecords(r.records);
          },
          async () => {
            const t = now();
            const r = await orchCall(store, input);
            times.orch.push(now() - t);
            keys.orch = keyOfOrch(r);
          },
        ]);
        const t = now();
        const e = await embeddedCall(embedded, input);
        times.embedded.push(now() - t);
        const expected = expectedOf(input);
        if ([keys.managed, keys.auto, keys.orch, keyOfOrch(e)].every((k) => k === expected)) agree++;
        size += keys.orch === 'null' ? 0 : 1;
      }
      report(
        `${name} (median per query)`,
        median(times.auto),
        median(times.orch),
        median(times.embedded),
        `raw as executeQuery ${fmt(median(times.managed))} ms, orch/that ${(median(times.orch) / median(times.managed)).toFixed(3)}; raw, orch and sqlite agree with a JS BFS in ${agree}/${inputs.length}${size ? `; ${size} non-empty` : ''}`,
      );
      attribute(name, sum(times.auto), sum(times.orch));
    };

    // shortestPath between the same random pairs (within the default maxDepth 15): path lengths.
    await traversal(
      'shortestPath',
      raw.shortest,
      ([a, b]) => ({ from: id(a), to: id(b) }),
      (s, [a, b]) => s.shortestPath(id(a), id(b)),
      (records) => String(records[0] ? records[0].get('edges').length : null),
      (p) => String(p ? p.edges.length : null),
      ([a, b]) => String(bfs(a, 15).get(b) ?? null),
      (s, [a, b]) => s.shortestPath(id(a), id(b)),
      pairs,
    );
    // 3-hop neighbours (direction out) of the same random start nodes: ids with their depths.
    await traversal(
      '3-hop neighbours',
      raw.neighbors,
      (s) => ({ id: id(s) }),
      (s, n) => s.neighbors(id(n), { depth: 3 }),
      (records) =>
        records
          .map((x) => `${x.get('id')}@${x.get('depth')}`)
          .sort()
          .join(),
      (ns) =>
        ns
          .map((n) => `${n.id}@${n.depth}`)
          .sort()
          .join(),
      (s) =>
        [...bfs(s, 3)]
          .map(([n, d]) => `${id(n)}@${d}`)
          .sort()
          .join(),
      (s, n) => s.neighbors(id(n), { depth: 3 }),
      starts,
    );

    const worst = Math.max(...rows.map((r) => r.orch / r.raw));
    const worstJs = Math.max(...attributed.map((a) => a.js));
    console.log(
      `overhead target < 5%: worst orch/raw (raw as auto-commit queries) ${worst.toFixed(3)}; adapter's own JS at most ${worstJs.toFixed(1)}% of raw (${worstJs < 5 ? 'met' : 'NOT met'}); the endpoint check adds ${attributed.map((a) => `${a.check.toFixed(1)}% (${a.what})`).join(', ')}`,
    );
  } finally {
    const cleanup = driver.session();
    await cleanup
      .run(`MATCH (n:${L}) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS`)
      .catch(() => undefined);
    await cleanup.close();
    await store
      .query(`MATCH (n:\`${orchLabel}\`) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS`)
      .catch(() => undefined);
    await driver.executeQuery(`DROP CONSTRAINT ${rawConstraint} IF EXISTS`).catch(() => undefined);
    await store.query(`DROP CONSTRAINT ${store.constraintName} IF EXISTS`).catch(() => undefined);
    await store.close();
    await driver.close();
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
    if (startedServer) execFileSync('bash', [script, 'stop', LINE], { stdio: 'ignore' });
  }
}

await main();
