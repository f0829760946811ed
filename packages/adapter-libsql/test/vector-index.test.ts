import { createAdapter, isOrchError, type VectorStore } from '@orch/core';
import { distanceBetween } from '@orch/core/adapter-kit';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('orch-libsql-ann-');
afterAll(() => tmp.cleanup());

// Deterministic vectors: no two equal, none zero.
const vectorOf = (i: number) =>
  Array.from({ length: 8 }, (_, d) => Math.sin(i * 7.13 + d * 1.7) + (d === 0 ? 2 : 0));

async function indexesOf(url: string): Promise<string[]> {
  const sql = await createAdapter('operational', url);
  const rows = await sql.query<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_ann' ORDER BY name",
  );
  await sql.close();
  return rows.map((r) => r.name);
}

describe('libsql DiskANN index (opt-in)', () => {
  it('is built only when asked for, and serves unfiltered queries', async () => {
    const file = `file://${tmp.file('ann.db')}`;
    const store = (await createAdapter('vector', `${file}?vector_index=diskann`)) as VectorStore;
    await store.ensureCollection('tasks', { dimension: 8, metric: 'cosine' });
    await store.ensureCollection('dots', { dimension: 8, metric: 'ip' });
    const records = Array.from({ length: 200 }, (_, i) => ({
      id: `r${i}`,
      vector: vectorOf(i),
      metadata: { even: i % 2 === 0 },
    }));
    await store.upsert('tasks', records);
    // One index, for the cosine collection; libsql's index has no inner-product metric.
    expect(await indexesOf(file)).toHaveLength(1);

    const hits = await store.query('tasks', { vector: vectorOf(42), topK: 5 });
    expect(hits[0]?.id).toBe('r42');
    expect(hits[0]?.distance).toBeCloseTo(0, 5);
    expect(hits).toHaveLength(5);
    for (let i = 1; i < hits.length; i++)
      expect(hits[i]!.distance).toBeGreaterThanOrEqual(hits[i - 1]!.distance);

    // Filtered queries stay exact: the same ids a scan in JS finds.
    const filtered = await store.query('tasks', { vector: vectorOf(3), topK: 7, filter: { even: true } });
    const expected = records
      .filter((r) => r.metadata.even)
      .map((r) => ({ id: r.id, d: distanceBetween('cosine', vectorOf(3), r.vector) }))
      .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
      .slice(0, 7)
      .map((r) => r.id);
    expect(filtered.map((h) => h.id)).toEqual(expected);
    await store.close();

    // A store opened without the option never builds one.
    const exact = await createAdapter('vector', `file://${tmp.file('exact.db')}`);
    await exact.ensureCollection('tasks', { dimension: 8, metric: 'cosine' });
    await exact.close();
    expect(await indexesOf(`file://${tmp.file('exact.db')}`)).toEqual([]);
  });

  it('rejects an unknown index kind with ORCH_INVALID_CONFIG', async () => {
    const err = await createAdapter('vector', {
      url: `file://${tmp.file('bad.db')}`,
      vectorIndex: 'hnsw',
    }).catch((e: unknown) => e);
    expect(isOrchError(err, 'ORCH_INVALID_CONFIG')).toBe(true);
    expect((err as Error).message).toContain('diskann');
  });
});
