import { Errors, type Index, type PineconeRecord } from '@pinecone-database/pinecone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, raw, SERVERLESS, startHarness } from './helpers.js';

const { PineconeBadRequestError } = Errors;

let h: Harness;
let index: Index;

const RECORDS: Omit<PineconeRecord, 'values'>[] = [
  {
    id: 'm1',
    metadata: { genre: ['comedy', 'drama'], year: 2019, rating: 8.1, title: 'One', released: true },
  },
  { id: 'm2', metadata: { genre: ['documentary'], year: 2020, rating: 6.5, title: 'Two', released: false } },
  { id: 'm3', metadata: { genre: 'drama', year: 2021, title: 'Three' } },
  { id: 'm4', metadata: { genre: [], year: '2022', title: 'Four' } },
  { id: 'm5', metadata: { title: 'Five' } },
];

beforeAll(async () => {
  h = await startHarness();
  await h.pc.createIndex({ name: 'filters', dimension: 2, metric: 'cosine', spec: SERVERLESS });
  index = h.pc.index({ name: 'filters' });
  await index.upsert({ records: RECORDS.map((r, i) => ({ ...r, values: [1, i + 1] })) });
});
afterAll(async () => {
  await h.emulator.close();
});

async function ids(filter: object): Promise<string[]> {
  const { matches } = await index.query({ vector: [1, 1], topK: 100, filter });
  return matches.map((m) => m.id).sort();
}

describe('metadata filter semantics', () => {
  it('$eq and $in on a list-valued field match when any element matches', async () => {
    expect(await ids({ genre: { $eq: 'drama' } })).toEqual(['m1', 'm3']);
    expect(await ids({ genre: 'comedy' })).toEqual(['m1']);
    expect(await ids({ genre: { $in: ['documentary', 'comedy'] } })).toEqual(['m1', 'm2']);
  });

  it('$ne and $nin on a list-valued field match when no element matches (and where the field is missing)', async () => {
    expect(await ids({ genre: { $ne: 'drama' } })).toEqual(['m2', 'm4', 'm5']);
    expect(await ids({ genre: { $nin: ['drama', 'documentary'] } })).toEqual(['m4', 'm5']);
    expect(await ids({ $and: [{ genre: { $exists: true } }, { genre: { $ne: 'drama' } }] })).toEqual([
      'm2',
      'm4',
    ]);
  });

  it('range operators compare numbers only: a string-valued field never matches', async () => {
    expect(await ids({ year: { $gte: 2020 } })).toEqual(['m2', 'm3']);
    expect(await ids({ year: { $gt: 2019, $lt: 2021 } })).toEqual(['m2']);
    expect(await ids({ rating: { $lte: 6.5 } })).toEqual(['m2']);
    expect(await ids({ title: { $gt: 0 } })).toEqual([]);
  });

  it('equality is type-strict', async () => {
    expect(await ids({ year: 2022 })).toEqual([]);
    expect(await ids({ year: '2022' })).toEqual(['m4']);
    expect(await ids({ released: false })).toEqual(['m2']);
    expect(await ids({ year: { $in: [2019, '2022'] } })).toEqual(['m1', 'm4']);
  });

  it('top-level keys are ANDed; $and and $or nest', async () => {
    expect(await ids({ genre: 'drama', year: 2021 })).toEqual(['m3']);
    expect(await ids({ $or: [{ year: 2019 }, { title: 'Five' }] })).toEqual(['m1', 'm5']);
    expect(
      await ids({ $and: [{ $or: [{ genre: 'drama' }, { genre: 'documentary' }] }, { year: { $lt: 2021 } }] }),
    ).toEqual(['m1', 'm2']);
  });

  it('$exists true / false', async () => {
    expect(await ids({ rating: { $exists: true } })).toEqual(['m1', 'm2']);
    expect(await ids({ genre: { $exists: false } })).toEqual(['m5']);
  });

  it('the same semantics drive delete, update and fetch by metadata', async () => {
    await index.namespace('copy').upsert({ records: RECORDS.map((r, i) => ({ ...r, values: [1, i + 1] })) });
    const copy = index.namespace('copy');
    const fetched = await copy.fetchByMetadata({ filter: { genre: { $in: ['drama'] } } });
    expect(Object.keys(fetched.records).sort()).toEqual(['m1', 'm3']);
    await copy.update({ filter: { genre: 'documentary' }, metadata: { flagged: true } });
    expect((await copy.fetch({ ids: ['m2'] })).records.m2?.metadata).toMatchObject({ flagged: true });
    await copy.deleteMany({ filter: { genre: { $eq: 'drama' } } });
    const { namespaces } = await index.describeIndexStats();
    expect(namespaces?.copy?.recordCount).toBe(3);
    expect(Object.keys((await copy.fetch({ ids: ['m1', 'm2', 'm3'] })).records)).toEqual(['m2']);
  });
});

describe('invalid filters are rejected with 400, never ignored', () => {
  const cases: [string, object][] = [
    ['a range operator with a string operand', { year: { $gt: '2019' } }],
    ['an unknown operator', { genre: { $contains: 'drama' } }],
    ['$not', { genre: { $not: { $eq: 'drama' } } }],
    ['an operator at the top level', { $eq: 'drama' }],
    ['a list as a field condition', { genre: ['drama'] }],
    ['$in with booleans', { released: { $in: [true] } }],
    ['$in with a scalar', { genre: { $in: 'drama' } }],
    ['$exists with a string', { genre: { $exists: 'yes' } }],
    ['an empty $or', { $or: [] }],
    ['$and with a non-object', { $and: ['x'] }],
    ['$eq with an object', { genre: { $eq: { a: 1 } } }],
  ];
  for (const [label, filter] of cases) {
    it(label, async () => {
      const error = await index.query({ vector: [1, 1], topK: 1, filter }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PineconeBadRequestError);
      expect((error as Error).message).toMatch(/filter/i);
    });
  }

  it('more than 10,000 $in values', async () => {
    const values = Array.from({ length: 10_001 }, (_, i) => `v${i}`);
    const res = await raw(h.emulator.indexHost('filters'), '/query', {
      body: { vector: [1, 1], topK: 1, filter: { genre: { $in: values } } },
    });
    expect(res).toMatchObject({ status: 400, body: { code: 3 } });
  });

  it('an invalid filter in delete deletes nothing', async () => {
    await expect(index.deleteMany({ filter: { year: { $gt: 'x' } } })).rejects.toBeInstanceOf(
      PineconeBadRequestError,
    );
    expect((await index.describeIndexStats()).namespaces?.['']?.recordCount).toBe(5);
  });
});
