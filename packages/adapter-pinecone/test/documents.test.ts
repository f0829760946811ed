import assert from 'node:assert/strict';
import type { VectorStore } from '@orch/core';
import { afterEach, describe, it } from 'vitest';
import { openStore, rawClient, startProxy, uniqueIndex } from './helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function open(url: string): Promise<VectorStore> {
  const store = await openStore(url);
  cleanups.push(() => store.close());
  return store;
}

async function namespaces(index: string): Promise<Record<string, number>> {
  const s = await rawClient().index({ name: index }).describeIndexStats();
  return Object.fromEntries(Object.entries(s.namespaces ?? {}).map(([k, v]) => [k, v.recordCount]));
}

describe('documents: inline in metadata when they fit, in part records when they do not', () => {
  it('a 150 KB document round-trips through get and query; its parts live in their own namespace', async () => {
    const index = uniqueIndex();
    const store = await open(`pinecone://${index}`);
    await store.ensureCollection('docs', { dimension: 2 });
    const big = 'Ünïcödé 🚀 "quoted" \\ text\n'.repeat(5_000);
    await store.upsert('docs', [
      { id: 'big', vector: [1, 0], metadata: { kind: 'long', pad: 'p'.repeat(20_000) }, document: big },
      { id: 'small', vector: [0, 1], metadata: { kind: 'short' }, document: 'short text' },
    ]);
    const counts = await namespaces(index);
    assert.equal(counts.docs, 2, 'count() sees the two records only');
    assert.ok((counts['docs#orch_documents'] ?? 0) >= 4, JSON.stringify(counts));
    assert.equal(await store.count('docs'), 2);
    const [b, s] = await store.get('docs', ['big', 'small']);
    assert.equal(b?.document, big);
    assert.deepEqual(
      b?.metadata,
      { kind: 'long', pad: 'p'.repeat(20_000) },
      'no orch: keys leak into metadata',
    );
    assert.equal(s?.document, 'short text');
    const [hit] = await store.query('docs', { vector: [1, 0], topK: 1, filter: { kind: 'long' } });
    assert.equal(hit?.document, big);
    const [slim] = await store.query('docs', { vector: [1, 0], topK: 1, include: { documents: false } });
    assert.equal(slim?.document, undefined);
  });

  it('replacing a large document removes the parts of the old one; deleting the record removes the rest', async () => {
    const index = uniqueIndex();
    const store = await open(`pinecone://${index}`);
    await store.ensureCollection('docs', { dimension: 2 });
    await store.upsert('docs', [{ id: 'a', vector: [1, 0], document: 'a'.repeat(200_000) }]);
    const first = (await namespaces(index))['docs#orch_documents'];
    await store.upsert('docs', [{ id: 'a', vector: [1, 0], document: 'b'.repeat(100_000) }]);
    const second = (await namespaces(index))['docs#orch_documents'];
    assert.ok(second! < first!, `${second} parts after replacing ${first}`);
    assert.equal((await store.get('docs', ['a']))[0]?.document, 'b'.repeat(100_000));
    await store.upsert('docs', [{ id: 'a', vector: [1, 0], document: 'now small' }]);
    assert.equal((await store.get('docs', ['a']))[0]?.document, 'now small');
    await store.delete('docs', { ids: ['a'] });
    assert.deepEqual(await namespaces(index), { __orch_collections: 1 });
  });

  it('delete by filter removes the parts of the records it deletes, and only those', async () => {
    const store = await open(`pinecone://${uniqueIndex('df')}?mapping=indexes`);
    await store.ensureCollection('docs', { dimension: 2 });
    await store.upsert('docs', [
      { id: 'x', vector: [1, 0], metadata: { group: 'x' }, document: 'x'.repeat(90_000) },
      { id: 'y', vector: [0, 1], metadata: { group: 'y' }, document: 'y'.repeat(90_000) },
    ]);
    await store.delete('docs', { filter: { group: 'x' } });
    assert.deepEqual(
      (await store.get('docs', ['x', 'y'])).map((r) => [r.id, r.document?.length]),
      [['y', 90_000]],
    );
    assert.equal(await store.count('docs'), 1);
  });

  it('a query whose result could pass 4 MB asks for ids and scores, then fetches the rest', async () => {
    const proxy = await startProxy();
    cleanups.push(() => proxy.close());
    const store = await openStore(`pinecone://${uniqueIndex()}`, { controllerHostUrl: proxy.url });
    cleanups.push(() => store.close());
    await store.ensureCollection('wide', { dimension: 16 });
    await store.upsert(
      'wide',
      Array.from({ length: 300 }, (_, i) => ({
        id: `r${i}`,
        vector: Array.from({ length: 16 }, (_, j) => Math.cos(i + j) + 2),
        metadata: { i },
        document: `doc ${i}`,
      })),
    );
    const hits = await store.query('wide', { vector: Array(16).fill(1), topK: 200 });
    assert.equal(hits.length, 200);
    assert.ok(hits.every((h) => h.document === `doc ${h.metadata?.i}`));
    const query = proxy.seen.find((r) => r.path.endsWith('/query'));
    assert.equal((query?.body as { includeMetadata?: boolean } | undefined)?.includeMetadata, false);
    assert.ok(
      proxy.seen.some((r) => r.path.includes('/vectors/fetch?')),
      'then fetched',
    );
    const small = await store.query('wide', { vector: Array(16).fill(1), topK: 10 });
    assert.deepEqual(
      small.map((h) => h.id),
      hits.slice(0, 10).map((h) => h.id),
    );
  });
});
