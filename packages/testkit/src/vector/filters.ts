import assert from 'node:assert/strict';
import { type Filter, matchesFilter, normalizeFilter, type VectorStore } from '@orch/core/adapter-kit';
import { expectOrchError } from '../helpers/errors.js';
import { eventually, quiesce } from '../helpers/eventually.js';
import type { StoreScope } from '../helpers/with-store.js';
import { newCollection, sortedIds, type VectorContext, type VectorEnv, vectorEnv } from './context.js';
import {
  ALL_FIXTURE_IDS,
  COMPARISON_CASES,
  EXISTS_CASES,
  FILTER_FIXTURE,
  FIXTURE_DIMENSION,
  type FilterCase,
  fixtureVector,
  INVALID_FILTERS,
  LOGICAL_CASES,
  SET_CASES,
  TYPE_STRICT_CASES,
} from './filter-fixture.js';

/** Ids of the fixture that `filter` matches according to core's reference evaluator. */
export function referenceIds(filter: Filter): string[] {
  const node = normalizeFilter(filter);
  return FILTER_FIXTURE.filter((r) => matchesFilter(node, r.metadata)).map((r) => r.id);
}

async function loadFixture(scope: StoreScope<VectorStore>, env: VectorEnv): Promise<string> {
  const { name } = await newCollection(scope, FIXTURE_DIMENSION);
  await scope.store.upsert(
    name,
    FILTER_FIXTURE.map((r, i) =>
      r.metadata
        ? { id: r.id, vector: fixtureVector(i), metadata: r.metadata }
        : { id: r.id, vector: fixtureVector(i) },
    ),
  );
  await eventually(env.consistency, async () =>
    assert.equal(await scope.store.count(name), FILTER_FIXTURE.length),
  );
  return name;
}

/**
 * Check every case through query (topK above the fixture size, so nothing is cut) and count.
 * All mismatches are collected so one run shows every wrong operator.
 */
async function checkCases(
  store: VectorStore,
  env: VectorEnv,
  collection: string,
  cases: readonly FilterCase[],
): Promise<void> {
  const failures: string[] = [];
  for (const c of cases) {
    const expected = sortedIds(referenceIds(c.filter));
    if (c.expect) {
      // Guards the guard: a wrong reference evaluator must not make store and expectation agree.
      assert.deepEqual(
        expected,
        sortedIds(c.expect),
        `reference evaluator disagrees with the hand-checked set for "${c.name}"`,
      );
    }
    try {
      await eventually(env.consistency, async () => {
        const hits = await store.query(collection, {
          vector: fixtureVector(0),
          topK: 100,
          filter: c.filter,
          include: { metadata: false, documents: false },
        });
        assert.deepEqual(sortedIds(hits.map((h) => h.id)), expected, 'query ids');
        assert.equal(await store.count(collection, c.filter), expected.length, 'count');
      });
    } catch (err) {
      failures.push(
        `  ${c.name} ${JSON.stringify(c.filter)}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      );
    }
  }
  assert.equal(failures.length, 0, `filters returned wrong ids:\n${failures.join('\n')}`);
}

/** The filter language returns exactly the same ids on every backend. */
export function registerFilterTests(ctx: VectorContext): void {
  ctx.describe('filters', () => {
    const groups: [string, readonly FilterCase[]][] = [
      ['$eq, $ne, $gt, $gte, $lt, $lte and shorthand equality', COMPARISON_CASES],
      ['type-strict equality (1 vs true vs "1")', TYPE_STRICT_CASES],
      ['$in and $nin', SET_CASES],
      ['$and, $or, implicit and and nesting', LOGICAL_CASES],
    ];
    for (const [title, cases] of groups) {
      ctx.test(`${title} return exactly the expected ids`, async (scope) => {
        const env = vectorEnv(ctx.options, scope.store);
        const collection = await loadFixture(scope, env);
        await checkCases(scope.store, env, collection, cases);
      });
    }

    ctx.test(
      '$exists works when supported, otherwise is ORCH_UNSUPPORTED_FILTER everywhere',
      async (scope) => {
        const env = vectorEnv(ctx.options, scope.store);
        const collection = await loadFixture(scope, env);
        if (env.supportsExists) {
          await checkCases(scope.store, env, collection, EXISTS_CASES);
          return;
        }
        const { store } = scope;
        for (const c of EXISTS_CASES) {
          await expectOrchError(
            () => store.query(collection, { vector: fixtureVector(0), topK: 5, filter: c.filter }),
            'ORCH_UNSUPPORTED_FILTER',
            `query ${c.name}`,
            'vector',
          );
          await expectOrchError(
            () => store.count(collection, c.filter),
            'ORCH_UNSUPPORTED_FILTER',
            `count ${c.name}`,
            'vector',
          );
          await expectOrchError(
            () => store.delete(collection, { filter: c.filter }),
            'ORCH_UNSUPPORTED_FILTER',
            `delete ${c.name}`,
            'vector',
          );
        }
        await quiesce(env.consistency);
        assert.equal(
          await store.count(collection),
          FILTER_FIXTURE.length,
          'a rejected delete removed nothing',
        );
      },
    );

    ctx.test('$ne and $nin never match records that lack the field', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const collection = await loadFixture(scope, env);
      const lacking = ['f05', 'f09', 'f13']; // no `color`
      for (const filter of [
        { color: { $ne: 'nothing-has-this' } },
        { color: { $nin: ['nothing-has-this'] } },
      ] as Filter[]) {
        const hits = await eventually(env.consistency, async () => {
          const found = await scope.store.query(collection, { vector: fixtureVector(0), topK: 100, filter });
          assert.equal(
            found.length,
            FILTER_FIXTURE.length - lacking.length,
            `${JSON.stringify(filter)} matches every record that has color`,
          );
          return found;
        });
        for (const id of lacking)
          assert.ok(
            !hits.some((h) => h.id === id),
            `${JSON.stringify(filter)} matched ${id}, which has no color`,
          );
      }
    });

    ctx.test(
      'malformed filters are ORCH_INVALID_INPUT in query, count and delete, and delete nothing',
      async (scope) => {
        const env = vectorEnv(ctx.options, scope.store);
        const collection = await loadFixture(scope, env);
        const { store } = scope;
        for (const { name, filter } of INVALID_FILTERS) {
          const f = filter as Filter;
          await expectOrchError(
            () => store.query(collection, { vector: fixtureVector(0), topK: 5, filter: f }),
            'ORCH_INVALID_INPUT',
            `query: ${name}`,
            'vector',
          );
          await expectOrchError(
            () => store.count(collection, f),
            'ORCH_INVALID_INPUT',
            `count: ${name}`,
            'vector',
          );
          await expectOrchError(
            () => store.delete(collection, { filter: f }),
            'ORCH_INVALID_INPUT',
            `delete: ${name}`,
            'vector',
          );
        }
        await quiesce(env.consistency);
        assert.equal(await store.count(collection), FILTER_FIXTURE.length);
      },
    );

    ctx.test('delete by filter removes exactly the matching records', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const collection = await loadFixture(scope, env);
      const { store } = scope;
      const filter: Filter = { $or: [{ color: { $in: ['red', 'Red'] } }, { mixed: false }] };
      const removed = referenceIds(filter);
      assert.deepEqual(sortedIds(removed), ['f01', 'f02', 'f05', 'f07', 'f10', 'f14'], 'hand-checked set');
      await store.delete(collection, { filter });
      const kept = ALL_FIXTURE_IDS.filter((id) => !removed.includes(id));
      await eventually(env.consistency, async () => {
        assert.equal(await store.count(collection), kept.length);
        const got = await store.get(collection, ALL_FIXTURE_IDS, { vectors: false });
        assert.deepEqual(sortedIds(got.map((r) => r.id)), sortedIds(kept));
      });
      await store.delete(collection, { filter: { n: { $gt: 1000 } } });
      await eventually(env.consistency, async () => {
        const got = await store.get(collection, ['f15'], { vectors: false });
        assert.deepEqual(got, [], 'f15 (n = 1e6) was deleted by a range filter');
        assert.equal(await store.count(collection), kept.length - 1);
      });
    });

    ctx.test('delete with an empty filter is ORCH_INVALID_INPUT and deletes nothing', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const collection = await loadFixture(scope, env);
      const { store } = scope;
      await expectOrchError(
        () => store.delete(collection, { filter: {} }),
        'ORCH_INVALID_INPUT',
        'delete({ filter: {} })',
        'vector',
      );
      await expectOrchError(
        () => store.delete(collection, { filter: { $and: [{}] } }),
        'ORCH_INVALID_INPUT',
        'delete({ filter: { $and: [{}] } })',
        'vector',
      );
      await expectOrchError(
        () => store.delete(collection, {} as never),
        'ORCH_INVALID_INPUT',
        'delete({})',
        'vector',
      );
      await expectOrchError(
        () => store.delete(collection, { ids: ['f01'], filter: { color: 'red' } } as never),
        'ORCH_INVALID_INPUT',
        'delete with both ids and filter',
        'vector',
      );
      await quiesce(env.consistency);
      assert.equal(await store.count(collection), FILTER_FIXTURE.length);
    });
  });
}
