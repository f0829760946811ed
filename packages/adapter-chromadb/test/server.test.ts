import { createAdapter, type VectorMetric, type VectorStore } from '@orch/core';
import { ChromaClient } from 'chromadb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChromaVectorStore } from '../src/index.js';
import { chromaHostPort, chromaStoreUrl, chromaUrl } from './helpers.js';
import { ChromaProxy } from './servers.js';

let seq = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now()}-${seq++}`;

describe('chromadb adapter on the real server', () => {
  let raw: ChromaClient;
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(() => {
    raw = new ChromaClient(chromaHostPort());
  });

  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
  });

  async function open(config: Record<string, unknown> = {}): Promise<VectorStore> {
    const store = await createAdapter('vector', { url: chromaStoreUrl(), ...config });
    cleanup.push(() => store.close());
    return store;
  }

  function dropLater(name: string): void {
    cleanup.push(() => raw.deleteCollection({ name }));
  }

  it('creates collections with their metric as the HNSW space, no embedding function, and orch metadata', async () => {
    const store = await open();
    for (const metric of ['cosine', 'l2', 'ip'] as VectorMetric[]) {
      const name = unique(`meta-${metric}`);
      dropLater(name);
      expect(await store.ensureCollection(name, { dimension: 3, metric })).toEqual({
        name,
        dimension: 3,
        metric,
      });
      const collection = await raw.getCollection({ name });
      expect(collection.configuration.hnsw?.space).toBe(metric);
      expect((collection.configuration as Record<string, unknown>).embedding_function ?? null).toBeNull();
      expect(collection.metadata).toMatchObject({
        'orch:dimension': 3,
        'orch:metric': metric,
        'orch:format': 2,
      });
      // Idempotent, and the stored description wins over a cached one.
      expect(await store.ensureCollection(name, { dimension: 3, metric })).toEqual({
        name,
        dimension: 3,
        metric,
      });
    }
  });

  it('a collection orch did not create is refused by name and left out of listCollections', async () => {
    const store = await open();
    const name = unique('foreign');
    dropLater(name);
    await raw.createCollection({ name, embeddingFunction: null });
    await expect(store.describeCollection(name)).rejects.toMatchObject({ code: 'ORCH_CONFLICT' });
    await expect(store.ensureCollection(name, { dimension: 2 })).rejects.toMatchObject({
      code: 'ORCH_CONFLICT',
    });
    expect((await store.listCollections()).map((c) => c.name)).not.toContain(name);
  });

  it('an injected client is used as configured and left open by close()', async () => {
    const client = new ChromaClient(chromaHostPort());
    const store = await createAdapter('vector', { scheme: 'chromadb', client });
    const name = unique('injected');
    dropLater(name);
    await store.ensureCollection(name, { dimension: 2, metric: 'l2' });
    await store.upsert(name, [{ id: 'a', vector: [1, 2], metadata: { k: 'v' } }]);
    expect((await store.health()).status).toBe('healthy');
    await store.close();
    expect(store.closed).toBe(true);
    // The caller's client still works, and sees what the store wrote.
    expect(typeof (await client.heartbeat())).toBe('number');
    const collection = await client.getCollection({ name });
    expect(await collection.count()).toBe(1);
    const again = await createAdapter('vector', { scheme: 'chromadb', client });
    expect(await again.count(name, { k: 'v' })).toBe(1);
    await again.close();
  });

  it('health() reports the server version, tenant, database and batch size, and no credentials', async () => {
    const token = `health-token-${Math.random().toString(36).slice(2)}`;
    const store = await open({ token });
    const report = await store.health();
    expect(report.status).toBe('healthy');
    expect(report.details).toMatchObject({
      engine: 'chroma',
      version: expect.any(String),
      tenant: 'default_tenant',
      database: 'default_database',
      maxBatchSize: 5461,
    });
    expect(JSON.stringify(report)).not.toContain(token);
  });

  it('a database that does not exist is ORCH_INVALID_CONFIG at connect', async () => {
    const err = await createAdapter('vector', `${chromaStoreUrl()}/no_such_db_${process.pid}`).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'ORCH_INVALID_CONFIG', details: { status: 404 } });
    expect(err.message).toContain(`no_such_db_${process.pid}`);
  });

  it('a wrong dimension the server reports (400) is ORCH_DIMENSION_MISMATCH with the driver code', async () => {
    const store = await open({ retries: 0 });
    const name = unique('dim');
    dropLater(name);
    await store.ensureCollection(name, { dimension: 3, metric: 'l2' });
    // Someone else fixes the collection's real dimension at 2 by writing first, behind orch's back.
    await (await raw.getCollection({ name })).add({ ids: ['x'], embeddings: [[1, 2]] });
    const err = await store.upsert(name, [{ id: 'y', vector: [1, 2, 3] }]).catch((e) => e);
    expect(err).toMatchObject({
      code: 'ORCH_DIMENSION_MISMATCH',
      retriable: false,
      details: { driverCode: 'ChromaClientError', status: 400, expected: 2, actual: 3 },
    });
    const q = await store.query(name, { vector: [1, 2, 3], topK: 1 }).catch((e) => e);
    expect(q).toMatchObject({ code: 'ORCH_DIMENSION_MISMATCH', details: { expected: 2, actual: 3 } });
  });

  it('a collection dropped and re-created elsewhere is found again by name', async () => {
    const a = await open();
    const b = await open();
    const name = unique('recreated');
    dropLater(name);
    await a.ensureCollection(name, { dimension: 2, metric: 'l2' });
    await a.upsert(name, [{ id: 'old', vector: [1, 1] }]);
    expect(await a.count(name)).toBe(1);
    await b.dropCollection(name);
    await b.ensureCollection(name, { dimension: 2, metric: 'l2' });
    await b.upsert(name, [{ id: 'new', vector: [2, 2] }]);
    // a's cached handle points at the dropped collection; the name still resolves.
    expect((await a.get(name, ['old', 'new'])).map((r) => r.id)).toEqual(['new']);
    await b.dropCollection(name);
    await expect(a.count(name)).rejects.toMatchObject({ code: 'ORCH_NOT_FOUND' });
  });

  describe('writes through a recording proxy', () => {
    let proxy: ChromaProxy;
    beforeAll(async () => {
      proxy = new ChromaProxy(chromaUrl());
      await proxy.start();
    });
    afterAll(() => proxy.stop());
    afterEach(() => {
      proxy.requests.length = 0;
    });

    // Requests are cleared after each test, so these are the current test's own.
    const writes = (path: '/upsert' | '/delete') => proxy.to(path).filter((r) => r.method === 'POST');
    const idsOf = (body: unknown) => (body as { ids: string[] }).ids;

    it('splits upserts at the server`s max_batch_size (5461 from its pre-flight checks)', async () => {
      const store = await open({ url: proxy.url.replace('http', 'chromadb') });
      const name = unique('batch');
      dropLater(name);
      await store.ensureCollection(name, { dimension: 2, metric: 'l2' });
      expect(store.capabilities.maxBatchSize).toBe(5461);
      const total = 6000;
      await store.upsert(
        name,
        Array.from({ length: total }, (_, i) => ({ id: `r${i}`, vector: [i % 97, i % 89], metadata: { i } })),
      );
      const sizes = writes('/upsert').map((r) => idsOf(r.body).length);
      expect(sizes).toEqual([5461, total - 5461]);
      expect(await store.count(name)).toBe(total);
      expect(await store.count(name, { i: { $gte: 5461 } })).toBe(total - 5461);
    });

    it('maxBatchSize lowers the batch below the server`s', async () => {
      const store = await open({ url: proxy.url.replace('http', 'chromadb'), maxBatchSize: 100 });
      const name = unique('small-batch');
      dropLater(name);
      await store.ensureCollection(name, { dimension: 2, metric: 'l2' });
      await store.upsert(
        name,
        Array.from({ length: 250 }, (_, i) => ({ id: `r${i}`, vector: [i, 1] })),
      );
      expect(writes('/upsert').map((r) => idsOf(r.body).length)).toEqual([100, 100, 50]);
      expect(await store.count(name)).toBe(250);
    });

    it('replaces a record in place when nothing of the old one would survive, deletes first otherwise', async () => {
      const store = await open({ url: proxy.url.replace('http', 'chromadb') });
      const name = unique('replace');
      dropLater(name);
      await store.ensureCollection(name, { dimension: 2, metric: 'l2' });
      await store.upsert(name, [
        { id: 'a', vector: [1, 0], metadata: { k: 1 } },
        { id: 'b', vector: [0, 1], metadata: { k: 1, extra: 'x' }, document: 'doc' },
      ]);
      proxy.requests.length = 0;
      // a keeps the same keys (in place); b loses "extra" and its document (delete, then write).
      await store.upsert(name, [
        { id: 'a', vector: [1, 1], metadata: { k: 2 } },
        { id: 'b', vector: [1, 1], metadata: { k: 2 } },
      ]);
      expect(writes('/delete').map((r) => idsOf(r.body))).toEqual([['b']]);
      const got = await store.get(name, ['a', 'b'], { vectors: false });
      expect(got).toEqual([
        { id: 'a', metadata: { k: 2 } },
        { id: 'b', metadata: { k: 2 } },
      ]);
    });
  });
});

describe('ChromaVectorStore used directly', () => {
  it('works with a settings object instead of createAdapter', async () => {
    const { host, port } = chromaHostPort();
    const store = new ChromaVectorStore({
      settings: {
        host,
        port,
        ssl: false,
        tenant: 'default_tenant',
        database: 'default_database',
        headers: {},
      },
    });
    const name = `direct-${process.pid}-${Date.now()}`;
    await store.ensureCollection(name, { dimension: 2 });
    await store.upsert(name, [{ id: 'p', vector: [1, 0] }]);
    const [hit] = await store.query(name, { vector: [1, 0], topK: 1 });
    expect(hit).toMatchObject({ id: 'p' });
    expect(hit!.distance).toBeCloseTo(0, 5);
    expect(hit!.score).toBeCloseTo(1, 5);
    expect(await store.dropCollection(name)).toBe(true);
    await store.close();
  });
});
