import assert from 'node:assert/strict';
import type { VectorStore } from '@orch/core';
import { afterEach, describe, it } from 'vitest';
import { nthUpsert, openStore, openViaProxy, rawClient, uniqueIndex, upsertsSeen } from './helpers.js';

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

  it('the parts of a document go ahead of the request carrying its record, request by request', async () => {
    const { store, proxy } = await openViaProxy(`pinecone://${uniqueIndex()}`, cleanups);
    await store.ensureCollection('docs', { dimension: 384 });
    // About 260 of these records fill a 2 MB request, so 600 take three, and 5 and 400 spill.
    const records = (tag: string) =>
      Array.from({ length: 600 }, (_, i) => ({
        id: `r${i}`,
        vector: Array.from({ length: 384 }, (_, j) => Math.sin(i * 31 + j) / 3),
        metadata: { tag },
        ...(i === 5 || i === 400 ? { document: `${tag} ${i} `.repeat(20_000) } : {}),
      }));
    const upserts = () =>
      upsertsSeen(proxy).map((r) => r.body as { namespace: string; vectors: { id: string }[] });
    proxy.seen.splice(0); // the collection's registry record
    await store.upsert('docs', records('a'));
    const sent = upserts().map((b) =>
      b.namespace === 'docs' ? b.vectors.length : `parts of ${b.vectors.length > 0 ? 'a record' : 'none'}`,
    );
    assert.equal(sent.length, 5, JSON.stringify(sent));
    assert.equal(sent[0], 'parts of a record');
    assert.equal(sent[2], 'parts of a record');
    const [first, second, third] = [sent[1], sent[3], sent[4]] as number[];
    assert.equal(first! + second! + third!, 600);
    assert.ok(first! > 5 && first! < 400 && first! + second! > 400, JSON.stringify(sent));
    assert.equal((await store.get('docs', ['r400']))[0]?.document, 'a 400 '.repeat(20_000));

    // The second record's parts are refused: the request before them stays written, whole.
    proxy.seen.splice(0);
    proxy.faults.push({ status: 400, times: 1, match: nthUpsert(3) });
    const err = await store.upsert('docs', records('b')).then(
      () => undefined,
      (e: unknown) => e as { code: string; details: Record<string, unknown> },
    );
    assert.equal(err?.code, 'ORCH_INVALID_INPUT');
    assert.equal(err?.details.recordsSentInChunk, first);
    assert.equal(upserts().length, 3, 'nothing is sent after the refused request');
    const [r5, r400, last] = await store.get('docs', ['r5', 'r400', 'r599']);
    assert.equal(r5?.metadata?.tag, 'b');
    assert.equal(r5?.document, 'b 5 '.repeat(20_000));
    assert.equal(r400?.metadata?.tag, 'a', 'not replaced');
    assert.equal(r400?.document, 'a 400 '.repeat(20_000), 'its old parts are still there');
    assert.equal(last?.metadata?.tag, 'a');
  });

  it('a query whose result could pass 4 MB asks for ids and scores, then fetches the rest', async () => {
    const { store, proxy } = await openViaProxy(`pinecone://${uniqueIndex()}`, cleanups);
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
