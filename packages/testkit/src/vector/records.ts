import assert from 'node:assert/strict';
import { expectOrchError } from '../helpers/errors.js';
import { eventually, quiesce } from '../helpers/eventually.js';
import { assertVectorClose, newCollection, sortedIds, type VectorContext, vectorEnv } from './context.js';

/** upsert, get, delete and count on single records. */
export function registerRecordTests(ctx: VectorContext): void {
  ctx.describe('records', () => {
    ctx.test('upsert then get returns vector, metadata and document, in the order asked', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 3);
      await store.upsert(name, [
        { id: 'a', vector: [1, 2, 3], metadata: { kind: 'x', n: 1 }, document: 'doc a' },
        { id: 'b', vector: [-1, 0.5, 0.25], metadata: { kind: 'y', flag: false }, document: 'doc b' },
        { id: 'c', vector: [0, 0, 1] },
      ]);
      const got = await eventually(env.consistency, async () => {
        const records = await store.get(name, ['c', 'missing', 'a', 'b']);
        assert.deepEqual(
          records.map((r) => r.id),
          ['c', 'a', 'b'],
          'order asked, missing ids left out',
        );
        return records;
      });
      const [c, a, b] = got;
      assertVectorClose(a!.vector, [1, 2, 3], 'a.vector');
      assertVectorClose(b!.vector, [-1, 0.5, 0.25], 'b.vector');
      assertVectorClose(c!.vector, [0, 0, 1], 'c.vector');
      assert.deepEqual(a!.metadata, { kind: 'x', n: 1 });
      assert.deepEqual(b!.metadata, { kind: 'y', flag: false });
      assert.equal(
        Object.keys(c!.metadata ?? {}).length,
        0,
        'a record stored without metadata reads back with none',
      );
      if (env.documents) {
        assert.equal(a!.document, 'doc a');
        assert.equal(b!.document, 'doc b');
        assert.equal(c!.document, undefined, 'a record stored without a document reads back with none');
      }
      assert.deepEqual(await store.get(name, []), []);
      assert.deepEqual(await store.get(name, ['nope']), []);
      assert.equal(await store.count(name), 3);
    });

    ctx.test('upsert replaces the whole record: old metadata keys and document are gone', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 3);
      await store.upsert(name, [
        { id: 'r', vector: [1, 0, 0], metadata: { old: 'yes', n: 1, keep: 'v1' }, document: 'first' },
      ]);
      await eventually(env.consistency, async () => assert.equal(await store.count(name, { old: 'yes' }), 1));
      await store.upsert(name, [{ id: 'r', vector: [0, 1, 0], metadata: { keep: 'v2', fresh: true } }]);
      const [r] = await eventually(env.consistency, async () => {
        const records = await store.get(name, ['r']);
        assert.deepEqual(
          records[0]?.metadata,
          { keep: 'v2', fresh: true },
          'metadata is exactly the new one',
        );
        return records;
      });
      assertVectorClose(r!.vector, [0, 1, 0], 'the vector is the new one');
      assert.equal(r!.document, undefined, 'the old document is gone');
      await eventually(env.consistency, async () => {
        assert.equal(await store.count(name), 1);
        assert.equal(await store.count(name, { old: 'yes' }), 0, 'filters no longer see the old metadata');
        assert.equal(await store.count(name, { keep: 'v1' }), 0);
        const [hit] = await store.query(name, { vector: [0, 1, 0], topK: 1 });
        assert.equal(hit?.id, 'r');
        assert.ok(hit!.distance < 1e-4, 'queries rank by the new vector');
      });
    });

    ctx.test('upserting the same records twice is idempotent', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 2);
      const records = Array.from({ length: 10 }, (_, i) => ({
        id: `id${i}`,
        vector: [1, i + 1],
        metadata: { i },
      }));
      await store.upsert(name, records);
      await store.upsert(name, records);
      await eventually(env.consistency, async () => assert.equal(await store.count(name), 10));
      await quiesce(env.consistency);
      assert.equal(await store.count(name), 10);
      const got = await store.get(name, ['id3']);
      assert.deepEqual(got[0]?.metadata, { i: 3 });
    });

    ctx.test('duplicate ids in one upsert are ORCH_INVALID_INPUT and nothing is written', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 2);
      await expectOrchError(
        () =>
          store.upsert(name, [
            { id: 'x', vector: [1, 0] },
            { id: 'y', vector: [0, 1] },
            { id: 'x', vector: [1, 1] },
          ]),
        'ORCH_INVALID_INPUT',
        'upsert with a duplicate id',
        'vector',
      );
      await quiesce(env.consistency);
      assert.equal(await store.count(name), 0);
      assert.deepEqual(await store.get(name, ['x', 'y']), []);
    });

    ctx.test('delete by ids removes those records only; unknown ids are ignored', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 2);
      await store.upsert(
        name,
        Array.from({ length: 6 }, (_, i) => ({ id: `d${i}`, vector: [1, i + 1], metadata: { i } })),
      );
      await eventually(env.consistency, async () => assert.equal(await store.count(name), 6));
      await store.delete(name, { ids: ['d1', 'd4', 'never-existed'] });
      await eventually(env.consistency, async () => {
        assert.equal(await store.count(name), 4);
        const left = await store.get(name, ['d0', 'd1', 'd2', 'd3', 'd4', 'd5'], { vectors: false });
        assert.deepEqual(
          left.map((r) => r.id),
          ['d0', 'd2', 'd3', 'd5'],
        );
      });
      await eventually(env.consistency, async () => {
        const hits = await store.query(name, { vector: [1, 2], topK: 10 });
        assert.deepEqual(
          sortedIds(hits.map((h) => h.id)),
          ['d0', 'd2', 'd3', 'd5'],
          'deleted records are gone from queries too',
        );
      });
      await store.delete(name, { ids: [] });
      assert.equal(await store.count(name), 4, 'deleting no ids deletes nothing');
    });

    ctx.test('count with and without a filter', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 2);
      assert.equal(await store.count(name), 0, 'a new collection is empty');
      await store.upsert(
        name,
        Array.from({ length: 9 }, (_, i) => ({
          id: `c${i}`,
          vector: [1, i],
          metadata: { tri: i % 3, even: i % 2 === 0 },
        })),
      );
      await eventually(env.consistency, async () => {
        assert.equal(await store.count(name), 9);
        assert.equal(await store.count(name, { tri: 0 }), 3);
        assert.equal(await store.count(name, { even: true }), 5);
        assert.equal(await store.count(name, { tri: { $gte: 1 }, even: false }), 3);
        assert.equal(await store.count(name, {}), 9, 'an empty filter counts everything');
      });
    });

    ctx.test('include flags decide which fields come back', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 3);
      await store.upsert(name, [
        { id: 'i', vector: [0.5, 0.25, 1], metadata: { m: 'meta' }, document: 'the doc' },
      ]);
      const [byDefault] = await eventually(env.consistency, async () => {
        const hits = await store.query(name, { vector: [0.5, 0.25, 1], topK: 1 });
        assert.equal(hits.length, 1);
        return hits;
      });
      assert.equal(byDefault!.vector, undefined, 'query leaves vectors out by default');
      assert.deepEqual(byDefault!.metadata, { m: 'meta' }, 'query includes metadata by default');
      if (env.documents) assert.equal(byDefault!.document, 'the doc', 'query includes documents by default');

      const [everything] = await store.query(name, {
        vector: [0.5, 0.25, 1],
        topK: 1,
        include: { vectors: true },
      });
      assertVectorClose(everything!.vector, [0.5, 0.25, 1], 'query include.vectors');
      assert.deepEqual(everything!.metadata, { m: 'meta' });

      const [bare] = await store.query(name, {
        vector: [0.5, 0.25, 1],
        topK: 1,
        include: { metadata: false, documents: false },
      });
      assert.equal(bare!.id, 'i');
      assert.equal(bare!.metadata, undefined, 'metadata left out when not requested');
      assert.equal(bare!.document, undefined, 'document left out when not requested');
      assert.equal(bare!.vector, undefined);
      assert.equal(typeof bare!.score, 'number', 'score and distance are always there');
      assert.equal(typeof bare!.distance, 'number');

      const [all] = await store.get(name, ['i']);
      assertVectorClose(all!.vector, [0.5, 0.25, 1], 'get returns vectors by default');
      assert.deepEqual(all!.metadata, { m: 'meta' });
      if (env.documents) assert.equal(all!.document, 'the doc');

      const [slim] = await store.get(name, ['i'], { vectors: false, documents: false });
      assert.equal(slim!.vector, undefined);
      assert.equal(slim!.document, undefined);
      assert.deepEqual(slim!.metadata, { m: 'meta' });
    });

    ctx.test('Float32Array and Float64Array vectors are accepted', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 3);
      await store.upsert(name, [
        { id: 'f32', vector: Float32Array.from([0.5, 1, 2]) },
        { id: 'f64', vector: Float64Array.from([2, 1, 0.5]) },
      ]);
      const got = await eventually(env.consistency, async () => {
        const records = await store.get(name, ['f32', 'f64']);
        assert.equal(records.length, 2);
        return records;
      });
      assertVectorClose(got[0]!.vector, [0.5, 1, 2], 'f32');
      assertVectorClose(got[1]!.vector, [2, 1, 0.5], 'f64');
      assert.ok(Array.isArray(got[0]!.vector), 'vectors read back are plain arrays');
      const [hit] = await store.query(name, { vector: Float32Array.from([2, 1, 0.5]), topK: 1 });
      assert.equal(hit?.id, 'f64');
    });
  });
}
