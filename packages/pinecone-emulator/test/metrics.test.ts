import type { Index } from '@pinecone-database/pinecone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, SERVERLESS, startHarness } from './helpers.js';

let h: Harness;

const QUERY = [1, 2, 3];
const RECORDS = [
  { id: 'v1', values: [4, 5, 6] },
  { id: 'v2', values: [-1, 0, 1] },
  { id: 'v3', values: [0.5, 0.5, 0.5] },
];

async function indexWith(metric: 'cosine' | 'dotproduct' | 'euclidean'): Promise<Index> {
  await h.pc.createIndex({ name: `metric-${metric}`, dimension: 3, metric, spec: SERVERLESS });
  const index = h.pc.index({ name: `metric-${metric}` });
  await index.upsert({ records: RECORDS });
  return index;
}

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emulator.close();
});

describe('scores as Pinecone reports them, against hand-computed values', () => {
  it('cosine: similarity, highest first', async () => {
    const index = await indexWith('cosine');
    const { matches } = await index.query({ vector: QUERY, topK: 3 });
    // v1: 32 / (sqrt(14) * sqrt(77)); v3: 3 / (sqrt(14) * sqrt(0.75)); v2: 2 / (sqrt(14) * sqrt(2))
    expect(matches.map((m) => m.id)).toEqual(['v1', 'v3', 'v2']);
    expect(matches[0]!.score).toBeCloseTo(0.9746318, 6);
    expect(matches[1]!.score).toBeCloseTo(0.9258201, 6);
    expect(matches[2]!.score).toBeCloseTo(0.3779645, 6);
  });

  it('dotproduct: inner product, highest first', async () => {
    const index = await indexWith('dotproduct');
    const { matches } = await index.query({ vector: QUERY, topK: 3 });
    expect(matches.map((m) => [m.id, m.score])).toEqual([
      ['v1', 32],
      ['v3', 3],
      ['v2', 2],
    ]);
  });

  it('euclidean: squared euclidean distance, lowest first', async () => {
    const index = await indexWith('euclidean');
    const { matches } = await index.query({ vector: QUERY, topK: 3 });
    // v3: 0.25 + 2.25 + 6.25; v2: 4 + 4 + 4; v1: 9 + 9 + 9
    expect(matches.map((m) => [m.id, m.score])).toEqual([
      ['v3', 8.75],
      ['v2', 12],
      ['v1', 27],
    ]);
    const exact = await index.query({ vector: [4, 5, 6], topK: 1 });
    expect(exact.matches[0]).toMatchObject({ id: 'v1', score: 0 });
  });

  it('topK truncates; query by id uses the stored vector', async () => {
    const index = h.pc.index({ name: 'metric-dotproduct' });
    const top1 = await index.query({ vector: QUERY, topK: 1 });
    expect(top1.matches.map((m) => m.id)).toEqual(['v1']);
    const byId = await index.query({ id: 'v2', topK: 3 });
    // v2 . v1 = 2, v2 . v2 = 2, v2 . v3 = 0: the tie is broken by id
    expect(byId.matches.map((m) => [m.id, m.score])).toEqual([
      ['v1', 2],
      ['v2', 2],
      ['v3', 0],
    ]);
    expect((await index.query({ id: 'missing', topK: 3 })).matches).toEqual([]);
  });

  it('breaks ties deterministically by id, whatever the upsert order', async () => {
    await h.pc.createIndex({ name: 'ties', dimension: 2, metric: 'cosine', spec: SERVERLESS });
    const index = h.pc.index({ name: 'ties' });
    await index.upsert({ records: ['d', 'b', 'a', 'c'].map((id) => ({ id, values: [1, 1] })) });
    const { matches } = await index.query({ vector: [1, 1], topK: 3 });
    expect(matches.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });
});
