import { createAdapter, type VectorStore } from '@orch/core';
import { describe, expect, it } from 'vitest';
import '../src/index.js';
import { serverUrl } from './server.js';

/** Deterministic pseudo-random vectors (mulberry32), so a failure can be replayed. */
function vectors(count: number, dimension: number, seed: number): number[][] {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  return Array.from({ length: count }, () => Array.from({ length: dimension }, next));
}

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

async function seeded(store: VectorStore, name: string, count: number): Promise<number[][]> {
  const data = vectors(count, 16, 7);
  await store.ensureCollection(name, { dimension: 16, metric: 'cosine' });
  await store.upsert(
    name,
    data.map((vector, i) => ({
      id: `r${String(i).padStart(4, '0')}`,
      vector,
      metadata: { group: i % 10, even: i % 2 === 0 },
    })),
  );
  return data;
}

describe('pgvector store', () => {
  it('an HNSW collection answers like the exact one, filtered queries included', async () => {
    const exact = await createAdapter('vector', serverUrl());
    const indexed = await createAdapter('vector', {
      url: serverUrl(),
      vectorIndex: 'hnsw',
      tablePrefix: 'orch_hnsw_',
    });
    const name = unique('hnsw');
    try {
      await seeded(exact, name, 600);
      await seeded(indexed, name, 600);
      const probes = vectors(10, 16, 99);
      let agreed = 0;
      let total = 0;
      for (const vector of probes) {
        for (const filter of [undefined, { group: 3 }]) {
          const a = await exact.query(name, { vector, topK: 10, ...(filter ? { filter } : {}) });
          const b = await indexed.query(name, { vector, topK: 10, ...(filter ? { filter } : {}) });
          expect(b).toHaveLength(10); // iterative scans: a selective filter still fills topK
          for (const hit of b) if (filter) expect(hit.metadata?.group).toBe(3);
          const wanted = new Set(a.map((m) => m.id));
          agreed += b.filter((m) => wanted.has(m.id)).length;
          total += a.length;
        }
      }
      expect(agreed / total).toBeGreaterThanOrEqual(0.9);
      expect((await indexed.health()).details).toMatchObject({ index: 'hnsw' });
    } finally {
      await exact.dropCollection(name);
      await indexed.dropCollection(name);
      await exact.close();
      await indexed.close();
    }
  }, 120_000);

  it('collection names that differ only in punctuation, or are long, get tables of their own', async () => {
    const store = await createAdapter('vector', serverUrl());
    const base = unique('same');
    const names = [`${base}-a`, `${base}_a`, `${base}-${'x'.repeat(45)}`, `${base}-${'x'.repeat(45)}y`];
    try {
      for (const [i, name] of names.entries()) {
        await store.ensureCollection(name, { dimension: 2, metric: 'l2' });
        await store.upsert(name, [{ id: `only-${i}`, vector: [i, 1] }]);
      }
      for (const [i, name] of names.entries()) {
        expect((await store.get(name, [`only-${i}`])).map((r) => r.id)).toEqual([`only-${i}`]);
        expect(await store.count(name)).toBe(1);
      }
    } finally {
      for (const name of names) await store.dropCollection(name);
      await store.close();
    }
  });

  it('two stores creating the same collection at once end with one collection', async () => {
    const a = await createAdapter('vector', serverUrl());
    const b = await createAdapter('vector', serverUrl());
    const name = unique('race');
    try {
      const [x, y] = await Promise.all([
        a.ensureCollection(name, { dimension: 3, metric: 'ip' }),
        b.ensureCollection(name, { dimension: 3, metric: 'ip' }),
      ]);
      expect(x).toEqual(y);
      expect((await a.listCollections()).filter((c) => c.name === name)).toHaveLength(1);
      await expect(b.ensureCollection(name, { dimension: 4, metric: 'ip' })).rejects.toMatchObject({
        code: 'ORCH_DIMENSION_MISMATCH',
      });
    } finally {
      await a.dropCollection(name);
      await a.close();
      await b.close();
    }
  });
});
