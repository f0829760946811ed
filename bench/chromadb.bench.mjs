// @orch/adapter-chromadb against the raw chromadb client on the same Chroma server in the same run,
// and the same workloads on orch's embedded vector store (sqlite:), so the docs can say when a
// server pays off. Raw and adapter batches and queries are interleaved, so both see the same
// server state and the same noise from other work on the machine.
// Run: pnpm bench:chromadb (from bench/), after `pnpm build` at the root. Uses ORCH_TEST_CHROMA_URL,
// or starts Chroma through scripts/servers/chroma.sh (and stops it again if it started it).
// Env: BENCH_VECTORS (10000), BENCH_DIM (384), BENCH_BATCH (1000), BENCH_QUERIES (50)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import '@orch/adapter-chromadb';
import '@orch/adapter-sqlite';
import { createAdapter } from '@orch/core';
import { ChromaClient } from 'chromadb';
import { seededRandom } from './lib/random.mjs';

const VECTORS = Number(process.env.BENCH_VECTORS ?? 10_000);
const DIM = Number(process.env.BENCH_DIM ?? 384);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 50);
const STATUSES = [
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

const script = fileURLToPath(new URL('../scripts/servers/chroma.sh', import.meta.url));
let startedServer = false;
let serverUrl = process.env.ORCH_TEST_CHROMA_URL;
if (!serverUrl) {
  let running = true;
  try {
    execFileSync('bash', [script, 'status'], { stdio: 'ignore' });
  } catch {
    running = false;
  }
  const out = execFileSync('bash', [script, 'start'], { encoding: 'utf8' });
  serverUrl = /ORCH_TEST_CHROMA_URL=(\S+)/.exec(out)?.[1];
  if (!serverUrl) throw new Error(`chroma.sh start printed no URL:\n${out}`);
  startedServer = !running;
}
const server = new URL(serverUrl);

// The server's CPU time (all threads), when it is the local one scripts/servers/chroma.sh runs:
// unlike wall-clock time it hardly moves with other load on the machine.
const serverDir = fileURLToPath(new URL('../.test-servers/chroma/', import.meta.url));
const serverPid = (() => {
  try {
    if (readFileSync(join(serverDir, 'chroma.port'), 'utf8').trim() !== server.port) return undefined;
    const pid = readFileSync(join(serverDir, 'chroma.pid'), 'utf8').trim();
    return existsSync(`/proc/${pid}/stat`) ? pid : undefined;
  } catch {
    return undefined;
  }
})();
const serverCpuMs = () => {
  if (!serverPid) return 0;
  const fields = readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, 100 ticks per second
};
const cpu = { raw: {}, orch: {} };
const addCpu = (side, what, ms) => {
  cpu[side][what] = (cpu[side][what] ?? 0) + ms;
};
const cpuNote = (what) =>
  serverPid
    ? `; server CPU ${fmt(cpu.raw[what] ?? 0)} vs ${fmt(cpu.orch[what] ?? 0)} ms, orch/raw ${((cpu.orch[what] ?? 0) / (cpu.raw[what] || 1)).toFixed(3)}`
    : '';
const dir = mkdtempSync(join(tmpdir(), 'orch-bench-chroma-'));

const rand = seededRandom(7);
const randomVector = () => Array.from({ length: DIM }, () => rand() * 2 - 1);
const vectors = Array.from({ length: VECTORS }, randomVector);
const metadataOf = (i) => ({ status: STATUSES[i % STATUSES.length], n: i % 100 });
const queries = Array.from({ length: QUERIES }, randomVector);
const WORKLOADS = [
  { name: 'status = open (10%)', filter: { status: 'open' }, where: { status: { $eq: 'open' } } },
  {
    name: 'status in (open, done) and n >= 50 (10%)',
    filter: { status: { $in: ['open', 'done'] }, n: { $gte: 50 } },
    where: { $and: [{ status: { $in: ['open', 'done'] } }, { n: { $gte: 50 } }] },
  },
];

const now = () => performance.now();

// Time spent inside the client's collection methods, per collection and method: what the adapter
// adds beyond the raw calls (its extra requests and its own JavaScript) is then measured apart from
// the server's share, which is what the noise of a shared machine lands on.
const inside = new Map();
function instrument(collection) {
  const proto = Object.getPrototypeOf(collection);
  if (proto.__orchBench) return;
  proto.__orchBench = true;
  for (const method of ['upsert', 'get', 'query', 'delete']) {
    const original = proto[method];
    proto[method] = async function (...args) {
      const t = now();
      try {
        return await original.apply(this, args);
      } finally {
        const key = `${this.name}:${method}`;
        inside.set(key, (inside.get(key) ?? 0) + now() - t);
      }
    };
  }
}
const takeInside = (prefix) => {
  const out = {};
  for (const [key, ms] of inside) {
    if (!key.startsWith(prefix)) continue;
    out[key.slice(prefix.length + 1)] = ms;
    inside.delete(key);
  }
  return out;
};
let rawName;
let orchName;
const attributed = [];
function attribute(what, rawTotal, orchTotal, method) {
  const raw = takeInside(rawName);
  const orch = takeInside(orchName);
  const sameCall = orch[method] ?? 0;
  const extraRequests = Object.entries(orch)
    .filter(([m]) => m !== method)
    .reduce((a, [, ms]) => a + ms, 0);
  const ownJs = orchTotal - sameCall - extraRequests;
  const rawCall = raw[method] ?? rawTotal;
  attributed.push((100 * (ownJs + extraRequests)) / rawCall);
  console.log(
    `    ${what}: adapter's own work ${fmt(ownJs)} ms JS + ${fmt(extraRequests)} ms extra requests = ${((100 * (ownJs + extraRequests)) / rawCall).toFixed(1)}% of the raw time`,
  );
}
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
    parts.push(`sqlite ${fmt(embedded)} ms`, `chroma/sqlite ${(orch / embedded).toFixed(2)}`);
  console.log(`  ${name}: ${parts.join(', ')}${note ? ` (${note})` : ''}`);
};

async function main() {
  console.log(
    `chromadb: ${VECTORS} x ${DIM} cosine, batches of ${BATCH}, ${QUERIES} filtered top-10 queries per workload; server ${server.host}`,
  );
  const suffix = `${process.pid}-${Date.now()}`;
  rawName = `bench-raw-${suffix}`;
  orchName = `bench-orch-${suffix}`;
  const client = new ChromaClient({ host: server.hostname, port: Number(server.port) });
  const store = await createAdapter('vector', `chromadb://${server.host}`);
  const embedded = await createAdapter('vector', `sqlite:///${join(dir, 'vectors.db')}`);
  try {
    const rawCollection = await client.createCollection({
      name: rawName,
      embeddingFunction: null,
      configuration: { hnsw: { space: 'cosine' } },
    });
    instrument(rawCollection);
    await store.ensureCollection(orchName, { dimension: DIM, metric: 'cosine' });
    await embedded.ensureCollection('bench', { dimension: DIM, metric: 'cosine' });

    // Upsert: the same batches, raw and orch alternating.
    const rawBatches = [];
    const orchBatches = [];
    let embeddedMs = 0;
    for (let start = 0; start < VECTORS; start += BATCH) {
      const ids = [];
      const embeddings = [];
      const metadatas = [];
      const records = [];
      for (let i = start; i < Math.min(VECTORS, start + BATCH); i++) {
        ids.push(`v${i}`);
        embeddings.push(vectors[i]);
        metadatas.push(metadataOf(i));
        records.push({ id: `v${i}`, vector: vectors[i], metadata: metadataOf(i) });
      }
      const order = (start / BATCH) % 2 === 0;
      const runRaw = async () => {
        const t = now();
        const c = serverCpuMs();
        await rawCollection.upsert({ ids, embeddings, metadatas });
        rawBatches.push(now() - t);
        addCpu('raw', 'upsert', serverCpuMs() - c);
      };
      const runOrch = async () => {
        const t = now();
        const c = serverCpuMs();
        await store.upsert(orchName, records);
        orchBatches.push(now() - t);
        addCpu('orch', 'upsert', serverCpuMs() - c);
      };
      if (order) {
        await runRaw();
        await runOrch();
      } else {
        await runOrch();
        await runRaw();
      }
      const t = now();
      await embedded.upsert('bench', records);
      embeddedMs += now() - t;
    }
    const batchRatios = orchBatches.map((o, i) => o / rawBatches[i]);
    report(
      `upsert ${VECTORS} x ${DIM} (total)`,
      sum(rawBatches),
      sum(orchBatches),
      embeddedMs,
      `median orch/raw per batch ${median(batchRatios).toFixed(3)}${cpuNote('upsert')}`,
    );
    attribute('upsert', sum(rawBatches), sum(orchBatches), 'upsert');
    const [rawCount, orchCount] = [await rawCollection.count(), await store.count(orchName)];
    if (rawCount !== VECTORS || orchCount !== VECTORS)
      throw new Error(`counts: raw ${rawCount}, orch ${orchCount}`);

    // Filtered top-10: per query, raw and orch alternating; the embedded store is exact, so it
    // is also the yardstick for Chroma's (approximate, HNSW) recall.
    for (const w of WORKLOADS) {
      const rawTimes = [];
      const orchTimes = [];
      const embeddedTimes = [];
      let agree = 0;
      let recallHits = 0;
      let rawRecallHits = 0;
      for (const [i, vector] of queries.entries()) {
        const runRaw = async () => {
          const t = now();
          const c = serverCpuMs();
          const r = await rawCollection.query({
            queryEmbeddings: [vector],
            nResults: 10,
            where: w.where,
            include: ['distances', 'metadatas'],
          });
          rawTimes.push(now() - t);
          addCpu('raw', w.name, serverCpuMs() - c);
          return r.ids[0];
        };
        const runOrch = async () => {
          const t = now();
          const c = serverCpuMs();
          const r = await store.query(orchName, {
            vector,
            topK: 10,
            filter: w.filter,
            include: { metadata: true, documents: false },
          });
          orchTimes.push(now() - t);
          addCpu('orch', w.name, serverCpuMs() - c);
          return r.map((h) => h.id);
        };
        let rawIds;
        let orchIds;
        if (i % 2 === 0) {
          rawIds = await runRaw();
          orchIds = await runOrch();
        } else {
          orchIds = await runOrch();
          rawIds = await runRaw();
        }
        const t = now();
        const exact = (await embedded.query('bench', { vector, topK: 10, filter: w.filter })).map(
          (h) => h.id,
        );
        embeddedTimes.push(now() - t);
        if (rawIds.join() === orchIds.join()) agree++;
        recallHits += orchIds.filter((id) => exact.includes(id)).length;
        rawRecallHits += rawIds.filter((id) => exact.includes(id)).length;
      }
      report(
        `filtered top-10, ${w.name} (median per query)`,
        median(rawTimes),
        median(orchTimes),
        median(embeddedTimes),
        `orch and raw ids equal in ${agree}/${QUERIES}; recall@10 vs exact: orch ${((100 * recallHits) / (10 * QUERIES)).toFixed(1)}%, raw ${((100 * rawRecallHits) / (10 * QUERIES)).toFixed(1)}%${cpuNote(w.name)}`,
      );
      attribute(`top-10, ${w.name}`, sum(rawTimes), sum(orchTimes), 'query');
    }
    const worst = Math.max(...rows.map((r) => r.orch / r.raw));
    const worstOwn = Math.max(...attributed);
    console.log(
      `overhead target < 5%: adapter's own work at most ${worstOwn.toFixed(1)}% of raw (${worstOwn < 5 ? 'met' : 'NOT met'}); worst measured orch/raw ratio ${worst.toFixed(3)}`,
    );
  } finally {
    await client.deleteCollection({ name: rawName }).catch(() => undefined);
    await store.dropCollection(orchName).catch(() => undefined);
    await store.close();
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
    if (startedServer) execFileSync('bash', [script, 'stop'], { stdio: 'ignore' });
  }
}

await main();
