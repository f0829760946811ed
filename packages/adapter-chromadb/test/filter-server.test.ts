import { createAdapter, type Filter, type Metadata, type VectorStore } from '@orch/core';
import { matchesFilter, normalizeFilter } from '@orch/core/adapter-kit';
import { ChromaClient } from 'chromadb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { chromaHostPort, chromaStoreUrl } from './helpers.js';

/**
 * Records that separate a translation that is exact from one that is nearly right on Chroma:
 * integers next to floats (Chroma truncates a float query value for its integer column), negative
 * non-integers (truncation goes toward zero), booleans beside 0 and 1, records missing the field.
 */
const EDGE: readonly { id: string; metadata?: Metadata }[] = [
  { id: 'i-3', metadata: { n: -3 } },
  { id: 'i-2', metadata: { n: -2 } },
  { id: 'i-1', metadata: { n: -1 } },
  { id: 'i0', metadata: { n: 0 } },
  { id: 'i1', metadata: { n: 1 } },
  { id: 'i2', metadata: { n: 2 } },
  { id: 'i3', metadata: { n: 3 } },
  { id: 'f-2.5', metadata: { n: -2.5 } },
  { id: 'f-1.5', metadata: { n: -1.5 } },
  { id: 'f-0.5', metadata: { n: -0.5 } },
  { id: 'f0.5', metadata: { n: 0.5 } },
  { id: 'f1.5', metadata: { n: 1.5 } },
  { id: 'f2.5', metadata: { n: 2.5 } },
  { id: 'f2.75', metadata: { n: 2.75 } },
  { id: 'tiny', metadata: { n: 1e-7 } },
  { id: 'btrue', metadata: { n: true } },
  { id: 'bfalse', metadata: { n: false } },
  { id: 's1', metadata: { n: '1' } },
  { id: 's2.5', metadata: { n: '2.5' } },
  { id: 'other', metadata: { m: 1 } },
  { id: 'none' },
];

const VALUES = [-3, -2.5, -2, -1.5, -1, -0.5, 0, 1e-7, 0.5, 1, 1.5, 2, 2.5, 2.6, 2.75, 3, 4];

function generatedFilters(): Filter[] {
  const out: Filter[] = [];
  for (const v of VALUES) {
    for (const op of ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte'] as const) out.push({ n: { [op]: v } });
  }
  const sets = [[2.5], [2, 2.5], [-1.5, 1, 1.5], [-2.5, -2], [0, 1e-7], [1, 2, 3], [2.75, 2.5, 3]];
  for (const s of sets) out.push({ n: { $in: s } }, { n: { $nin: s } });
  out.push(
    { n: { $gt: -1.5, $lt: 2.5 } },
    { n: { $gte: -2.5, $lte: 0.5 } },
    { $or: [{ n: { $lt: -2.5 } }, { n: { $gt: 2.6 } }] },
    { $or: [{ n: 1.5 }, { n: true }, { n: '1' }] },
    { n: { $ne: 1 }, m: { $exists: false } },
    { $or: [{ n: { $exists: false } }, { n: { $ne: 2.5 } }] },
    { n: { $in: [true] } },
    { n: { $nin: ['1', '2.5'] } },
    { n: { $ne: false } },
  );
  return out;
}

describe('filters on the real server: exact where Chroma alone is not', () => {
  let store: VectorStore;
  let raw: ChromaClient;
  const name = `edge-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    store = await createAdapter('vector', chromaStoreUrl());
    raw = new ChromaClient(chromaHostPort());
    await store.ensureCollection(name, { dimension: 2, metric: 'l2' });
    await store.upsert(
      name,
      EDGE.map((r, i) => ({ id: r.id, vector: [i, 1], ...(r.metadata ? { metadata: r.metadata } : {}) })),
    );
  });

  afterAll(async () => {
    await store.dropCollection(name);
    await store.close();
  });

  it('what Chroma itself does (why the translation is not one-to-one)', async () => {
    const collection = await raw.getCollection({ name });
    const ids = async (where: object) =>
      (await collection.get({ where: where as never, include: [] })).ids.sort();
    // A float value is truncated for the integer column: 2.5 "equals" the integer 2 …
    expect(await ids({ n: { $eq: 2.5 } })).toEqual(['f2.5', 'i2']);
    // … and $lt 2.6 misses it.
    expect(await ids({ n: { $lt: 2.6 } })).not.toContain('i2');
    // $ne matches records that do not have the field.
    expect(await ids({ n: { $ne: 1 } })).toContain('none');
    // Equality is typed: 1 is not true and not "1".
    expect(await ids({ n: { $eq: 1 } })).toEqual(['i1']);
    // A list mixing integers and floats is refused.
    await expect(ids({ n: { $in: [1, 2.5] } })).rejects.toThrow();
  });

  it('every generated comparison returns exactly the reference evaluator`s ids, in query and count', async () => {
    const wrong: string[] = [];
    for (const filter of generatedFilters()) {
      const node = normalizeFilter(filter);
      const expected = EDGE.filter((r) => matchesFilter(node, r.metadata))
        .map((r) => r.id)
        .sort();
      const hits = await store.query(name, {
        vector: [0, 1],
        topK: 100,
        filter,
        include: { metadata: false, documents: false },
      });
      const got = hits.map((h) => h.id).sort();
      const count = await store.count(name, filter);
      if (JSON.stringify(got) !== JSON.stringify(expected) || count !== expected.length)
        wrong.push(
          `${JSON.stringify(filter)}: got ${got.join(',')} (count ${count}), expected ${expected.join(',')}`,
        );
    }
    expect(wrong).toEqual([]);
  });

  it('delete by a float range removes exactly the matching records', async () => {
    const scratch = `${name}-del`;
    await store.ensureCollection(scratch, { dimension: 2, metric: 'l2' });
    try {
      await store.upsert(
        scratch,
        EDGE.map((r, i) => ({ id: r.id, vector: [i, 1], ...(r.metadata ? { metadata: r.metadata } : {}) })),
      );
      const filter: Filter = { n: { $gte: -1.5, $lt: 2.5 } };
      const node = normalizeFilter(filter);
      await store.delete(scratch, { filter });
      const left = (
        await store.get(
          scratch,
          EDGE.map((r) => r.id),
          { vectors: false },
        )
      )
        .map((r) => r.id)
        .sort();
      expect(left).toEqual(
        EDGE.filter((r) => !matchesFilter(node, r.metadata))
          .map((r) => r.id)
          .sort(),
      );
    } finally {
      await store.dropCollection(scratch);
    }
  });
});
