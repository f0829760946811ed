// @orch/adapter-pinecone against the raw official client (@pinecone-database/pinecone 8.2.0), both
// on the same Pinecone emulator (@orch/pinecone-emulator, started through its CLI in a child
// process, as in CI), in the same run: upsert 10k x 384 and filtered top-10 queries.
// Run: pnpm bench:pinecone (from bench/), after `pnpm build` at the root.
// Env: BENCH_VECTORS (10000), BENCH_DIM (384), BENCH_QUERIES (200), BENCH_ROUNDS (5), BENCH_RAW_BATCH (200)
// Reported: wall time (what a caller waits, mostly the emulator's work, identical for both) and
// this process's CPU time (the client side: where the adapter's own overhead shows).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import '@orch/adapter-pinecone';
import { createAdapter } from '@orch/core';
import { Pinecone } from '@pinecone-database/pinecone';
import { seededRandom } from './lib/random.mjs';

const VECTORS = Number(process.env.BENCH_VECTORS ?? 10_000);
const DIM = Number(process.env.BENCH_DIM ?? 384);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RAW_BATCH = Number(process.env.BENCH_RAW_BATCH ?? 200);
const API_KEY = 'orch-bench-key';
const SERVERLESS = { serverless: { cloud: 'aws', region: 'us-east-1' } };

// The emulator in its own process, so its work does not share the event loop being measured.
const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('@orch/pinecone-emulator/package.json')), 'dist', 'cli.js');
const emulator = spawn(process.execPath, [cli, '--port', '0', '--host', '127.0.0.1'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const emulatorUrl = await new Promise((resolve, reject) => {
  let out = '';
  emulator.stdout.on('data', (chunk) => {
    out += chunk;
    const line = out.split('\n')[0];
    if (out.includes('\n')) resolve(line.trim());
  });
  emulator.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
});

const rand = seededRandom(42);
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
const vectors = Array.from({ length: VECTORS }, () => Array.from({ length: DIM }, () => rand() * 2 - 1));
const metadata = (i) => ({ status: statuses[i % statuses.length], i });
const queries = Array.from({ length: QUERIES }, () => Array.from({ length: DIM }, () => rand() * 2 - 1));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const min = (xs) => Math.min(...xs);
const gc = () => globalThis.gc?.();
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const time = async (fn) => {
  const c = cpuMs();
  const t = performance.now();
  const r = await fn();
  return { ms: performance.now() - t, cpu: cpuMs() - c, r };
};

const pc = new Pinecone({ apiKey: API_KEY, controllerHostUrl: emulatorUrl, maxRetries: 0 });
const rawRecords = vectors.map((values, i) => ({ id: `v${i}`, values, metadata: metadata(i) }));
const orchRecords = vectors.map((vector, i) => ({ id: `v${i}`, vector, metadata: metadata(i) }));
const rawBatches = [];
for (let i = 0; i < VECTORS; i += RAW_BATCH) rawBatches.push(rawRecords.slice(i, i + RAW_BATCH));
const biggest = Math.max(...rawBatches.map((b) => Buffer.byteLength(JSON.stringify({ vectors: b }))));
if (biggest > 2_000_000)
  throw new Error(`BENCH_RAW_BATCH ${RAW_BATCH} makes ${biggest}-byte requests (over 2 MB)`);

async function rawUpsert(name) {
  await pc.createIndex({ name, dimension: DIM, metric: 'cosine', spec: SERVERLESS });
  const index = pc.index({ name });
  const { ms, cpu } = await time(async () => {
    for (const records of rawBatches) await index.upsert({ records, namespace: 'bench' });
  });
  return { ms, cpu, index };
}

async function orchUpsert(name) {
  const store = await createAdapter('vector', {
    url: `pinecone://${name}`,
    apiKey: API_KEY,
    controllerHostUrl: emulatorUrl,
    maxRetries: 0,
  });
  await store.ensureCollection('bench', { dimension: DIM, metric: 'cosine' });
  const { ms, cpu } = await time(async () => {
    for (let i = 0; i < VECTORS; i += 1000) await store.upsert('bench', orchRecords.slice(i, i + 1000));
  });
  return { ms, cpu, store };
}

const results = [];
const report = (name, raw, orch, unit, note = '') => {
  results.push({ name, raw, orch, unit, note });
  console.log(`  ${name}: raw ${raw.toFixed(1)} ${unit}, orch ${orch.toFixed(1)} ${unit}`);
};

try {
  console.log(
    `pinecone: ${VECTORS} x ${DIM} (cosine), emulator ${emulatorUrl}, ${ROUNDS} rounds, raw batches of ${RAW_BATCH} (largest ${biggest} bytes)`,
  );
  // Upserts: alternate raw and orch, each into a fresh index, and keep the median.
  const rawMs = [];
  const orchMs = [];
  const rawCpu = [];
  const orchCpu = [];
  let lastRaw;
  let lastOrch;
  for (let round = 0; round < ROUNDS; round++) {
    gc();
    const r = await rawUpsert(`raw-${round}`);
    gc();
    const o = await orchUpsert(`orch-${round}`);
    rawMs.push(r.ms);
    orchMs.push(o.ms);
    rawCpu.push(r.cpu);
    orchCpu.push(o.cpu);
    if (lastOrch) {
      // Keep the emulator's memory to the last round's two indexes.
      await lastOrch.store.close();
      await pc.deleteIndex(`raw-${round - 1}`);
      await pc.deleteIndex(`orch-${round - 1}`);
    }
    lastRaw = r;
    lastOrch = o;
    console.log(
      `  round ${round + 1}: upsert raw ${r.ms.toFixed(0)} ms (cpu ${r.cpu.toFixed(0)}), orch ${o.ms.toFixed(0)} ms (cpu ${o.cpu.toFixed(0)})`,
    );
  }
  const orchCount = await lastOrch.store.count('bench');
  report(
    `upsert ${VECTORS} x ${DIM} (median of ${ROUNDS}, ms)`,
    median(rawMs),
    median(orchMs),
    'ms',
    orchCount === VECTORS ? `all ${VECTORS} counted` : `count ${orchCount}`,
  );
  report(`upsert ${VECTORS} x ${DIM} (best of ${ROUNDS}, ms)`, min(rawMs), min(orchMs), 'ms');
  report(
    `upsert ${VECTORS} x ${DIM}, client CPU (median of ${ROUNDS}, ms)`,
    median(rawCpu),
    median(orchCpu),
    'ms',
  );

  // Filtered top-10, alternating per query so both see the same conditions.
  const rawQ = [];
  const orchQ = [];
  let rawQCpu = 0;
  let orchQCpu = 0;
  let mismatches = 0;
  for (let round = 0; round < 2; round++) {
    for (const [i, vector] of queries.entries()) {
      const status = statuses[i % statuses.length];
      const r = await time(() =>
        lastRaw.index.query({
          vector,
          topK: 10,
          filter: { status: { $eq: status } },
          includeMetadata: true,
          namespace: 'bench',
        }),
      );
      const o = await time(() => lastOrch.store.query('bench', { vector, topK: 10, filter: { status } }));
      if (round === 1) {
        rawQ.push(r.ms);
        orchQ.push(o.ms);
        rawQCpu += r.cpu;
        orchQCpu += o.cpu;
        const a = r.r.matches.map((m) => m.id).join();
        const b = o.r.map((m) => m.id).join();
        if (a !== b) mismatches++;
      }
    }
  }
  report(
    `filtered top-10, 10% selectivity (median of ${QUERIES}, ms)`,
    median(rawQ),
    median(orchQ),
    'ms',
    mismatches === 0 ? 'same ids' : `${mismatches} queries differ`,
  );
  const rawTotal = rawQ.reduce((s, x) => s + x, 0);
  const orchTotal = orchQ.reduce((s, x) => s + x, 0);
  report(`filtered top-10, total of ${QUERIES} (ms)`, rawTotal, orchTotal, 'ms');
  report(`filtered top-10, client CPU for ${QUERIES} (ms)`, rawQCpu, orchQCpu, 'ms');

  console.log(
    '\n| benchmark | raw client | orch adapter | orch / raw | overhead | check |\n|---|---:|---:|---:|---:|---|',
  );
  for (const r of results) {
    const ratio = r.orch / r.raw;
    console.log(
      `| ${r.name} | ${r.raw.toFixed(1)} | ${r.orch.toFixed(1)} | ${ratio.toFixed(3)}x | ${((ratio - 1) * 100).toFixed(1)}% | ${r.note} |`,
    );
  }
  await lastOrch.store.close();
} finally {
  emulator.kill('SIGTERM');
}
