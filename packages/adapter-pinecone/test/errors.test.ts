import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { isOrchError, type OrchError, type VectorStore } from '@orch/core';
import { startPineconeEmulator } from '@orch/pinecone-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { mapPineconeError } from '../src/index.js';
import { instrumentedFetch, PineconeCaller } from '../src/pinecone.js';
import {
  EMULATOR_API_KEY,
  nthUpsert,
  openStore,
  openViaProxy,
  rawClient,
  SERVERLESS,
  startProxy,
  uniqueIndex,
  upsertsSeen,
} from './helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

const viaProxy = (url: string, options: Parameters<typeof openStore>[1] = {}) =>
  openViaProxy(url, cleanups, options);

async function rejection(promise: Promise<unknown>): Promise<OrchError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isOrchError(err), `expected an OrchError, got ${inspect(err)}`);
  return err;
}

describe('what the service rejects surfaces as typed OrchErrors', () => {
  it('the emulator’s 400s through the raw client map to ORCH_INVALID_INPUT with driverCode 400', async () => {
    const pc = rawClient();
    const name = uniqueIndex();
    await pc.createIndex({ name, dimension: 3, metric: 'cosine', spec: SERVERLESS });
    const index = pc.index({ name });
    const refused: [string, () => Promise<unknown>][] = [
      ['wrong dimension', () => index.upsert({ records: [{ id: 'a', values: [1, 2] }] })],
      [
        '1,001 records in one upsert',
        () =>
          index.upsert({
            records: Array.from({ length: 1001 }, (_, i) => ({ id: `r${i}`, values: [1, 0, 0] })),
          }),
      ],
      [
        'a 3 MB upsert',
        () =>
          index.upsert({
            records: [{ id: 'big', values: [1, 0, 0], metadata: { t: 'x'.repeat(3_000_000) } }],
          }),
      ],
      [
        'a list of numbers in metadata',
        () =>
          index.upsert({
            records: [{ id: 'n', values: [1, 0, 0], metadata: { n: [1, 2] as unknown as string[] } }],
          }),
      ],
      [
        'a bad filter operator',
        () => index.query({ vector: [1, 0, 0], topK: 1, filter: { genre: { $regex: 'x' } } }),
      ],
    ];
    for (const [what, call] of refused) {
      const err = await call().catch((e: unknown) => e);
      assert.equal((err as Error).name, 'PineconeBadRequestError', `${what}: ${String(err)}`);
      const mapped = mapPineconeError(err, 'upsert');
      assert.equal(mapped.code, 'ORCH_INVALID_INPUT', what);
      assert.equal(mapped.retriable, false, what);
      assert.deepEqual(
        { driverCode: mapped.details.driverCode, driverError: mapped.details.driverError },
        { driverCode: 400, driverError: 'PineconeBadRequestError' },
        what,
      );
      assert.equal(mapped.cause, err, `${what}: the client error is kept as cause`);
    }
  });

  it('a dimension the index refuses (stale collection description) is a typed error from the service', async () => {
    const prefix = `st${Math.floor(Math.random() * 1e6)}`;
    const { store, proxy } = await viaProxy(`pinecone://${prefix}?mapping=indexes`);
    await store.ensureCollection('moving', { dimension: 3 });
    // Someone re-creates the index behind the store's back with another dimension.
    const pc = rawClient();
    const { indexNameFor } = await import('../src/index.js');
    const name = indexNameFor(prefix, 'moving');
    await pc.deleteIndex(name);
    await pc.createIndex({
      name,
      dimension: 4,
      metric: 'cosine',
      spec: SERVERLESS,
      tags: { orch_collection: 'moving' },
    });
    const err = await rejection(store.upsert('moving', [{ id: 'a', vector: [1, 2, 3] }]));
    assert.equal(err.code, 'ORCH_INVALID_INPUT');
    assert.equal(err.details.driverCode, 400);
    assert.equal(err.details.httpStatus, 400);
    expect(err.message).toMatch(/Pinecone upsert failed: request refused \(HTTP 400\)/);
    assert.equal(upsertsSeen(proxy).at(-1)?.status, 400, 'it was the service that refused');
  });

  it('what the adapter cannot split is refused before anything is sent', async () => {
    const { store, proxy } = await viaProxy(`pinecone://${uniqueIndex()}`);
    await store.ensureCollection('pre', { dimension: 3 });
    const before = proxy.seen.length;
    const cases: [string, () => Promise<unknown>, string][] = [
      [
        'a 3 MB metadata value',
        () => store.upsert('pre', [{ id: 'm', vector: [1, 0, 0], metadata: { t: 'x'.repeat(3_000_000) } }]),
        'ORCH_INVALID_INPUT',
      ],
      [
        'a 3 MB document',
        () => store.upsert('pre', [{ id: 'd', vector: [1, 0, 0], document: 'y'.repeat(3_000_000) }]),
        'ORCH_INVALID_INPUT',
      ],
      [
        'a list of numbers in metadata',
        () =>
          store.upsert('pre', [{ id: 'l', vector: [1, 0, 0], metadata: { n: [1, 2] as unknown as string } }]),
        'ORCH_INVALID_INPUT',
      ],
      [
        'a list of strings in metadata (orch metadata is flat scalars)',
        () =>
          store.upsert('pre', [{ id: 'l', vector: [1, 0, 0], metadata: { n: ['a'] as unknown as string } }]),
        'ORCH_INVALID_INPUT',
      ],
      [
        'a wrong dimension',
        () => store.upsert('pre', [{ id: 'w', vector: [1, 0] }]),
        'ORCH_DIMENSION_MISMATCH',
      ],
      [
        'a bad filter operator in query',
        () => store.query('pre', { vector: [1, 0, 0], topK: 1, filter: { genre: { $regex: 'x' } } as never }),
        'ORCH_INVALID_INPUT',
      ],
      [
        'a bad filter operator in delete',
        () => store.delete('pre', { filter: { $not: { a: 1 } } as never }),
        'ORCH_INVALID_INPUT',
      ],
      [
        'a dimension Pinecone does not allow',
        () => store.ensureCollection('huge', { dimension: 20_001 }),
        'ORCH_INVALID_INPUT',
      ],
    ];
    for (const [what, call, code] of cases) {
      const err = await rejection(call());
      assert.equal(err.code, code, `${what}: ${err.message}`);
      assert.equal(proxy.seen.length, before, `${what}: nothing was sent`);
    }
  });

  it('1,001 records are split into requests within 1,000 records and 2 MB', async () => {
    const { store, proxy } = await viaProxy(`pinecone://${uniqueIndex()}`);
    await store.ensureCollection('split', { dimension: 8 });
    const records = Array.from({ length: 1001 }, (_, i) => ({
      id: `r${i}`,
      vector: Array.from({ length: 8 }, (_, j) => Math.sin(i * 8 + j) + 1.5),
    }));
    const sent = upsertsSeen(proxy).length;
    await store.upsert('split', records);
    const batches = upsertsSeen(proxy).slice(sent);
    assert.deepEqual(
      batches.map((b) => (b.body as { vectors: unknown[] }).vectors.length).sort((x, y) => y - x),
      [1000, 1],
    );
    assert.equal(await store.count('split'), 1001);

    // 384 dimensions of full-precision doubles: 2 MB fills before 1,000 records.
    const { store: wide, proxy: wideProxy } = await viaProxy(`pinecone://${uniqueIndex()}`);
    await wide.ensureCollection('wide', { dimension: 384 });
    const rows = Array.from({ length: 1500 }, (_, i) => ({
      id: `w${i}`,
      vector: Array.from({ length: 384 }, (_, j) => Math.sin(i * 384 + j) / 3),
      metadata: { i },
    }));
    await wide.upsert('wide', rows);
    const wideBatches = upsertsSeen(wideProxy);
    assert.ok(wideBatches.length > 2, `split by size: ${wideBatches.length} requests`);
    for (const b of wideBatches) {
      assert.ok(b.bodyBytes <= 2_000_000, `request of ${b.bodyBytes} bytes`);
      assert.ok((b.body as { vectors: unknown[] }).vectors.length <= 1000);
      assert.equal(b.status, 200);
    }
    assert.equal(await wide.count('wide'), 1500);
  });

  it('with upsertConcurrency: 2 the requests of one call overlap; a failure stops new ones', async () => {
    const { store, proxy } = await viaProxy(`pinecone://${uniqueIndex()}`, { upsertConcurrency: 2 });
    await store.ensureCollection('par', { dimension: 384 });
    const rows = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({
        id: `${tag}${i}`,
        vector: Array.from({ length: 384 }, (_, j) => Math.sin(i * 384 + j) / 3),
      }));
    proxy.faults.push({
      status: 0,
      delayMs: 30,
      times: 100,
      match: (_, path) => path.endsWith('/vectors/upsert'),
    });
    await store.upsert('par', rows(1000, 'a'));
    assert.equal(proxy.maxUpsertsInFlight(), 2);
    assert.equal(await store.count('par'), 1000);
    proxy.faults.splice(0);
    // The third request of the chunk is refused: the others that started finish, none starts after.
    proxy.faults.push({ status: 400, times: 1, match: nthUpsert(3) });
    const err = await rejection(store.upsert('par', rows(1000, 'b')));
    assert.equal(err.code, 'ORCH_INVALID_INPUT');
    assert.equal(err.details.written, 0, 'the failing 1,000-record chunk started at 0');
    assert.equal(typeof err.details.recordsSentInChunk, 'number');
    const { store: one, proxy: sequential } = await viaProxy(`pinecone://${uniqueIndex()}`); // default 1
    await one.ensureCollection('seq', { dimension: 384 });
    sequential.faults.push({
      status: 0,
      delayMs: 10,
      times: 100,
      match: (_, path) => path.endsWith('/vectors/upsert'),
    });
    await one.upsert('seq', rows(1000, 'c'));
    assert.equal(sequential.maxUpsertsInFlight(), 1);
  });

  it('a refused API key is ORCH_AUTH_FAILED, and the key is never printed', async () => {
    const key = `pc-wrong-key-${Date.now()}-never-shown`;
    const err = await rejection(openStore(`pinecone://${uniqueIndex()}`, { apiKey: key }));
    assert.equal(err.code, 'ORCH_AUTH_FAILED');
    assert.equal(err.details.driverCode, 401);
    assert.equal(err.details.driverError, 'PineconeAuthorizationError');
    const texts = [err.message, err.stack ?? '', inspect(err, { depth: 8 }), JSON.stringify(err)];
    for (const t of texts) assert.ok(!t.includes(key), 'the key leaked');
    // A store built unconnected reports the failure in health(), without the key.
    const { pineconeAdapter } = await import('../src/index.js');
    const { parseStoreUrl } = await import('@orch/core/adapter-kit');
    const unconnected = (await pineconeAdapter.create({
      kind: 'vector',
      scheme: 'pinecone',
      url: parseStoreUrl('pinecone://idx'),
      config: { url: 'pinecone://idx', apiKey: key, controllerHostUrl: (await startProxy()).url },
    })) as VectorStore;
    const health = await unconnected.health();
    assert.equal(health.status, 'unhealthy');
    assert.equal(health.error?.code, 'ORCH_AUTH_FAILED');
    assert.ok(!JSON.stringify(health).includes(key));
  });

  it('no server is ORCH_CONNECTION_FAILED (retriable)', async () => {
    const dead = await startPineconeEmulator();
    const url = dead.url;
    await dead.close();
    const err = await rejection(openStore(`pinecone://${uniqueIndex()}`, { controllerHostUrl: url }));
    assert.equal(err.code, 'ORCH_CONNECTION_FAILED');
    assert.equal(err.retriable, true);
    assert.equal(err.details.driverCode, 'PineconeConnectionError');
  });
});

describe('retries on 429 and 5xx (a local proxy answers them before forwarding to the emulator)', () => {
  const fast = { maxRetries: 3, retryBackoff: { baseMs: 1, maxMs: 5 } };

  it('a 429 twice, then success: the upsert goes through after two retries', async () => {
    const { store, proxy } = await viaProxy(`pinecone://${uniqueIndex()}`, fast);
    await store.ensureCollection('busy', { dimension: 2 });
    const before = upsertsSeen(proxy).length; // the registry record of ensureCollection
    proxy.faults.push({ status: 429, times: 2, match: (_, path) => path.endsWith('/vectors/upsert') });
    await store.upsert('busy', [{ id: 'a', vector: [1, 0] }]);
    assert.deepEqual(
      upsertsSeen(proxy)
        .slice(before)
        .map((r) => r.status),
      [429, 429, 200],
    );
    assert.equal(await store.count('busy'), 1);
  });

  it('503 and 500 on reads are retried too; Retry-After is honoured', async () => {
    const { store, proxy } = await viaProxy(`pinecone://${uniqueIndex()}`, fast);
    await store.ensureCollection('flaky', { dimension: 2 });
    await store.upsert('flaky', [{ id: 'a', vector: [1, 0] }]);
    proxy.faults.push(
      { status: 503, times: 1, match: (_, path) => path.endsWith('/query') },
      { status: 500, times: 1, match: (_, path) => path.endsWith('/query') },
      {
        status: 429,
        times: 1,
        match: (_, path) => path.endsWith('/query'),
        headers: { 'retry-after': '0.05' },
      },
    );
    const started = Date.now();
    const hits = await store.query('flaky', { vector: [1, 0], topK: 1 });
    assert.equal(hits[0]?.id, 'a');
    assert.ok(Date.now() - started >= 45, 'waited for Retry-After');
    assert.deepEqual(
      proxy.seen.filter((r) => r.path.endsWith('/query')).map((r) => r.status),
      [503, 500, 429, 200],
    );
  });

  it('when retries run out: ORCH_BUSY for 429, ORCH_CONNECTION_FAILED for 503, both retriable', async () => {
    const { store, proxy } = await viaProxy(`pinecone://${uniqueIndex()}`, { ...fast, maxRetries: 2 });
    await store.ensureCollection('down', { dimension: 2 });
    const before = upsertsSeen(proxy).length;
    proxy.faults.push({ status: 429, times: 10, match: (_, path) => path.endsWith('/vectors/upsert') });
    const busy = await rejection(store.upsert('down', [{ id: 'a', vector: [1, 0] }]));
    assert.equal(busy.code, 'ORCH_BUSY');
    assert.equal(busy.retriable, true);
    assert.equal(busy.details.driverCode, 429);
    assert.equal(busy.details.attempts, 3);
    assert.equal(upsertsSeen(proxy).length - before, 3);
    proxy.faults.splice(0);
    proxy.faults.push({ status: 503, times: 10, match: (_, path) => path.endsWith('/describe_index_stats') });
    const down = await rejection(store.count('down'));
    assert.equal(down.code, 'ORCH_CONNECTION_FAILED');
    assert.equal(down.retriable, true);
    assert.equal(down.details.driverCode, 503);
  });

  it('4xx answers are not retried', async () => {
    const { store, proxy } = await viaProxy(`pinecone://${uniqueIndex()}`, fast);
    await store.ensureCollection('once', { dimension: 2 });
    const before = upsertsSeen(proxy).length;
    proxy.faults.push({ status: 400, times: 5, match: (_, path) => path.endsWith('/vectors/upsert') });
    const err = await rejection(store.upsert('once', [{ id: 'a', vector: [1, 0] }]));
    assert.equal(err.code, 'ORCH_INVALID_INPUT');
    assert.equal(err.details.attempts, 1);
    assert.equal(upsertsSeen(proxy).length - before, 1);
  });

  it('timeoutMs aborts a request that hangs: ORCH_TIMEOUT, retriable', async () => {
    const { store, proxy } = await viaProxy(`pinecone://${uniqueIndex()}`, { ...fast, timeoutMs: 150 });
    await store.ensureCollection('slow', { dimension: 2 });
    proxy.faults.push({ status: 0, delayMs: 1_000, times: 1, match: (_, path) => path.endsWith('/query') });
    const err = await rejection(store.query('slow', { vector: [1, 0], topK: 1 }));
    assert.equal(err.code, 'ORCH_TIMEOUT');
    assert.equal(err.retriable, true);
  });

  it('the timeout also covers the body: one that stalls after the headers is aborted', async () => {
    const fetchWithLimit = instrumentedFetch(async (_input, init) => {
      const signal = init?.signal as AbortSignal;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"matches": ['));
          signal.addEventListener('abort', () => controller.error(signal.reason));
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    }, 100);
    const response = await fetchWithLimit('http://pinecone.invalid/query');
    const started = Date.now();
    await expect(response.json()).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
  });

  it('a request answered in time is not aborted afterwards: the limit ends once its body is read', async () => {
    const signals: AbortSignal[] = [];
    const fetchWithLimit = instrumentedFetch(async (_input, init) => {
      signals.push(init?.signal as AbortSignal);
      return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
    }, 50);
    const response = await fetchWithLimit('http://pinecone.invalid/describe_index_stats');
    expect(await response.json()).toEqual({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
  });

  it('the caller retries with core’s backoff between attempts', async () => {
    const delays: number[] = [];
    const caller = new PineconeCaller({
      maxRetries: 3,
      backoff: { baseMs: 100, maxMs: 1_000, jitter: 0 },
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    const failing = Object.assign(new Error('unavailable'), { name: 'PineconeUnavailableError' });
    const err = await rejection(
      caller.call('query', async () => {
        throw failing;
      }),
    );
    assert.deepEqual(delays, [100, 200, 400]);
    assert.equal(err.code, 'ORCH_CONNECTION_FAILED');
    assert.equal(err.details.attempts, 4);
  });
});

it('the emulator key is not a word that could be scrubbed from ordinary messages', () => {
  assert.ok(EMULATOR_API_KEY.length > 12);
});
