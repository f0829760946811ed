import assert from 'node:assert/strict';
import type { CollectionInfo, VectorMetric, VectorStore } from '@orch/core';
import type { SuiteContext } from '../common/context.js';
import type { Consistency } from '../helpers/eventually.js';
import { uniqueName } from '../helpers/random.js';
import type { StoreScope } from '../helpers/with-store.js';
import type { CommonSuiteOptions } from '../types.js';

/** Options of {@link vectorSuite}. Knobs left out are read from `store.capabilities`. */
export interface VectorSuiteOptions extends CommonSuiteOptions<VectorStore> {
  /** `$exists` in filters works; otherwise it must reject with ORCH_UNSUPPORTED_FILTER. Default: `capabilities.filterExists`. */
  supportsExists?: boolean;
  /** Reads lag behind writes; reads then poll until they match. Default: `capabilities.eventualConsistency`. */
  eventualConsistency?: boolean;
  /** Upper bound for that polling, in milliseconds. Default 30 000. */
  consistencyTimeoutMs?: number;
  /** Wait before "nothing was written" checks on eventually consistent stores. Default 3 000. */
  settleMs?: number;
  /** Metrics the store supports; the others must be rejected. Default: `capabilities.metrics`. */
  metrics?: VectorMetric[];
  /** `document` text is stored and returned. Default: `capabilities.documents`. */
  documents?: boolean;
}

/** Knobs resolved against a live store. */
export interface VectorEnv {
  readonly consistency: Consistency;
  readonly supportsExists: boolean;
  readonly metrics: readonly VectorMetric[];
  readonly documents: boolean;
}

export type VectorContext = SuiteContext<VectorStore> & { readonly options: VectorSuiteOptions };

export function vectorEnv(options: VectorSuiteOptions, store: VectorStore): VectorEnv {
  const caps = store.capabilities;
  return {
    consistency: {
      eventual: options.eventualConsistency ?? caps.eventualConsistency,
      timeoutMs: options.consistencyTimeoutMs ?? 30_000,
      settleMs: options.settleMs ?? 3_000,
    },
    supportsExists: options.supportsExists ?? caps.filterExists,
    metrics: options.metrics ?? caps.metrics,
    documents: options.documents ?? caps.documents,
  };
}

/** A uniquely named collection, dropped after the test. */
export async function newCollection(
  scope: StoreScope<VectorStore>,
  dimension: number,
  metric?: VectorMetric,
): Promise<{ name: string; info: CollectionInfo }> {
  const name = uniqueName('tk-');
  scope.defer((s) => s.dropCollection(name));
  const info = await scope.store.ensureCollection(
    name,
    metric === undefined ? { dimension } : { dimension, metric },
  );
  assert.deepEqual(
    { name: info.name, dimension: info.dimension, metric: info.metric },
    { name, dimension, metric: metric ?? 'cosine' },
    'ensureCollection returns the stored description',
  );
  return { name, info };
}

/** Sorted copy, for set comparisons of ids. */
export function sortedIds(ids: Iterable<string>): string[] {
  return [...ids].sort();
}

/**
 * Vectors read back may have gone through float32. Relative tolerance, so large and small
 * components are judged alike.
 */
export function assertVectorClose(
  actual: readonly number[] | undefined,
  expected: ArrayLike<number>,
  context: string,
  tolerance = 1e-5,
): void {
  assert.ok(Array.isArray(actual), `${context}: expected a number[] vector, got ${typeof actual}`);
  assert.equal(actual.length, expected.length, `${context}: vector length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    assert.ok(
      Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e)),
      `${context}: component ${i} is ${a}, expected ${e}`,
    );
  }
}
