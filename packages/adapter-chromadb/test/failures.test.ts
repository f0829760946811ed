import { inspect } from 'node:util';
import { createAdapter, isOrchError, type VectorStore } from '@orch/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { chromaUrl } from './helpers.js';
import { ChromaProxy, PrivateChroma } from './servers.js';

/** Every text an error or report shows: message, stack, JSON, inspect (with its cause). */
function texts(value: unknown): string {
  return [
    JSON.stringify(value),
    inspect(value, { depth: 8 }),
    value instanceof Error ? `${value.message}\n${value.stack}` : '',
  ].join('\n');
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!outcome) expect.fail('expected a rejection');
  return outcome;
}

const asStoreUrl = (http: string) => http.replace(/^http:/, 'chromadb:');
let seq = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now()}-${seq++}`;

describe('Chroma behind an auth proxy (401 / 403)', () => {
  const token = `good-${Math.random().toString(36).slice(2)}-token`;
  const readOnly = `ro-${Math.random().toString(36).slice(2)}-token`;
  let proxy: ChromaProxy;
  beforeAll(async () => {
    proxy = new ChromaProxy(chromaUrl());
    // What a token-checking reverse proxy in front of Chroma does.
    proxy.decide = (req) => {
      const bearer = req.headers.authorization?.replace(/^Bearer /, '') ?? req.headers['x-chroma-token'];
      if (bearer === token) return { action: 'forward' };
      const writes =
        /\/(add|upsert|update|delete)$/.test(req.path) ||
        (req.method === 'POST' && req.path.endsWith('/collections'));
      if (bearer === readOnly) return writes ? { action: 'respond', status: 403 } : { action: 'forward' };
      return { action: 'respond', status: 401 };
    };
    await proxy.start();
  });
  afterAll(() => proxy.stop());

  it('the right token (Authorization: Bearer or X-Chroma-Token) gets through', async () => {
    for (const authHeader of ['authorization', 'x-chroma-token'] as const) {
      const store = await createAdapter('vector', { url: asStoreUrl(proxy.url), token, authHeader });
      const name = unique('auth-ok');
      await store.ensureCollection(name, { dimension: 2 });
      await store.upsert(name, [{ id: 'a', vector: [1, 0] }]);
      expect(await store.count(name)).toBe(1);
      expect((await store.health()).status).toBe('healthy');
      await store.dropCollection(name);
      await store.close();
    }
  });

  it('a refused token is ORCH_AUTH_FAILED (401), not retried, and never shown', async () => {
    const wrong = `wrong-${Math.random().toString(36).slice(2)}-token`;
    const before = proxy.requests.length;
    const err = await failure(createAdapter('vector', { url: asStoreUrl(proxy.url), token: wrong }));
    expect(err).toMatchObject({
      code: 'ORCH_AUTH_FAILED',
      retriable: false,
      kind: 'vector',
      details: { driverCode: 'ChromaAuthError', status: 401 },
    });
    expect(proxy.requests.length - before).toBe(1);
    expect(texts(err)).not.toContain(wrong);
    const noToken = await failure(createAdapter('vector', asStoreUrl(proxy.url)));
    expect(noToken).toMatchObject({ code: 'ORCH_AUTH_FAILED' });
  });

  it('a token without write rights is ORCH_AUTH_FAILED (403) on writes; reads work', async () => {
    const admin = await createAdapter('vector', { url: asStoreUrl(proxy.url), token });
    const name = unique('auth-ro');
    await admin.ensureCollection(name, { dimension: 2 });
    await admin.upsert(name, [{ id: 'a', vector: [1, 0] }]);
    const ro = await createAdapter('vector', { url: asStoreUrl(proxy.url), token: readOnly });
    expect(await ro.count(name)).toBe(1);
    const err = await failure(ro.upsert(name, [{ id: 'b', vector: [0, 1] }]));
    expect(err).toMatchObject({
      code: 'ORCH_AUTH_FAILED',
      retriable: false,
      details: { driverCode: 'ChromaForbiddenError', status: 403 },
    });
    expect(texts(err)).not.toContain(readOnly);
    expect(texts(await ro.health())).not.toContain(readOnly);
    await ro.close();
    await admin.dropCollection(name);
    await admin.close();
  });
});

describe('5xx and stalls (a fault-injecting proxy in front of the real server)', () => {
  let proxy: ChromaProxy;
  let store: VectorStore;
  const name = unique('faults');
  beforeAll(async () => {
    proxy = new ChromaProxy(chromaUrl());
    await proxy.start();
    // Short enough that a hung request fails fast, long enough for a real upsert forwarded to a
    // server that shares a loaded 2-core CI machine (1 s was exceeded once there).
    store = await createAdapter('vector', { url: asStoreUrl(proxy.url), retries: 2, timeoutMs: 3_000 });
    await store.ensureCollection(name, { dimension: 2, metric: 'l2' });
  });
  afterEach(() => {
    proxy.decide = () => ({ action: 'forward' });
  });
  afterAll(async () => {
    await store.dropCollection(name);
    await store.close();
    await proxy.stop();
  });

  it('a 503 is retried with backoff and the write lands', async () => {
    let failures = 2;
    proxy.decide = (req) =>
      req.path.endsWith('/upsert') && failures-- > 0
        ? { action: 'respond', status: 503, body: { error: 'Unavailable', message: 'try later' } }
        : { action: 'forward' };
    const before = proxy.to('/upsert').length;
    await store.upsert(name, [{ id: 'retried', vector: [1, 1] }]);
    expect(proxy.to('/upsert').length - before).toBe(3);
    expect((await store.get(name, ['retried'])).map((r) => r.id)).toEqual(['retried']);
  });

  it('a 5xx that persists is a retriable ORCH_QUERY_FAILED after the retries', async () => {
    proxy.decide = (req) =>
      req.path.endsWith('/query') ? { action: 'respond', status: 500 } : { action: 'forward' };
    const before = proxy.to('/query').length;
    const err = await failure(store.query(name, { vector: [1, 1], topK: 1 }));
    expect(err).toMatchObject({
      code: 'ORCH_QUERY_FAILED',
      retriable: true,
      details: { driverCode: 'ChromaServerError', attempts: 3 },
    });
    expect(proxy.to('/query').length - before).toBe(3);
  });

  it('a request that gets no answer is a retriable ORCH_TIMEOUT', async () => {
    proxy.decide = (req) => (req.path.endsWith('/count') ? { action: 'hang' } : { action: 'forward' });
    const started = Date.now();
    const err = await failure(store.count(name));
    expect(err).toMatchObject({
      code: 'ORCH_TIMEOUT',
      retriable: true,
      details: { driverCode: 'ChromaTimeoutError' },
    });
    // Three attempts of 3 s each plus the backoff between them: bounded, not hanging.
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('the server goes down and comes back (a Chroma of this test`s own)', () => {
  const server = new PrivateChroma();
  beforeAll(() => server.start());
  afterAll(() => server.dispose());

  it('typed retriable errors and unhealthy health() while down, no credentials; the same store recovers', async () => {
    const token = `restart-${Math.random().toString(36).slice(2)}-token`;
    const store = await createAdapter('vector', { url: asStoreUrl(server.url), token, retries: 1 });
    const name = unique('restart');
    await store.ensureCollection(name, { dimension: 2, metric: 'l2' });
    await store.upsert(name, [
      { id: 'kept', vector: [1, 0], metadata: { side: 'a' } },
      { id: 'other', vector: [0, 1], metadata: { side: 'b' } },
    ]);
    expect((await store.health()).status).toBe('healthy');

    await server.stop();
    const operations: [string, () => Promise<unknown>][] = [
      ['upsert', () => store.upsert(name, [{ id: 'late', vector: [1, 1] }])],
      ['query', () => store.query(name, { vector: [1, 0], topK: 1, filter: { side: 'a' } })],
      ['get', () => store.get(name, ['kept'])],
      ['count', () => store.count(name, { side: 'a' })],
      ['delete', () => store.delete(name, { ids: ['other'] })],
      ['ensureCollection', () => store.ensureCollection(unique('down'), { dimension: 2 })],
      ['listCollections', () => store.listCollections()],
    ];
    for (const [what, run] of operations) {
      const err = await failure(run());
      expect(isOrchError(err), what).toBe(true);
      expect(err, what).toMatchObject({
        code: 'ORCH_CONNECTION_FAILED',
        retriable: true,
        kind: 'vector',
        details: { driverCode: 'ChromaConnectionError' },
      });
      expect(texts(err), what).not.toContain(token);
    }
    const down = await store.health();
    expect(down).toMatchObject({ status: 'unhealthy', error: { code: 'ORCH_CONNECTION_FAILED' } });
    expect(texts(down)).not.toContain(token);

    await server.start();
    // The same store object, not re-created: its next requests simply work again.
    expect((await store.health()).status).toBe('healthy');
    expect(await store.count(name)).toBe(2);
    const [hit] = await store.query(name, { vector: [1, 0], topK: 1, filter: { side: 'a' } });
    expect(hit?.id).toBe('kept');
    await store.upsert(name, [{ id: 'late', vector: [1, 1] }]);
    expect(await store.count(name)).toBe(3);
    await store.dropCollection(name);
    await store.close();
  });

  it('a store whose first connect fails connects once the server is up', async () => {
    await server.stop();
    const store = await createAdapter('vector', asStoreUrl(server.url)).catch((e: unknown) => e);
    expect(store).toMatchObject({ code: 'ORCH_CONNECTION_FAILED', retriable: true });
    await server.start();
    const direct = await import('../src/index.js');
    const { parseStoreUrl } = await import('@orch/core/adapter-kit');
    const url = parseStoreUrl(asStoreUrl(server.url));
    // Built unconnected while the server is down, used after it is back.
    await server.stop();
    const lazy = (await direct.chromaAdapter.create({
      kind: 'vector',
      scheme: url.scheme,
      url,
      config: { url: url.href, retries: 0 },
    })) as VectorStore;
    expect((await lazy.health()).status).toBe('unhealthy');
    await server.start();
    expect((await lazy.health()).status).toBe('healthy');
    expect(Array.isArray(await lazy.listCollections())).toBe(true);
    await lazy.close();
  });
});
