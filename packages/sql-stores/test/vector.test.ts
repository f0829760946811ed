import {
  type Filter,
  isOrchError,
  type Metadata,
  type MetadataValue,
  type VectorMetric,
  type VectorRecord,
} from '@orch/core';
import {
  distanceBetween,
  matchesFilter,
  normalizeFilter,
  type SqlStoreBase,
  scoreFromDistance,
} from '@orch/core/adapter-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { libsqlVectorFunctions, SqlVectorStore, sqliteVecFunctions } from '../src/index.js';
import { engines } from './helpers/engines.js';
import { int, pick, rng } from './helpers/random.js';

const METRICS: readonly VectorMetric[] = ['cosine', 'l2', 'ip'];

function randomVector(random: () => number, dimension: number): number[] {
  return Array.from({ length: dimension }, () => Math.round((random() * 2 - 1) * 1000) / 1000);
}

const STRINGS = ['open', 'done', 'blocked', '1', 'true', ''];
const NUMBERS = [0, 1, 2, 2.5, -3, 10, 1e6];

function randomValue(random: () => number): MetadataValue {
  switch (int(random, 0, 2)) {
    case 0:
      return pick(random, STRINGS);
    case 1:
      return pick(random, NUMBERS);
    default:
      return random() < 0.5;
  }
}

const FIELDS = ['status', 'n', 'flag', 'x-y', '_k'];

function randomMetadata(random: () => number): Metadata | undefined {
  if (random() < 0.1) return undefined;
  const meta: Record<string, MetadataValue> = {};
  for (const f of FIELDS) if (random() < 0.7) meta[f] = randomValue(random);
  return meta;
}

function randomLeaf(random: () => number): Filter {
  const field = pick(random, FIELDS);
  const value = randomValue(random);
  switch (int(random, 0, 8)) {
    case 0:
      return { [field]: value };
    case 1:
      return { [field]: { $ne: value } };
    case 2:
      return { [field]: { $gt: pick(random, NUMBERS) } };
    case 3:
      return { [field]: { $gte: pick(random, NUMBERS) } };
    case 4:
      return { [field]: { $lt: pick(random, NUMBERS) } };
    case 5:
      return { [field]: { $lte: pick(random, NUMBERS) } };
    case 6:
    case 7: {
      const kind = int(random, 0, 2);
      const pool: MetadataValue[] = kind === 0 ? STRINGS : kind === 1 ? NUMBERS : [true, false];
      const values = pool.filter(() => random() < 0.4);
      const set = values.length > 0 ? values : [pool[0]!];
      return { [field]: int(random, 0, 1) === 0 ? { $in: set } : { $nin: set } };
    }
    default:
      return { [field]: { $exists: random() < 0.5 } };
  }
}

function randomFilter(random: () => number, depth = 0): Filter {
  if (depth >= 2 || random() < 0.5) return randomLeaf(random);
  const children = Array.from({ length: int(random, 1, 3) }, () => randomFilter(random, depth + 1));
  return random() < 0.5 ? { $and: children } : { $or: children };
}

for (const engine of engines) {
  describe(`SqlVectorStore on ${engine.name}`, () => {
    let executor: SqlStoreBase;
    let store: SqlVectorStore;

    beforeEach(async () => {
      executor = engine.open();
      store = new SqlVectorStore({ executor, scheme: engine.scheme, functions: engine.functions });
      await store.connect();
    });

    afterEach(async () => {
      await store.close();
      await executor.close();
    });

    it('creates collections idempotently and checks dimension and metric', async () => {
      expect(await store.ensureCollection('tasks', { dimension: 3 })).toEqual({
        name: 'tasks',
        dimension: 3,
        metric: 'cosine',
      });
      expect(await store.ensureCollection('tasks', { dimension: 3, metric: 'cosine' })).toEqual({
        name: 'tasks',
        dimension: 3,
        metric: 'cosine',
      });
      await expect(store.ensureCollection('tasks', { dimension: 4 })).rejects.toMatchObject({
        code: 'ORCH_DIMENSION_MISMATCH',
      });
      await expect(store.ensureCollection('tasks', { dimension: 3, metric: 'l2' })).rejects.toMatchObject({
        code: 'ORCH_CONFLICT',
      });
      // Names are case-sensitive even though SQLite table names are not.
      await store.ensureCollection('Tasks', { dimension: 2, metric: 'ip' });
      expect((await store.listCollections()).map((c) => c.name)).toEqual(['Tasks', 'tasks']);
      expect(await store.describeCollection('Tasks')).toEqual({ name: 'Tasks', dimension: 2, metric: 'ip' });
      expect(await store.dropCollection('tasks')).toBe(true);
      expect(await store.dropCollection('tasks')).toBe(false);
      expect(await store.describeCollection('tasks')).toBeNull();
      await expect(store.count('tasks')).rejects.toMatchObject({ code: 'ORCH_NOT_FOUND', kind: 'vector' });
      expect(await store.count('Tasks')).toBe(0);
    });

    it('upserts, replaces and reads records', async () => {
      await store.ensureCollection('docs', { dimension: 2, metric: 'l2' });
      await store.upsert('docs', [
        { id: 'a', vector: [1, 0], metadata: { status: 'open', n: 1 }, document: 'first' },
        { id: 'b', vector: new Float32Array([0.5, 0.25]) },
      ]);
      expect(await store.get('docs', ['b', 'zz', 'a'])).toEqual([
        { id: 'b', vector: [0.5, 0.25], metadata: {} },
        { id: 'a', vector: [1, 0], metadata: { status: 'open', n: 1 }, document: 'first' },
      ]);
      // A replaced record keeps nothing of the old one.
      await store.upsert('docs', [{ id: 'a', vector: [0, 1] }]);
      expect(await store.get('docs', ['a'])).toEqual([{ id: 'a', vector: [0, 1], metadata: {} }]);
      expect(await store.get('docs', ['a'], { vectors: false, metadata: false, documents: false })).toEqual([
        { id: 'a' },
      ]);
      expect(await store.count('docs')).toBe(2);
      await store.delete('docs', { ids: ['a', 'nope'] });
      expect(await store.count('docs')).toBe(1);
    });

    it('chunks large upserts and finds every record', async () => {
      const random = rng(7);
      await store.ensureCollection('big', { dimension: 16 });
      const records = Array.from({ length: 1234 }, (_, i) => ({
        id: `r${i}`,
        vector: randomVector(random, 16),
        metadata: { i },
      }));
      await store.upsert('big', records);
      expect(await store.count('big')).toBe(1234);
      expect(await store.count('big', { i: { $gte: 1000 } })).toBe(234);
      const [hit] = await store.query('big', { vector: records[777]!.vector, topK: 1 });
      expect(hit?.id).toBe('r777');
      expect(hit?.distance).toBeCloseTo(0, 5);
    });

    it('an upsert of up to 10,000 records is one transaction: an engine failure on its last record leaves none of it', async () => {
      expect(store.capabilities.maxBatchSize).toBe(10_000);
      await store.ensureCollection('whole', { dimension: 4 });
      const [table] = await executor.query<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB '*_c[0-9]*' AND name NOT GLOB '*_changes'",
      );
      // The engine itself refuses the last record (the base class could not have seen it coming).
      await executor.execute(
        `CREATE TRIGGER refuse_last BEFORE INSERT ON ${table!.name} WHEN NEW.id = 'r9999' BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END`,
      );
      const records = Array.from({ length: 10_000 }, (_, i) => ({
        id: `r${i}`,
        vector: [1, i % 7, (i % 5) - 2, 0.5],
      }));
      const err = await store.upsert('whole', records).catch((e: unknown) => e);
      expect(isOrchError(err), String(err)).toBe(true);
      expect((err as Error).message).toMatch(/refused by a trigger/);
      expect(await store.count('whole')).toBe(0);
      await executor.execute('DROP TRIGGER refuse_last');
      await store.upsert('whole', records);
      expect(await store.count('whole')).toBe(10_000);
    });

    for (const metric of METRICS) {
      it(`ranks exactly like the reference for ${metric}`, async () => {
        const random = rng(metric.length * 101);
        const dimension = 8;
        await store.ensureCollection('knn', { dimension, metric });
        const records: VectorRecord[] = Array.from({ length: 300 }, (_, i) => ({
          id: `v${String(i).padStart(3, '0')}`,
          vector: randomVector(random, dimension),
          metadata: randomMetadata(random),
        }));
        // ip and l2 accept the zero vector (cosine rejects it); its dot product is 0.
        if (metric !== 'cosine') records.push({ id: 'zero', vector: new Array(dimension).fill(0) });
        await store.upsert('knn', records);
        const rounded = new Map(records.map((r) => [r.id, Array.from(r.vector, Math.fround)]));
        const queries = [
          randomVector(random, dimension),
          randomVector(random, dimension),
          records[5]!.vector as number[],
        ];
        if (metric !== 'cosine') queries.push(new Array(dimension).fill(0));
        for (const q of queries) {
          const qf = q.map(Math.fround);
          const expected = records
            .map((r) => ({ id: r.id, distance: distanceBetween(metric, qf, rounded.get(r.id)!) }))
            .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1));
          const got = await store.query('knn', { vector: q, topK: 25 });
          expect(got).toHaveLength(25);
          for (let i = 0; i < got.length; i++) {
            const match = got[i]!;
            // Same rank up to float32 rounding: the distance at each position agrees, and the
            // record's own distance agrees with its reference distance.
            expect(match.distance).toBeCloseTo(expected[i]!.distance, 4);
            expect(match.distance).toBeCloseTo(distanceBetween(metric, qf, rounded.get(match.id)!), 4);
            expect(match.score).toBeCloseTo(scoreFromDistance(metric, match.distance), 10);
            if (i > 0) expect(match.distance).toBeGreaterThanOrEqual(got[i - 1]!.distance);
          }
        }
      });
    }

    it('reports distances as core defines them', async () => {
      for (const metric of METRICS) {
        await store.ensureCollection(`m-${metric}`, { dimension: 2, metric });
        await store.upsert(`m-${metric}`, [{ id: 'p', vector: [3, 4] }]);
        const [hit] = await store.query(`m-${metric}`, { vector: [1, 0], topK: 1 });
        const expected = { cosine: 1 - 3 / 5, l2: Math.hypot(2, 4), ip: 1 - 3 }[metric];
        expect(hit!.distance).toBeCloseTo(expected, 5);
      }
    });

    it('evaluates every filter operator like matchesFilter', async () => {
      const random = rng(42);
      await store.ensureCollection('filters', { dimension: 2, metric: 'l2' });
      const records = Array.from({ length: 200 }, (_, i) => ({
        id: `f${String(i).padStart(3, '0')}`,
        vector: randomVector(random, 2),
        metadata: randomMetadata(random),
      }));
      await store.upsert('filters', records);
      const fixed: Filter[] = [
        { status: 'open' },
        { status: '1' },
        { n: 1 },
        { n: 2.5 },
        { flag: true },
        { flag: false },
        { flag: { $ne: true } },
        { n: { $ne: 1 } },
        { status: { $ne: 'open' } },
        { n: { $gt: 1 } },
        { n: { $gte: 1 } },
        { n: { $lt: 1 } },
        { n: { $lte: 0 } },
        { status: { $gt: 0 } },
        { status: { $in: ['open', 'done'] } },
        { n: { $in: [1, 2.5, 1e6] } },
        { flag: { $in: [true] } },
        { flag: { $nin: [false] } },
        { status: { $nin: ['open', ''] } },
        { 'x-y': { $exists: true } },
        { _k: { $exists: false } },
        { $or: [{ status: { $exists: false } }, { status: { $ne: 'open' } }] },
        { $and: [{ n: { $gt: -5 } }, { n: { $lt: 5 } }], flag: true },
        { status: 'open', n: { $gte: 0, $lt: 100 } },
      ];
      const random2 = rng(4242);
      const filters = [...fixed, ...Array.from({ length: 150 }, () => randomFilter(random2))];
      for (const filter of filters) {
        const node = normalizeFilter(filter);
        const expected = records
          .filter((r) => matchesFilter(node, r.metadata))
          .map((r) => r.id)
          .sort();
        const context = JSON.stringify(filter);
        expect(await store.count('filters', filter), context).toBe(expected.length);
        const hits = await store.query('filters', {
          vector: [0, 0],
          topK: 200,
          filter,
          include: { metadata: false, documents: false },
        });
        expect(hits.map((h) => h.id).sort(), context).toEqual(expected);
        // A filtered query always fills topK when enough records match.
        const top = await store.query('filters', { vector: [0.3, -0.2], topK: 5, filter });
        expect(top.length, context).toBe(Math.min(5, expected.length));
      }
      // Delete by filter removes exactly the matches.
      const filter: Filter = { $or: [{ flag: true }, { n: { $gte: 2 } }] };
      const keep = records
        .filter((r) => !matchesFilter(normalizeFilter(filter), r.metadata))
        .map((r) => r.id)
        .sort();
      await store.delete('filters', { filter });
      const left = await store.query('filters', { vector: [0, 0], topK: 200 });
      expect(left.map((h) => h.id).sort()).toEqual(keep);
    });

    it('binds filter values instead of pasting them into SQL', async () => {
      await store.ensureCollection('inject', { dimension: 2 });
      await store.upsert('inject', [
        { id: 'a', vector: [1, 0], metadata: { status: "x' OR 1=1 --" } },
        { id: 'b', vector: [0, 1], metadata: { status: 'y' } },
      ]);
      expect(await store.count('inject', { status: "x' OR 1=1 --" })).toBe(1);
      expect(await store.count('inject', { status: { $in: ['"]', "') OR ('1'='1"] } })).toBe(0);
    });

    it('finds a collection re-created through another handle', async () => {
      const other = new SqlVectorStore({ executor, scheme: engine.scheme, functions: engine.functions });
      await store.ensureCollection('shared', { dimension: 2 });
      await store.upsert('shared', [{ id: 'a', vector: [1, 0] }]);
      await other.dropCollection('shared');
      await other.ensureCollection('shared', { dimension: 2 });
      await other.upsert('shared', [{ id: 'b', vector: [0, 1] }]);
      expect((await store.query('shared', { vector: [1, 0], topK: 5 })).map((h) => h.id)).toEqual(['b']);
      await other.dropCollection('shared');
      await expect(store.count('shared')).rejects.toMatchObject({ code: 'ORCH_NOT_FOUND' });
      await other.close();
    });

    it('keeps an injected executor open and reports health', async () => {
      const health = await store.health();
      expect(health.status).toBe('healthy');
      expect(health.details).toMatchObject({ engine: engine.functions.name });
      await store.close();
      await expect(executor.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    });
  });
}

describe('vector function strategies', () => {
  it('fail on connect with a clear message when the engine lacks them', async () => {
    const libsql = engines.find((e) => e.scheme === 'libsql')!.open();
    const store = new SqlVectorStore({ executor: libsql, scheme: 'libsql', functions: sqliteVecFunctions });
    const err = await store.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOrchError(err, 'ORCH_INVALID_CONFIG')).toBe(true);
    expect((err as Error).message).toContain('sqlite-vec');
    await libsql.close();
  });

  it('declare typed columns on libsql only', () => {
    expect(libsqlVectorFunctions.columnType(384)).toBe('F32_BLOB(384)');
    expect(sqliteVecFunctions.columnType(384)).toBe('BLOB');
  });
});
