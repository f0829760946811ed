import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createAdapter, type VectorMetric } from '@orch/core';
import { Pinecone } from '@pinecone-database/pinecone';
import { describe, it } from 'vitest';
import '../src/index.js';

// The one test of the project that may skip: it needs the real Pinecone service.
//   PINECONE_API_KEY=…  ORCH_TEST_PINECONE_INDEX=an-existing-serverless-index  pnpm test
// It works in a namespace of its own (orch-live-<random>:…) and removes it afterwards; it never
// creates or deletes an index.
const apiKey = process.env.PINECONE_API_KEY;
const indexName = process.env.ORCH_TEST_PINECONE_INDEX;
const live = Boolean(apiKey && indexName);

if (!live) {
  console.log(
    'SKIPPED: the live Pinecone test did not run: set PINECONE_API_KEY and ORCH_TEST_PINECONE_INDEX (an existing index) to run it.',
  );
}

/** Poll until `check` passes: Pinecone is eventually consistent. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 4_000)) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() + delay > deadline) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

describe('live Pinecone service', () => {
  it.skipIf(!live)(
    'live Pinecone (only with PINECONE_API_KEY and ORCH_TEST_PINECONE_INDEX): upsert, query with filter, get, count, delete, drop',
    async () => {
      const model = await new Pinecone({ apiKey: apiKey! }).describeIndex(indexName!);
      const metric = ({ cosine: 'cosine', euclidean: 'l2', dotproduct: 'ip' } as const)[
        model.metric as 'cosine' | 'euclidean' | 'dotproduct'
      ] as VectorMetric;
      const dimension = model.dimension!;
      const namespace = `orch-live-${randomBytes(4).toString('hex')}`;
      const store = await createAdapter('vector', {
        url: `pinecone://${indexName}?namespace=${namespace}`,
        apiKey,
        createIndexes: false,
      });
      const vector = (i: number) => Array.from({ length: dimension }, (_, j) => Math.cos(i * 7 + j) + 1.1);
      try {
        assert.equal(store.capabilities.eventualConsistency, true);
        await store.ensureCollection('live', { dimension, metric });
        await store.upsert('live', [
          { id: 'a', vector: vector(1), metadata: { group: 'x', n: 1 }, document: 'first' },
          { id: 'b', vector: vector(2), metadata: { group: 'y', n: 2 } },
          { id: 'c', vector: vector(3), metadata: { n: 3 }, document: 'd'.repeat(60_000) },
        ]);
        await eventually(async () => assert.equal(await store.count('live'), 3));
        const hits = await eventually(async () => {
          const found = await store.query('live', {
            vector: vector(1),
            topK: 3,
            filter: { group: { $ne: 'y' } },
          });
          assert.deepEqual(found.map((h) => h.id).sort(), ['a']);
          return found;
        });
        assert.equal(hits[0]?.document, 'first');
        assert.ok(Math.abs(hits[0]!.distance) < 1e-3 || metric === 'ip');
        const got = await store.get('live', ['c', 'a']);
        assert.deepEqual(
          got.map((r) => r.id),
          ['c', 'a'],
        );
        assert.equal(got[0]?.document, 'd'.repeat(60_000));
        assert.equal(await store.count('live', { n: { $gte: 2 } }), 2);
        await store.delete('live', { filter: { group: 'x' } });
        await eventually(async () => assert.equal(await store.count('live'), 2));
      } finally {
        await store.dropCollection('live').catch(() => undefined);
        await store.close();
      }
    },
    180_000,
  );
});
