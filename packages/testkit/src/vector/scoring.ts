import assert from 'node:assert/strict';
import {
  distanceBetween,
  scoreFromDistance,
  type VectorMatch,
  type VectorMetric,
} from '@orch/core/adapter-kit';
import { expectOrchError } from '../helpers/errors.js';
import { eventually } from '../helpers/eventually.js';
import { uniqueName } from '../helpers/random.js';
import { newCollection, type VectorContext, vectorEnv } from './context.js';

const TOLERANCE = 1e-4;
const ALL_METRICS: readonly VectorMetric[] = ['cosine', 'l2', 'ip'];

/**
 * Five vectors whose rank differs per metric: `a` is long and slightly off-axis (best dot
 * product), `c` is nearly parallel (best cosine) and closest, `b` is short and near.
 */
const QUERY = [1, 0, 0];
const POINTS: Record<string, number[]> = {
  a: [3, 0.3, 0],
  b: [0.9, 0.1, 0],
  c: [1, 0, 0.05],
  d: [0, 1, 0],
  e: [-1, 0.2, 0],
};
/** Ranks worked out by hand from the definitions in VectorMetric. */
const HAND_RANKED: Record<VectorMetric, string[]> = {
  cosine: ['c', 'a', 'b', 'd', 'e'],
  l2: ['c', 'b', 'd', 'e', 'a'],
  ip: ['a', 'c', 'b', 'd', 'e'],
};

/** Score by the documented formula, written out independently of core's helpers. */
function documentedScore(metric: VectorMetric, v: readonly number[]): number {
  const dot = v.reduce((s, x, i) => s + x * QUERY[i]!, 0);
  const norm = (u: readonly number[]) => Math.hypot(...u);
  if (metric === 'cosine') return dot / (norm(v) * norm(QUERY));
  if (metric === 'ip') return dot;
  return 1 / (1 + Math.hypot(...v.map((x, i) => x - QUERY[i]!)));
}

function close(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= TOLERANCE,
    `${what}: got ${actual}, expected ${expected} (±${TOLERANCE})`,
  );
}

/** Ordering, distance and score per metric, defined the same way for every backend. */
export function registerScoringTests(ctx: VectorContext): void {
  ctx.describe('metrics, ordering and scores', () => {
    for (const metric of ALL_METRICS) {
      ctx.test(`${metric}: topK order, score direction and exact distance/score values`, async (scope) => {
        const env = vectorEnv(ctx.options, scope.store);
        const { store } = scope;
        if (!env.metrics.includes(metric)) {
          // Unsupported metrics must be refused, never silently replaced by another.
          await expectOrchError(
            () => store.ensureCollection(uniqueName('tk-'), { dimension: 3, metric }),
            ['ORCH_UNSUPPORTED', 'ORCH_INVALID_INPUT'],
            `ensureCollection with unsupported metric ${metric}`,
            'vector',
          );
          return;
        }
        const { name } = await newCollection(scope, 3, metric);
        await store.upsert(
          name,
          Object.entries(POINTS).map(([id, vector]) => ({
            id,
            vector,
            metadata: { group: id === 'e' ? 'odd' : 'even' },
          })),
        );
        const hits = await eventually(env.consistency, async () => {
          const found = await store.query(name, { vector: QUERY, topK: 10 });
          assert.equal(found.length, 5, 'topK above the record count returns every record');
          return found;
        });
        const expectedOrder = Object.keys(POINTS).sort(
          (x, y) => distanceBetween(metric, QUERY, POINTS[x]!) - distanceBetween(metric, QUERY, POINTS[y]!),
        );
        assert.deepEqual(
          expectedOrder,
          HAND_RANKED[metric],
          'core distanceBetween disagrees with the hand-ranked order',
        );
        assert.deepEqual(
          hits.map((h) => h.id),
          HAND_RANKED[metric],
          `${metric} ranking`,
        );
        checkScores(metric, hits);

        const top2 = await store.query(name, { vector: QUERY, topK: 2 });
        assert.deepEqual(
          top2.map((h) => h.id),
          HAND_RANKED[metric].slice(0, 2),
          'topK 2 is the best two',
        );
        const top1 = await store.query(name, { vector: QUERY, topK: 1, filter: { group: 'odd' } });
        assert.deepEqual(
          top1.map((h) => h.id),
          ['e'],
        );
        checkScores(metric, top1);

        if (metric === 'l2') {
          // A zero vector has no direction, but l2 does not need one.
          await store.upsert(name, [{ id: 'origin', vector: [0, 0, 0] }]);
          const fromOrigin = await eventually(env.consistency, async () => {
            const found = await store.query(name, { vector: [0, 0, 0], topK: 6 });
            assert.equal(found.length, 6);
            return found;
          });
          assert.equal(fromOrigin[0]?.id, 'origin');
          close(fromOrigin[0]!.distance, 0, 'l2 distance of the origin to itself');
          const toA = fromOrigin.find((h) => h.id === 'a');
          close(toA!.distance, Math.hypot(3, 0.3), 'l2 distance is Euclidean, not squared');
        }
      });
    }

    ctx.test('an exact match has distance 0 and the best possible score for cosine and l2', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      for (const metric of env.metrics.filter((m) => m !== 'ip')) {
        const { name } = await newCollection(scope, 3, metric);
        await store.upsert(name, [
          { id: 'same', vector: [0.2, -0.4, 0.8] },
          { id: 'other', vector: [-0.2, 0.4, 0.1] },
        ]);
        const [best] = await eventually(env.consistency, async () => {
          const found = await store.query(name, { vector: [0.2, -0.4, 0.8], topK: 2 });
          assert.equal(found.length, 2);
          return found;
        });
        assert.equal(best?.id, 'same');
        close(best!.distance, 0, `${metric} distance of an exact match`);
        close(best!.score, 1, `${metric} score of an exact match`);
      }
    });
  });
}

function checkScores(metric: VectorMetric, hits: readonly VectorMatch[]): void {
  for (const [i, h] of hits.entries()) {
    const point = POINTS[h.id]!;
    assert.equal(typeof h.distance, 'number');
    assert.equal(typeof h.score, 'number');
    close(h.distance, distanceBetween(metric, QUERY, point), `${metric} distance of ${h.id}`);
    close(h.score, scoreFromDistance(metric, h.distance), `${metric} score of ${h.id} from its distance`);
    close(h.score, documentedScore(metric, point), `${metric} score of ${h.id} by the documented formula`);
    if (i > 0) {
      assert.ok(h.score <= hits[i - 1]!.score, `${metric}: scores must not increase down the list`);
      assert.ok(h.distance >= hits[i - 1]!.distance, `${metric}: distances must not decrease down the list`);
    }
  }
}
