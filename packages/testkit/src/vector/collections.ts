import assert from 'node:assert/strict';
import type { CollectionOptions, VectorMetric } from '@orch/core';
import { expectOrchError } from '../helpers/errors.js';
import { eventually } from '../helpers/eventually.js';
import { uniqueName, uniqueSuffix } from '../helpers/random.js';
import { newCollection, type VectorContext, vectorEnv } from './context.js';

/** Collections: fixed dimension and metric, idempotent creation, clear errors. */
export function registerCollectionTests(ctx: VectorContext): void {
  ctx.describe('collections', () => {
    ctx.test('ensureCollection is idempotent and describe/list report the collection', async (scope) => {
      const { store } = scope;
      const { name, info } = await newCollection(scope, 5);
      assert.deepEqual(
        await store.ensureCollection(name, { dimension: 5 }),
        info,
        'a second call returns the same description',
      );
      assert.deepEqual(
        await store.ensureCollection(name, { dimension: 5, metric: 'cosine' }),
        info,
        'cosine is the default metric',
      );
      assert.deepEqual(await store.describeCollection(name), info);
      const listed = await store.listCollections();
      assert.deepEqual(
        listed.find((c) => c.name === name),
        info,
      );
      assert.equal(
        await store.describeCollection(uniqueName('tk-none-')),
        null,
        'describe of a missing collection is null',
      );
    });

    ctx.test('listCollections is sorted by name', async (scope) => {
      const { store } = scope;
      const suffix = uniqueSuffix();
      const names = [`tk-${suffix}-b`, `tk-${suffix}-a`, `tk-${suffix}-c`];
      for (const name of names) {
        scope.defer((s) => s.dropCollection(name));
        await store.ensureCollection(name, { dimension: 2 });
      }
      const mine = (await store.listCollections()).map((c) => c.name).filter((n) => names.includes(n));
      assert.deepEqual(mine, [...names].sort());
    });

    ctx.test(
      'a different dimension is ORCH_DIMENSION_MISMATCH and leaves the collection as it was',
      async (scope) => {
        const { store } = scope;
        const { name, info } = await newCollection(scope, 4);
        const err = await expectOrchError(
          () => store.ensureCollection(name, { dimension: 8 }),
          'ORCH_DIMENSION_MISMATCH',
          'ensureCollection 8 over 4',
          'vector',
        );
        assert.match(err.message, /4/);
        assert.deepEqual(await store.describeCollection(name), info);
        await store.upsert(name, [{ id: 'still-4', vector: [1, 2, 3, 4] }]);
      },
    );

    ctx.test('a different metric is ORCH_CONFLICT and leaves the collection as it was', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const [first, second] =
        env.metrics.length >= 2
          ? [env.metrics[0]!, env.metrics[1]!]
          : ['cosine' as VectorMetric, 'l2' as VectorMetric];
      const { name, info } = await newCollection(scope, 3, first);
      await expectOrchError(
        () => store.ensureCollection(name, { dimension: 3, metric: second }),
        env.metrics.includes(second)
          ? 'ORCH_CONFLICT'
          : ['ORCH_CONFLICT', 'ORCH_UNSUPPORTED', 'ORCH_INVALID_INPUT'],
        `ensureCollection ${second} over ${first}`,
        'vector',
      );
      assert.deepEqual(await store.describeCollection(name), info);
    });

    ctx.test('invalid collection names, dimensions and metrics are ORCH_INVALID_INPUT', async ({ store }) => {
      const badNames = [
        'ab',
        'has space',
        '-leading',
        'trailing-',
        'dots.in.name',
        'slash/name',
        '',
        'x'.repeat(64),
        'ünïcode',
        'semi;colon',
      ];
      for (const name of badNames) {
        await expectOrchError(
          () => store.ensureCollection(name, { dimension: 3 }),
          'ORCH_INVALID_INPUT',
          `name ${JSON.stringify(name)}`,
          'vector',
        );
        await expectOrchError(
          () => store.count(name),
          'ORCH_INVALID_INPUT',
          `count on name ${JSON.stringify(name)}`,
          'vector',
        );
      }
      const name = uniqueName('tk-');
      const badOptions: [string, unknown][] = [
        ['dimension 0', { dimension: 0 }],
        ['dimension -1', { dimension: -1 }],
        ['dimension 1.5', { dimension: 1.5 }],
        ['dimension 65537', { dimension: 65_537 }],
        ['dimension "3"', { dimension: '3' }],
        ['metric "dot"', { dimension: 3, metric: 'dot' }],
        ['no options', undefined],
      ];
      for (const [what, options] of badOptions) {
        await expectOrchError(
          () => store.ensureCollection(name, options as CollectionOptions),
          'ORCH_INVALID_INPUT',
          what,
          'vector',
        );
      }
      assert.equal(await store.describeCollection(name), null, 'no collection was created by rejected calls');
    });

    ctx.test('the longest valid name (63 characters) works', async (scope) => {
      const { store } = scope;
      const name = `tk-${uniqueSuffix()}`.padEnd(62, 'x').concat('9');
      assert.equal(name.length, 63);
      scope.defer((s) => s.dropCollection(name));
      const info = await store.ensureCollection(name, { dimension: 2 });
      assert.equal(info.name, name);
    });

    ctx.test('operations on a missing collection are ORCH_NOT_FOUND', async ({ store }) => {
      const name = uniqueName('tk-missing-');
      await expectOrchError(
        () => store.upsert(name, [{ id: 'a', vector: [1] }]),
        'ORCH_NOT_FOUND',
        'upsert',
        'vector',
      );
      await expectOrchError(
        () => store.query(name, { vector: [1], topK: 1 }),
        'ORCH_NOT_FOUND',
        'query',
        'vector',
      );
      await expectOrchError(() => store.get(name, ['a']), 'ORCH_NOT_FOUND', 'get', 'vector');
      await expectOrchError(() => store.delete(name, { ids: ['a'] }), 'ORCH_NOT_FOUND', 'delete', 'vector');
      await expectOrchError(() => store.count(name), 'ORCH_NOT_FOUND', 'count', 'vector');
      assert.equal(await store.describeCollection(name), null, 'and none of them created it');
    });

    ctx.test('dropCollection removes the records; true when it existed, false otherwise', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 2);
      await store.upsert(name, [{ id: 'gone', vector: [1, 1] }]);
      await eventually(env.consistency, async () => assert.equal(await store.count(name), 1));
      assert.equal(await store.dropCollection(name), true);
      assert.equal(await store.describeCollection(name), null);
      await expectOrchError(() => store.count(name), 'ORCH_NOT_FOUND', 'count after drop', 'vector');
      assert.equal(await store.dropCollection(name), false, 'dropping again reports it did not exist');
      await store.ensureCollection(name, { dimension: 3 });
      await eventually(env.consistency, async () =>
        assert.equal(await store.count(name), 0, 'a re-created collection starts empty'),
      );
      assert.deepEqual(await store.get(name, ['gone']), []);
    });

    ctx.test('collections are isolated from each other', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const a = await newCollection(scope, 2);
      const b = await newCollection(scope, 2);
      await store.upsert(a.name, [{ id: 'same-id', vector: [1, 0], metadata: { owner: 'a' } }]);
      await store.upsert(b.name, [
        { id: 'same-id', vector: [0, 1], metadata: { owner: 'b' } },
        { id: 'only-b', vector: [1, 1] },
      ]);
      await eventually(env.consistency, async () => {
        assert.equal(await store.count(a.name), 1);
        assert.equal(await store.count(b.name), 2);
      });
      const [fromA] = await store.get(a.name, ['same-id']);
      assert.deepEqual(fromA?.metadata, { owner: 'a' });
      await store.delete(b.name, { ids: ['same-id'] });
      await eventually(env.consistency, async () => assert.equal(await store.count(b.name), 1));
      assert.equal(await store.count(a.name), 1, 'deleting in b left a alone');
    });
  });
}
