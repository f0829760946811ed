import assert from 'node:assert/strict';
import { normalizeFilter } from '@orch/core/adapter-kit';
import { describe, it } from 'vitest';
import { toPineconeFilter } from '../src/filter.js';
import { openStore, rawClient, SERVERLESS, uniqueIndex } from './helpers.js';

const translate = (filter: Record<string, unknown>) => toPineconeFilter(normalizeFilter(filter as never)!);

describe('the filter language in Pinecone’s terms', () => {
  it('translates every operator, adding $exists: true where Pinecone would match a missing field', () => {
    const table: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ s: 'open' }, { s: { $eq: 'open' } }],
      [{ n: { $eq: 2 } }, { n: { $eq: 2 } }],
      [{ s: { $ne: 'x' } }, { $and: [{ s: { $exists: true } }, { s: { $ne: 'x' } }] }],
      [{ n: { $gt: 1 } }, { n: { $gt: 1 } }],
      [{ n: { $gte: 1 } }, { n: { $gte: 1 } }],
      [{ n: { $lt: 1 } }, { n: { $lt: 1 } }],
      [{ n: { $lte: 1 } }, { n: { $lte: 1 } }],
      [{ s: { $in: ['a', 'b'] } }, { s: { $in: ['a', 'b'] } }],
      [{ n: { $in: [1, 2] } }, { n: { $in: [1, 2] } }],
      [{ b: { $in: [true] } }, { b: { $eq: true } }],
      [{ b: { $in: [true, false] } }, { $or: [{ b: { $eq: true } }, { b: { $eq: false } }] }],
      [{ s: { $nin: ['a'] } }, { $and: [{ s: { $exists: true } }, { s: { $nin: ['a'] } }] }],
      [{ b: { $nin: [false] } }, { $and: [{ b: { $exists: true } }, { b: { $ne: false } }] }],
      [{ s: { $exists: false } }, { s: { $exists: false } }],
      [
        { $or: [{ a: 1 }, { b: { $gt: 2 } }], c: 'x' },
        { $and: [{ $or: [{ a: { $eq: 1 } }, { b: { $gt: 2 } }] }, { c: { $eq: 'x' } }] },
      ],
      [{ n: { $gt: 1, $lt: 5 } }, { $and: [{ n: { $gt: 1 } }, { n: { $lt: 5 } }] }],
    ];
    for (const [orch, pinecone] of table) assert.deepEqual(translate(orch), pinecone, JSON.stringify(orch));
  });

  it('refuses a node it does not know rather than dropping it', () => {
    assert.throws(
      () => toPineconeFilter({ type: 'near', field: 'x' } as never),
      (err: { code?: string }) => err.code === 'ORCH_UNSUPPORTED_FILTER',
    );
  });

  it('on the emulator: raw $ne matches records without the field, the adapter’s does not', async () => {
    const index = uniqueIndex();
    const pc = rawClient();
    await pc.createIndex({ name: index, dimension: 2, metric: 'cosine', spec: SERVERLESS });
    const store = await openStore(`pinecone://${index}`);
    try {
      await store.ensureCollection('sem', { dimension: 2 });
      await store.upsert('sem', [
        { id: 'open', vector: [1, 0], metadata: { status: 'open' } },
        { id: 'done', vector: [1, 1], metadata: { status: 'done' } },
        { id: 'none', vector: [0, 1] },
      ]);
      const raw = await pc
        .index({ name: index })
        .query({ vector: [1, 0], topK: 10, namespace: 'sem', filter: { status: { $ne: 'open' } } });
      assert.deepEqual(raw.matches.map((m) => m.id).sort(), ['done', 'none'], 'Pinecone semantics');
      const hits = await store.query('sem', {
        vector: [1, 0],
        topK: 10,
        filter: { status: { $ne: 'open' } },
      });
      assert.deepEqual(
        hits.map((h) => h.id),
        ['done'],
        'orch semantics',
      );
      assert.equal(await store.count('sem', { status: { $nin: ['open'] } }), 1);
      assert.equal(await store.count('sem', { status: { $exists: false } }), 1);
    } finally {
      await store.close();
    }
  });
});
