import assert from 'node:assert/strict';
import { distanceBetween } from '@orch/core/adapter-kit';
import { eventually } from '../helpers/eventually.js';
import { newCollection, type VectorContext, vectorEnv } from './context.js';

const NEAR = 150;
const FAR = 50;

/** 150 records around +x, 50 around −x, each at a distinct distance from the query. */
function vectorFor(i: number): number[] {
  if (i < NEAR) return [1, 0.01 * (i + 1), 0.02, 0.03];
  const j = i - NEAR;
  return [-1, 0.013 * (j + 1), 0.02, 0.03];
}

const idFor = (i: number) => `r${String(i).padStart(3, '0')}`;

/**
 * A filtered query ranks among the records that match, not among the global top hits: a backend
 * that filters after taking topK would return nothing here.
 */
export function registerFilteredQueryTests(ctx: VectorContext): void {
  ctx.describe('filtered queries', () => {
    ctx.test(
      'topK with a filter returns topK results when enough match, even if all are far away',
      async (scope) => {
        const env = vectorEnv(ctx.options, scope.store);
        const { store } = scope;
        const { name } = await newCollection(scope, 4);
        await store.upsert(
          name,
          Array.from({ length: NEAR + FAR }, (_, i) => ({
            id: idFor(i),
            vector: vectorFor(i),
            metadata: { side: i < NEAR ? 'near' : 'far', i },
          })),
        );
        await eventually(env.consistency, async () => assert.equal(await store.count(name), NEAR + FAR));
        const query = [1, 0, 0, 0];
        const farIds = Array.from({ length: FAR }, (_, j) => NEAR + j)
          .sort(
            (x, y) =>
              distanceBetween('cosine', query, vectorFor(x)) - distanceBetween('cosine', query, vectorFor(y)),
          )
          .map(idFor);

        const top10 = await eventually(env.consistency, async () => {
          const hits = await store.query(name, { vector: query, topK: 10, filter: { side: 'far' } });
          assert.equal(hits.length, 10, 'ten far records match, so ten come back');
          return hits;
        });
        assert.deepEqual(
          top10.map((h) => h.id),
          farIds.slice(0, 10),
          'the ten nearest of the far records, best first',
        );
        assert.ok(top10.every((h) => h.metadata?.side === 'far'));

        const all = await store.query(name, { vector: query, topK: 60, filter: { side: 'far' } });
        assert.equal(all.length, FAR, 'topK above the match count returns every match');
        assert.deepEqual(
          all.map((h) => h.id),
          farIds,
        );

        const ranged = await store.query(name, {
          vector: query,
          topK: 5,
          filter: { side: 'far', i: { $gte: NEAR + 40 } },
        });
        assert.deepEqual(
          ranged.map((h) => h.id),
          farIds.filter((id) => Number(id.slice(1)) >= NEAR + 40).slice(0, 5),
        );
        assert.equal(await store.count(name, { side: 'far' }), FAR);
        assert.equal(await store.count(name, { side: 'near' }), NEAR);
      },
    );

    ctx.test('a filter that matches nothing returns an empty list', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 4);
      await store.upsert(name, [{ id: 'x', vector: [1, 2, 3, 4], metadata: { side: 'near' } }]);
      await eventually(env.consistency, async () => assert.equal(await store.count(name), 1));
      assert.deepEqual(
        await store.query(name, { vector: [1, 2, 3, 4], topK: 3, filter: { side: 'nowhere' } }),
        [],
      );
      assert.equal(await store.count(name, { side: 'nowhere' }), 0);
    });
  });
}
