// @orch/adapter-pinecone against the raw official client (@pinecone-database/pinecone 8.2.0), both
// on the same Pinecone emulator (@orch/pinecone-emulator, started through its CLI in a child
// process, as in CI), in the same run: upsert 10k x 384 and filtered top-10 queries.
// Run: pnpm bench:pinecone (from bench/), after `pnpm build` at the root.
// Env: BENCH_VECTORS (10000), BENCH_DIM (384), BENCH_QUERIES (1000), BENCH_ROUNDS (5), BENCH_RAW_BATCH (250)
//
// Measured, per side: wall time (what a caller waits: mostly the emulator's own work, the same for
// both) and this process's CPU time (the client side, where the adapter's own cost shows). The
// sides take turns per 1,000-record slice and per query (the order rotating), so a busy machine
// slows them alike. The raw client sends its upserts one after the other, 250 records per request;
// the adapter packs requests itself (<= 1,000 records, <= 2 MB: with these records also 250 per
// request, about 1.9 MB) and sends them one after the other too (its default), so both sides send
// the same requests and that ratio is the adapter's overhead proper; a third side shows
// `upsertConcurrency: 2` (two requests in flight). A last section measures the client side alone,
// against a fetch that answers at once (no server), best of 12, and counts the upsert requests
// and bytes each side sent there. Besides each side's median and sum, two rows pair every orch
// slice (and query) with the raw one run next to it and give the median of those ratios, which a
// burst of load elsewhere on the machine disturbs least.
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
const QUERIES = Number(process.env.BENCH_QUERIES ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RAW_BATCH = Number(process.env.BENCH_RAW_BATCH ?? 250);
const API_KEY = 'orch-bench-key';
const SERVERLESS = { serverless: { cloud: 'aws', region: 'us-east-1' } };
if (VECTORS % 1000 !== 0 || 1000 % RAW_BATCH !== 0)
  throw new Error('BENCH_VECTORS must be a multiple of 1000 and BENCH_RAW_BATCH divide 1000');

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
    if (out.includes('\n')) resolve(out.split('\n')[0].trim());
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
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
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
const rotate = (items, by) => items.map((_, i) => items[(i + by) % items.length]);

const pc = new Pinecone({ apiKey: API_KEY, controllerHostUrl: emulatorUrl, maxRetries: 0 });
const rawRecords = vectors.map((values, i) => ({ id: `v${i}`, values, metadata: metadata(i) }));
const orchRecords = vectors.map((vector, i) => ({ id: `v${i}`, vector, metadata: metadata(i) }));
const rawBatches = [];
for (let i = 0; i < VECTORS; i += RAW_BATCH) rawBatches.push(rawRecords.slice(i, i + RAW_BATCH));
const biggest = Math.max(...rawBatches.map((b) => Buffer.byteLength(JSON.stringify({ vectors: b }))));
if (biggest > 2_000_000)
  throw new Error(`BENCH_RAW_BATCH ${RAW_BATCH} makes ${biggest}-byte requests (over 2 MB)`);

async function orchStore(name, extra = {}) {
  const store = await createAdapter('vector', {
    url: `pinecone://${name}`,
    apiKey: API_KEY,
    controllerHostUrl: emulatorUrl,
    maxRetries: 0,
    ...extra,
  });
  await store.ensureCollection('bench', { dimension: DIM, metric: 'cosine' });
  return store;
}

/** One round: the three sides upsert the same records into fresh indexes, slice by slice, in turn. */
async function upsertRound(round) {
  await pc.createIndex({ name: `raw-${round}`, dimension: DIM, metric: 'cosine', spec: SERVERLESS });
  const index = pc.index({ name: `raw-${round}` });
  const store = await orchStore(`orch-${round}`);
  const pipelined = await orchStore(`seq-${round}`, { upsertConcurrency: 2 });
  const sides = {
    raw: async (k) => {
      for (const records of rawBatches.slice((k * 1000) / RAW_BATCH, ((k + 1) * 1000) / RAW_BATCH))
        await index.upsert({ records, namespace: 'bench' });
    },
    orch: (k) => store.upsert('bench', orchRecords.slice(k * 1000, (k + 1) * 1000)),
    seq: (k) => pipelined.upsert('bench', orchRecords.slice(k * 1000, (k + 1) * 1000)),
  };
  const totals = {
    raw: { ms: 0, cpu: 0, slices: [] },
    orch: { ms: 0, cpu: 0, slices: [] },
    seq: { ms: 0, cpu: 0, slices: [] },
  };
  gc();
  for (let k = 0; k < VECTORS / 1000; k++) {
    for (const side of rotate(['raw', 'orch', 'seq'], k + round)) {
      const t = await time(() => sides[side](k));
      totals[side].ms += t.ms;
      totals[side].cpu += t.cpu;
      totals[side].slices.push(t.ms);
    }
  }
  return { totals, index, store, pipelined };
}

const rows = [];
/** `ratio`: given for a paired statistic (the median of per-pair ratios), else orch / raw. */
const row = (name, raw, orch, note = '', ratio = orch / raw) => {
  rows.push({ name, raw, orch, note, ratio });
  console.log(`  ${name}: raw ${raw.toFixed(1)}, orch ${orch.toFixed(1)}`);
};

try {
  console.log(
    `pinecone: ${VECTORS} x ${DIM} (cosine), emulator ${emulatorUrl}, ${ROUNDS} rounds, raw batches of ${RAW_BATCH} (largest ${biggest} bytes)`,
  );
  const per = {
    raw: { ms: [], cpu: [], slices: [] },
    orch: { ms: [], cpu: [], slices: [] },
    seq: { ms: [], cpu: [], slices: [] },
  };
  let last;
  for (let round = 0; round < ROUNDS; round++) {
    const r = await upsertRound(round);
    for (const side of ['raw', 'orch', 'seq']) {
      per[side].ms.push(r.totals[side].ms);
      per[side].cpu.push(r.totals[side].cpu);
      per[side].slices.push(...r.totals[side].slices);
    }
    if (last) {
      // Keep the emulator's memory to the last round's indexes.
      await last.store.close();
      await last.pipelined.close();
      for (const prefix of ['raw', 'orch', 'seq']) await pc.deleteIndex(`${prefix}-${round - 1}`);
    }
    last = r;
    const f = (s) => `${r.totals[s].ms.toFixed(0)} ms (cpu ${r.totals[s].cpu.toFixed(0)})`;
    console.log(
      `  round ${round + 1}: upsert raw ${f('raw')}, orch ${f('orch')}, orch 2 in flight ${f('seq')}`,
    );
  }
  const counted = await last.store.count('bench');
  const check = counted === VECTORS ? `all ${VECTORS} counted` : `count ${counted}`;
  row(
    `upsert ${VECTORS} x ${DIM}, wall ms (median of ${ROUNDS})`,
    median(per.raw.ms),
    median(per.orch.ms),
    check,
  );
  row(`upsert ${VECTORS} x ${DIM}, wall ms (sum of ${ROUNDS})`, sum(per.raw.ms), sum(per.orch.ms));
  // Paired: each 1,000-record slice of orch against the raw slice run next to it (same records,
  // same moment), so a burst of load elsewhere on the machine counts against both.
  const paired = (a, b) => median(a.map((x, i) => b[i] / x));
  const slices = per.raw.slices.length;
  row(
    `upsert, 1,000-record slice, wall ms (median of ${slices}; ratio: median of per-slice ratios)`,
    median(per.raw.slices),
    median(per.orch.slices),
    '',
    paired(per.raw.slices, per.orch.slices),
  );
  row(`upsert, orch 2 in flight, wall ms (median of ${ROUNDS})`, median(per.raw.ms), median(per.seq.ms));
  row(`upsert, orch 2 in flight, wall ms (sum of ${ROUNDS})`, sum(per.raw.ms), sum(per.seq.ms));
  row(`upsert, client CPU ms (median of ${ROUNDS})`, median(per.raw.cpu), median(per.orch.cpu));
  row(
    `upsert, orch 2 in flight, client CPU ms (median of ${ROUNDS})`,
    median(per.raw.cpu),
    median(per.seq.cpu),
  );

  // Filtered top-10, taking turns per query; the first pass warms up.
  const q = { raw: { ms: [], cpu: 0 }, orch: { ms: [], cpu: 0 } };
  let mismatches = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (const [i, vector] of queries.entries()) {
      const status = statuses[i % statuses.length];
      const run = {
        raw: () =>
          last.index.query({
            vector,
            topK: 10,
            filter: { status: { $eq: status } },
            includeMetadata: true,
            namespace: 'bench',
          }),
        orch: () => last.store.query('bench', { vector, topK: 10, filter: { status } }),
      };
      const got = {};
      for (const side of rotate(['raw', 'orch'], i)) {
        const t = await time(run[side]);
        got[side] = t.r;
        if (pass === 1) {
          q[side].ms.push(t.ms);
          q[side].cpu += t.cpu;
        }
      }
      if (pass === 1 && got.raw.matches.map((m) => m.id).join() !== got.orch.map((m) => m.id).join())
        mismatches++;
    }
  }
  row(
    `filtered top-10 (10% match), wall ms (median of ${QUERIES})`,
    median(q.raw.ms),
    median(q.orch.ms),
    mismatches === 0 ? 'same ids' : `${mismatches} queries differ`,
  );
  row(`filtered top-10, wall ms (sum of ${QUERIES})`, sum(q.raw.ms), sum(q.orch.ms));
  row(
    `filtered top-10, wall ms (median of ${QUERIES}; ratio: median of per-query ratios)`,
    median(q.raw.ms),
    median(q.orch.ms),
    '',
    paired(q.raw.ms, q.orch.ms),
  );
  row(`filtered top-10, client CPU ms (sum of ${QUERIES})`, q.raw.cpu, q.orch.cpu);
  await last.store.close();
  await last.pipelined.close();

  // The client side alone: fetch answers at once, so only client work (validation, conversion,
  // serialization) is timed. Best of 12.
  const realFetch = globalThis.fetch;
  const model = JSON.stringify({
    name: 'null',
    dimension: DIM,
    metric: 'cosine',
    host: 'http://null.invalid',
    status: { ready: true, state: 'Ready' },
    vectorType: 'dense',
    spec: { serverless: { cloud: 'aws', region: 'us-east-1' } },
    deletionProtection: 'disabled',
  });
  const unit = JSON.stringify({
    vectors: { c: { id: 'c', values: [1, ...Array(DIM - 1).fill(0)] } },
    namespace: '',
  });
  const sent = { raw: [], orch: [] };
  let sender = 'raw';
  globalThis.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    // The body's length (ASCII JSON here, so its bytes), read in O(1) so both sides pay alike.
    if (url.includes('/vectors/upsert')) sent[sender].push(init.body.length);
    const body = url.includes('/indexes/') ? model : url.includes('/vectors/fetch') ? unit : '{}';
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  };
  try {
    const nullIndex = new Pinecone({
      apiKey: 'null-raw',
      controllerHostUrl: 'http://null.invalid',
      maxRetries: 0,
    }).index({
      name: 'null',
      host: 'http://null.invalid',
    });
    const nullStore = await createAdapter('vector', {
      url: 'pinecone://null',
      apiKey: 'null-orch',
      controllerHostUrl: 'http://null.invalid',
    });
    await nullStore.ensureCollection('bench', { dimension: DIM });
    const best = { raw: Number.POSITIVE_INFINITY, orch: Number.POSITIVE_INFINITY };
    for (let r = 0; r < 12; r++) {
      sent.raw = [];
      sent.orch = [];
      gc();
      sender = 'raw';
      const a = await time(async () => {
        for (const records of rawBatches) await nullIndex.upsert({ records, namespace: 'bench' });
      });
      gc();
      sender = 'orch';
      const b = await time(async () => {
        for (let i = 0; i < VECTORS; i += 1000)
          await nullStore.upsert('bench', orchRecords.slice(i, i + 1000));
      });
      best.raw = Math.min(best.raw, a.ms);
      best.orch = Math.min(best.orch, b.ms);
    }
    const requests = (xs) =>
      `${xs.length} requests, ${(sum(xs) / 1e6).toFixed(2)} MB, largest ${(Math.max(...xs) / 1e6).toFixed(3)} MB`;
    row(
      `upsert, client side only (no server), ms (best of 12)`,
      best.raw,
      best.orch,
      `raw ${requests(sent.raw)}; orch ${requests(sent.orch)}`,
    );
    await nullStore.close();
  } finally {
    globalThis.fetch = realFetch;
  }

  console.log('\n| benchmark | raw client | orch adapter | orch / raw | check |\n|---|---:|---:|---:|---|');
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.raw.toFixed(1)} | ${r.orch.toFixed(1)} | ${r.ratio.toFixed(3)}x | ${r.note} |`,
    );
} finally {
  emulator.kill('SIGTERM');
}
