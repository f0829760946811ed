import { OrchError } from '../errors/orch-error.js';
import { validateText } from '../util/well-formed.js';
import type { CollectionInfo, VectorMetric } from './vector-store.js';

const COLLECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,61}[A-Za-z0-9]$/;
export const MAX_DIMENSION = 65_536;
export const MAX_ID_LENGTH = 512;
export const MAX_TOP_K = 10_000;
export const VECTOR_METRICS: readonly VectorMetric[] = ['cosine', 'l2', 'ip'];

export function validateCollectionName(name: unknown): string {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name)) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `Collection name ${JSON.stringify(name)} is not valid: use 3 to 63 letters, digits, "_" or "-", starting and ending with a letter or digit.`,
      { kind: 'vector' },
    );
  }
  return name;
}

export function validateDimension(dimension: unknown): number {
  if (
    typeof dimension !== 'number' ||
    !Number.isInteger(dimension) ||
    dimension < 1 ||
    dimension > MAX_DIMENSION
  ) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `dimension must be an integer from 1 to ${MAX_DIMENSION}, got ${String(dimension)}.`,
      {
        kind: 'vector',
      },
    );
  }
  return dimension;
}

export function validateMetric(metric: unknown): VectorMetric {
  if (metric === undefined) return 'cosine';
  if (!VECTOR_METRICS.includes(metric as VectorMetric)) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `metric must be one of ${VECTOR_METRICS.join(', ')}, got ${String(metric)}.`,
      {
        kind: 'vector',
      },
    );
  }
  return metric as VectorMetric;
}

export function validateRecordId(id: unknown, where: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `${where}: id must be a non-empty string of at most ${MAX_ID_LENGTH} characters.`,
      {
        kind: 'vector',
      },
    );
  }
  return validateText(id, `${where}: id`, 'vector');
}

/**
 * Check a vector against a collection and copy it into a plain array. Empty and non-numeric
 * vectors are `ORCH_INVALID_INPUT`; a wrong length is `ORCH_DIMENSION_MISMATCH`; NaN and ±Infinity
 * are rejected (engines would store them and return nonsense distances); a zero vector cannot be
 * compared by cosine.
 */
export function validateVector(vector: unknown, collection: CollectionInfo, where: string): number[] {
  const isArrayLike =
    Array.isArray(vector) || vector instanceof Float32Array || vector instanceof Float64Array;
  if (!isArrayLike) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `${where}: vector must be an array of numbers or a Float32Array.`,
      { kind: 'vector' },
    );
  }
  const values = vector as ArrayLike<unknown>;
  if (values.length === 0)
    throw new OrchError('ORCH_INVALID_INPUT', `${where}: vector is empty.`, { kind: 'vector' });
  if (values.length !== collection.dimension) {
    throw new OrchError(
      'ORCH_DIMENSION_MISMATCH',
      `${where}: vector has ${values.length} dimensions but collection "${collection.name}" has ${collection.dimension}.`,
      { kind: 'vector', details: { expected: collection.dimension, actual: values.length } },
    );
  }
  // A copy, so the caller may reuse its array while the write is in flight; made by slice/from,
  // not element by element into `new Array(n)`, which leaves a holey array that JSON.stringify
  // and the engines' encoders walk several times slower. Made first and then checked, so the
  // check reads the copy while it is still in cache (one pass over the caller's memory, not two).
  const copy = Array.isArray(values)
    ? (values as unknown[]).slice()
    : Array.from(values as ArrayLike<number>);
  let norm = 0;
  for (let i = 0; i < copy.length; i++) {
    const v = copy[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new OrchError(
        'ORCH_INVALID_INPUT',
        `${where}: vector[${i}] is ${String(v)}; every component must be a finite number.`,
        {
          kind: 'vector',
          details: { index: i },
        },
      );
    }
    norm += v * v;
  }
  if (collection.metric === 'cosine' && norm === 0) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `${where}: a zero vector has no direction, so cosine similarity is undefined.`,
      {
        kind: 'vector',
      },
    );
  }
  return copy as number[];
}

export function validateTopK(topK: unknown): number {
  if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `topK must be an integer from 1 to ${MAX_TOP_K}, got ${String(topK)}.`,
      { kind: 'vector' },
    );
  }
  return topK;
}
