import assert from 'node:assert/strict';
import type { VectorStore } from '@orch/core';
import { suiteContext } from '../common/context.js';
import { registerLifecycleTests } from '../common/lifecycle.js';
import { registerRedactionTests } from '../common/redaction.js';
import { eventually } from '../helpers/eventually.js';
import { uniqueName } from '../helpers/random.js';
import { registerBatchTests } from './batches.js';
import { registerCollectionTests } from './collections.js';
import { newCollection, type VectorContext, type VectorSuiteOptions, vectorEnv } from './context.js';
import { registerFilteredQueryTests } from './filtered-query.js';
import { registerFilterTests } from './filters.js';
import { registerRecordTests } from './records.js';
import { registerVectorRoundTripTests } from './round-trips.js';
import { registerScoringTests } from './scoring.js';
import { registerValidationTests } from './validation.js';

export type { VectorSuiteOptions } from './context.js';

/**
 * Register the conformance tests of a {@link VectorStore}: collections, upsert/get/delete/count,
 * batches of 1, 100 and 1000, every filter operator (checked against core's reference evaluator
 * and hand-checked id sets), filtered topK, ordering and exact distance/score per metric,
 * validation codes, round-trips, lifecycle and credential redaction.
 *
 * Backend differences are knobs (`supportsExists`, `eventualConsistency`, `metrics`,
 * `documents`), read from `store.capabilities` when left out: a missing feature must then be
 * refused with the documented code, never silently ignored. Collections get unique names and are
 * dropped after each test, so a shared server is fine.
 *
 * @example
 * // vitest
 * import { describe, it } from 'vitest';
 * import { createAdapter } from '@orch/core';
 * import { vectorSuite } from '@orch/testkit';
 * import '@orch/adapter-chromadb';
 *
 * vectorSuite({
 *   name: 'chromadb',
 *   describe,
 *   it,
 *   create: () => createAdapter('vector', process.env.ORCH_TEST_CHROMA_URL ?? 'chromadb://localhost:8000'),
 *   createFromUrl: (url) => createAdapter('vector', url),
 * });
 */
export function vectorSuite(options: VectorSuiteOptions): void {
  const ctx: VectorContext = { ...suiteContext<VectorStore>('vector', options), options };
  options.describe(`${options.name}: vector store conformance`, () => {
    registerCollectionTests(ctx);
    registerRecordTests(ctx);
    registerBatchTests(ctx);
    registerFilterTests(ctx);
    registerFilteredQueryTests(ctx);
    registerScoringTests(ctx);
    registerValidationTests(ctx);
    registerVectorRoundTripTests(ctx);
    registerLifecycleTests<VectorStore, { collection: string }>(ctx, {
      prepare: async (scope) => {
        const { name } = await newCollection(scope, 2);
        await scope.store.upsert(name, [{ id: 'p', vector: [1, 2], metadata: { k: 'v' } }]);
        return { collection: name };
      },
      unprepared: () => ({ collection: uniqueName('tk-never-') }),
      probe: async (store, f) => {
        const env = vectorEnv(options, store);
        await eventually(env.consistency, async () =>
          assert.deepEqual(
            (await store.get(f.collection, ['p'])).map((r) => r.id),
            ['p'],
          ),
        );
      },
      operations: [
        { name: 'count', run: (s, f) => s.count(f.collection) },
        { name: 'ensureCollection', run: (s, f) => s.ensureCollection(f.collection, { dimension: 2 }) },
        { name: 'describeCollection', run: (s, f) => s.describeCollection(f.collection) },
        { name: 'listCollections', run: (s) => s.listCollections() },
        { name: 'upsert', run: (s, f) => s.upsert(f.collection, [{ id: 'x', vector: [1, 1] }]) },
        { name: 'query', run: (s, f) => s.query(f.collection, { vector: [1, 1], topK: 1 }) },
        { name: 'get', run: (s, f) => s.get(f.collection, ['p']) },
        { name: 'delete', run: (s, f) => s.delete(f.collection, { ids: ['p'] }) },
        { name: 'dropCollection', run: (s, f) => s.dropCollection(f.collection) },
      ],
    });
    registerRedactionTests(ctx, {
      description: 'an upsert whose duplicate record id is a connection URL',
      trigger: async (scope, text) => {
        const { name } = await newCollection(scope, 2);
        return scope.store.upsert(name, [
          { id: text, vector: [1, 0] },
          { id: text, vector: [0, 1] },
        ]);
      },
    });
  });
}
