// The scan-worker path of exact search against the SQL path, on the same file: same ids, the same
// distances (bit for bit: the engine ranks the scan's candidates), the same tie order, for every
// metric, with filters, after writes by this store and by another connection, after drop and
// re-create, with zero vectors. Real engines, real worker threads, no mocks.
import type { Filter, VectorMetric, VectorQuery, VectorRecord } from '@orch/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlVectorStore } from '../src/index.js';
import { embeddedSettings, type SqliteFamilyStore } from '../src/sqlite-family/index.js';
import { changesTable } from '../src/vector/scan/tracking.js';
import { driverModule, engines } from './helpers/engines.js';
import { int, pick, rng } from './helpers/random.js';
import { tempDir } from './helpers/temp.js';

const METRICS: readonly VectorMetric[] = ['cosine', 'l2', 'ip'];
const DIM = 24;
const STATUSES = ['open', 'done', 'blocked', 'review'];

function vector(random: () => number): number[] {
  return Array.from({ length: DIM }, () => random() * 2 - 1);
}

function records(random: () => number, from: number, count: number): VectorRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `r${from + i}`,
    vector: vector(random),
    metadata: { status: pick(random, STATUSES), n: int(random, 0, 20) },
    document: `doc ${from + i}`,
  }));
}

const FILTERS: readonly (Filter | undefined)[] = [
  undefined,
  { status: 'open' },
  { n: { $gte: 10 } },
  { $or: [{ status: 'done' }, { n: { $lt: 3 } }] },
  { status: { $in: ['blocked', 'review'] } },
  { status: 'nobody' },
];

for (const engine of engines) {
  describe(`exact search through the scan worker: ${engine.name}`, () => {
    let temp: ReturnType<typeof tempDir>;
    let file: string;
    let fast: SqlVectorStore;
    let sql: SqlVectorStore;
    let other: SqliteFamilyStore;

    const scanned = async () => (await fast.health()).details.scannedQueries as number;

    /** Both paths answer every query the same (fast must really have scanned). */
    async function same(collection: string, random: () => number, queries = 12): Promise<void> {
      const before = await scanned();
      for (let q = 0; q < queries; q++) {
        const query: VectorQuery = {
          vector: vector(random),
          topK: pick(random, [1, 5, 10, 40]),
          include: { vectors: true, metadata: true, documents: true },
          ...(FILTERS[q % FILTERS.length] ? { filter: FILTERS[q % FILTERS.length]! } : {}),
        };
        const expected = await sql.query(collection, query);
        const actual = await fast.query(collection, query);
        expect(actual).toEqual(expected);
      }
      expect(await scanned()).toBe(before + queries);
    }

    /** Query with the vectors of just-written records: a stale cache misses them. */
    async function probe(collection: string, written: readonly VectorRecord[]): Promise<void> {
      for (const r of written.slice(-3)) {
        const query = { vector: r.vector as number[], topK: 3 };
        const expected = await sql.query(collection, query);
        expect(await fast.query(collection, query)).toEqual(expected);
      }
    }

    beforeEach(async () => {
      temp = tempDir();
      file = temp.file('vectors.db');
      const settings = embeddedSettings(file, {}).connection;
      fast = new SqlVectorStore({
        executor: engine.open(file),
        scheme: engine.scheme,
        functions: engine.functions,
        ownsExecutor: true,
        exactScan: { driverModule: driverModule(engine.driver), settings },
      });
      // The SQL path, on a connection of its own: its writes are another connection's.
      other = engine.open(file);
      sql = new SqlVectorStore({ executor: other, scheme: engine.scheme, functions: engine.functions });
      await fast.connect();
      await sql.connect();
    });

    afterEach(async () => {
      await fast.close();
      await sql.close();
      await other.close();
      temp.cleanup();
    });

    it('uses the scan worker', async () => {
      expect((await fast.health()).details.exactSearch).toBe('scan worker');
      expect((await sql.health()).details.exactSearch).toBe('sql');
    });

    for (const metric of METRICS) {
      it(`${metric}: equals the SQL path on random data, filtered and unfiltered`, async () => {
        const random = rng(metric.length * 7 + engine.name.length);
        await fast.ensureCollection('items', { dimension: DIM, metric });
        await fast.upsert('items', records(random, 0, 700));
        await same('items', random, 24);
      });

      it(`${metric}: stays coherent with this store's and another connection's writes`, async () => {
        const random = rng(metric.length * 13 + engine.name.length);
        await fast.ensureCollection('items', { dimension: DIM, metric });
        await fast.upsert('items', records(random, 0, 400));
        await same('items', random, 6);
        // This store: replace vectors, delete by id and by filter, add rows.
        const replaced = records(random, 100, 50);
        await fast.upsert('items', replaced);
        await probe('items', replaced);
        await fast.delete('items', { ids: ['r0', 'r399', 'r200'] });
        await fast.delete('items', { filter: { n: 7 } });
        const added = records(random, 400, 30);
        await fast.upsert('items', added);
        await probe('items', added);
        await same('items', random, 6);
        // Another connection: the same kinds of writes, plus a raw UPDATE and DELETE.
        const theirs = records(random, 150, 40);
        await sql.upsert('items', theirs);
        await probe('items', theirs);
        await sql.delete('items', { ids: ['r429', 'r5'] });
        const theirsAdded = records(random, 430, 25);
        await sql.upsert('items', theirsAdded);
        await probe('items', theirsAdded);
        await same('items', random, 6);
        const [row] = await other.query<{ id: number }>(
          "SELECT id FROM orch_vec_collections WHERE name = 'items'",
        );
        await other.execute(`UPDATE orch_vec_c${row!.id} SET vector = vector WHERE id = ?`, ['r10']);
        await other.execute(`DELETE FROM orch_vec_c${row!.id} WHERE id IN ('r11', 'r454')`);
        await same('items', random, 6);
        // Deleting the highest rowids, then inserting: new rows may re-use those rowids.
        await sql.delete('items', { ids: ['r450', 'r451', 'r452', 'r453'] });
        const reused = records(random, 900, 6);
        await sql.upsert('items', reused);
        await probe('items', reused);
        await same('items', random, 6);
        expect(await fast.count('items')).toBe(await sql.count('items'));
      });
    }

    it('reloads in full when the change entries it needed were pruned', async () => {
      const random = rng(5);
      await fast.ensureCollection('items', { dimension: DIM, metric: 'cosine' });
      await fast.upsert('items', records(random, 0, 300));
      await same('items', random, 3);
      await sql.upsert('items', records(random, 0, 120));
      const [row] = await other.query<{ id: number }>(
        "SELECT id FROM orch_vec_collections WHERE name = 'items'",
      );
      const changes = changesTable(`orch_vec_c${row!.id}`);
      // Keep only the newest entry: the cache has not seen the others.
      await other.execute(`DELETE FROM ${changes} WHERE seq < (SELECT max(seq) FROM ${changes})`);
      await same('items', random, 6);
      await other.execute(`DELETE FROM ${changes}`);
      await sql.upsert('items', records(random, 50, 20));
      await same('items', random, 6);
    });

    it('follows a drop and re-create by another connection', async () => {
      const random = rng(9);
      await fast.ensureCollection('items', { dimension: DIM, metric: 'l2' });
      await fast.upsert('items', records(random, 0, 200));
      await same('items', random, 3);
      expect(await sql.dropCollection('items')).toBe(true);
      await sql.ensureCollection('items', { dimension: DIM, metric: 'l2' });
      await sql.upsert('items', records(random, 1000, 150));
      await same('items', random, 6);
      expect((await fast.query('items', { vector: vector(random), topK: 500 })).length).toBe(150);
      await fast.dropCollection('items');
      await expect(fast.query('items', { vector: vector(random), topK: 3 })).rejects.toMatchObject({
        code: 'ORCH_NOT_FOUND',
      });
    });

    it('hands a query it cannot scan to the SQL path and says why in health()', async () => {
      const random = rng(19);
      await fast.ensureCollection('items', { dimension: DIM, metric: 'l2' });
      await fast.upsert('items', records(random, 0, 50));
      await same('items', random, 2);
      const [row] = await other.query<{ id: number }>(
        "SELECT id FROM orch_vec_collections WHERE name = 'items'",
      );
      // A row written behind orch's back with a vector of the wrong length.
      await other.execute(`INSERT INTO orch_vec_c${row!.id} (id, vector, norm) VALUES ('bad', ?, 1)`, [
        new Uint8Array(new Float32Array([1, 2]).buffer),
      ]);
      const outcome = await fast.query('items', { vector: vector(random), topK: 3 }).then(
        (hits) => ({ hits }),
        (err: { code: string }) => ({ code: err.code }),
      );
      const expected = await sql.query('items', { vector: vector(random), topK: 3 }).then(
        (hits) => ({ hits: hits.length }),
        (err: { code: string }) => ({ code: err.code }),
      );
      expect('code' in outcome ? outcome : { hits: outcome.hits.length }).toEqual(expected);
      expect((await fast.health()).details.lastScanError).toMatch(/dimensions/);
    });

    it('ranks ties (identical vectors) by id, as the SQL path does', async () => {
      const random = rng(11);
      const base = vector(random);
      for (const metric of METRICS) {
        const name = `ties-${metric}`;
        await fast.ensureCollection(name, { dimension: DIM, metric });
        await fast.upsert(name, [
          ...records(random, 0, 100),
          ...Array.from({ length: 60 }, (_, i) => ({ id: `t${(i * 37) % 60}`, vector: base })),
        ]);
        for (const topK of [5, 30, 70]) {
          const query = { vector: base, topK };
          expect(await fast.query(name, query)).toEqual(await sql.query(name, query));
        }
      }
    });

    it('treats zero vectors as the SQL path does', async () => {
      const random = rng(13);
      const zero = Array.from({ length: DIM }, () => 0);
      // Components that underflow to zero in float32: stored, this is the zero vector.
      const underflow = Array.from({ length: DIM }, () => 1e-46);
      for (const metric of METRICS) {
        const name = `zero-${metric}`;
        await fast.ensureCollection(name, { dimension: DIM, metric });
        if (metric === 'cosine') {
          // No direction under cosine: refused before anything is written, like an exact zero.
          for (const v of [zero, underflow]) {
            await expect(fast.upsert(name, [{ id: 'z', vector: v }])).rejects.toMatchObject({
              code: 'ORCH_INVALID_INPUT',
            });
            await expect(fast.query(name, { vector: v, topK: 1 })).rejects.toMatchObject({
              code: 'ORCH_INVALID_INPUT',
            });
          }
          expect(await fast.count(name)).toBe(0);
          continue;
        }
        await fast.upsert(name, [
          ...records(random, 0, 50),
          { id: 'z1', vector: zero },
          { id: 'z2', vector: underflow },
        ]);
        for (const v of [vector(random), underflow, zero]) {
          const query = { vector: v, topK: 52 };
          const expected = await sql.query(name, query);
          expect(expected).toHaveLength(52);
          expect(await fast.query(name, query)).toEqual(expected);
          expect(expected.every((m) => Number.isFinite(m.distance))).toBe(true);
        }
      }
    });
  });
}

/** Clustered data (what embeddings look like): 40 centres, records scattered around them. */
function clustered(random: () => number, count: number, dim: number, from = 0): VectorRecord[] {
  const centres = Array.from({ length: 40 }, (_, c) => {
    const r = rng(1000 + c);
    return Array.from({ length: dim }, () => r() * 2 - 1);
  });
  return Array.from({ length: count }, (_, i) => ({
    id: `c${from + i}`,
    vector: centres[(from + i) % 40]!.map((x) => x + 0.3 * (random() * 2 - 1)),
    metadata: { status: pick(random, STATUSES) },
  }));
}

for (const metric of METRICS) {
  describe(`opt-in HNSW (better-sqlite3, ${metric})`, () => {
    const engine = engines[0]!;
    let temp: ReturnType<typeof tempDir>;
    let approx: SqlVectorStore;
    let exact: SqlVectorStore;
    let other: SqliteFamilyStore;
    const dim = 32;

    beforeEach(async () => {
      temp = tempDir();
      const file = temp.file('hnsw.db');
      approx = new SqlVectorStore({
        executor: engine.open(file),
        scheme: engine.scheme,
        functions: engine.functions,
        ownsExecutor: true,
        exactScan: {
          driverModule: driverModule(engine.driver),
          settings: embeddedSettings(file, {}).connection,
          hnsw: { minRecords: 1000 },
        },
      });
      other = engine.open(file);
      exact = new SqlVectorStore({ executor: other, scheme: engine.scheme, functions: engine.functions });
    });

    afterEach(async () => {
      await approx.close();
      await exact.close();
      await other.close();
      temp.cleanup();
    });

    it('finds at least 95% of the exact top 10, with exact distances, and follows writes', async () => {
      const random = rng(21 + metric.length);
      await approx.ensureCollection('items', { dimension: dim, metric });
      // Below the threshold: exact.
      await approx.upsert('items', clustered(random, 600, dim));
      const small = { vector: clustered(random, 1, dim, 7)[0]!.vector as number[], topK: 10 };
      expect(await approx.query('items', small)).toEqual(await exact.query('items', small));

      await approx.upsert('items', clustered(random, 3000, dim, 600));
      let found = 0;
      const queries = clustered(random, 30, dim, 5000);
      for (const q of queries) {
        const query = { vector: q.vector as number[], topK: 10 };
        const truth = await exact.query('items', query);
        const got = await approx.query('items', query);
        expect(got).toHaveLength(10);
        const byId = new Map(truth.map((m) => [m.id, m]));
        for (const m of got) {
          const t = byId.get(m.id);
          if (t) {
            found++;
            expect(m.distance).toBe(t.distance);
          }
        }
        for (let i = 1; i < got.length; i++)
          expect(got[i]!.distance).toBeGreaterThanOrEqual(got[i - 1]!.distance);
      }
      expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);

      // Filtered queries stay exact.
      const filtered = { vector: queries[0]!.vector as number[], topK: 10, filter: { status: 'open' } };
      expect(await approx.query('items', filtered)).toEqual(await exact.query('items', filtered));

      // Writes by another connection reach the graph: a new record is found, a deleted one is not.
      const probe = queries[1]!.vector as number[];
      // For ip the nearest is the longest in the probe's direction, not the probe itself.
      const own = probe.map((x) => (metric === 'ip' ? 10 * x : x));
      await exact.upsert('items', [{ id: 'fresh', vector: own }]);
      expect((await approx.query('items', { vector: probe, topK: 3 }))[0]!.id).toBe('fresh');
      await exact.delete('items', { ids: ['fresh'] });
      expect((await approx.query('items', { vector: probe, topK: 10 })).map((m) => m.id)).not.toContain(
        'fresh',
      );
      await exact.upsert('items', [{ id: 'c601', vector: own }]);
      expect((await approx.query('items', { vector: probe, topK: 3 }))[0]!.id).toBe('c601');
      expect((await approx.health()).details.approximateIndex).toMatch(/^hnsw/);
    });
  });
}
