import assert from 'node:assert/strict';
import type { VectorRecord } from '@orch/core';
import { expectOrchError } from '../helpers/errors.js';
import { eventually, quiesce } from '../helpers/eventually.js';
import { assertVectorClose, newCollection, type VectorContext, vectorEnv } from './context.js';

const SIZES = [1, 100, 1000] as const;
const DIMENSION = 8;

/** Distinct directions for up to a few thousand records. */
export function batchVector(i: number): number[] {
  return [
    Math.cos(i * 0.1),
    Math.sin(i * 0.1),
    Math.cos(i * 0.37),
    Math.sin(i * 0.37),
    i / 1000,
    1,
    (i % 7) / 7,
    (i % 11) / 11,
  ];
}

const batchId = (i: number) => `b-${String(i).padStart(4, '0')}`;

function records(size: number, tag: string): VectorRecord[] {
  return Array.from({ length: size }, (_, i) => ({
    id: batchId(i),
    vector: batchVector(i),
    metadata: { i, parity: i % 2 === 0 ? 'even' : 'odd', tag },
    document: `document ${i}`,
  }));
}

/** Large upserts arrive whole (the store chunks by `maxBatchSize` itself). */
export function registerBatchTests(ctx: VectorContext): void {
  ctx.describe('batches', () => {
    for (const size of SIZES) {
      ctx.test(
        `upsert of ${size} record(s): all stored, readable, countable and queryable`,
        async (scope) => {
          const env = vectorEnv(ctx.options, scope.store);
          const { store } = scope;
          const { name } = await newCollection(scope, DIMENSION);
          await store.upsert(name, records(size, 'first'));
          await eventually(env.consistency, async () => assert.equal(await store.count(name), size));
          assert.equal(await store.count(name, { parity: 'even' }), Math.ceil(size / 2));

          const ids = Array.from({ length: size }, (_, i) => batchId(i));
          const got = await store.get(name, ids, { documents: false });
          assert.deepEqual(
            got.map((r) => r.id),
            ids,
            'every record, in the order asked',
          );
          for (const i of new Set([0, Math.floor(size / 2), size - 1])) {
            assertVectorClose(got[i]!.vector, batchVector(i), `vector of record ${i}`);
            assert.deepEqual(got[i]!.metadata, { i, parity: i % 2 === 0 ? 'even' : 'odd', tag: 'first' });
          }
          const last = size - 1;
          const [hit] = await store.query(name, { vector: batchVector(last), topK: 1 });
          assert.equal(hit?.id, batchId(last), 'the exact vector finds its own record');
          assert.ok(hit!.distance < 1e-4);

          await store.upsert(name, records(size, 'second'));
          await eventually(env.consistency, async () => {
            assert.equal(
              await store.count(name, { tag: 'second' }),
              size,
              're-upserting replaced every record',
            );
            assert.equal(await store.count(name), size, 'and added none');
          });
        },
      );
    }

    ctx.test('a batch of 1000 with one invalid record at the end writes nothing', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, DIMENSION);
      const batch = records(1000, 'x');
      const bad = [...batchVector(999)];
      bad[3] = Number.NaN;
      batch[999] = { id: batchId(999), vector: bad };
      await expectOrchError(
        () => store.upsert(name, batch),
        'ORCH_INVALID_INPUT',
        'upsert with NaN in the last record',
        'vector',
      );
      await quiesce(env.consistency);
      assert.equal(
        await store.count(name),
        0,
        `nothing written (maxBatchSize ${store.capabilities.maxBatchSize} must not let early chunks through)`,
      );
      assert.deepEqual(await store.get(name, [batchId(0), batchId(500)]), []);
    });

    ctx.test('an empty upsert is a no-op', async (scope) => {
      const { store } = scope;
      const { name } = await newCollection(scope, DIMENSION);
      await store.upsert(name, []);
      assert.equal(await store.count(name), 0);
    });
  });
}
