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
 * vectors are `ORCH_INVALID_INPUT`; a wrong length is `ORCH_DIMENSION_MISMATCH`; components are
 * checked by {@link vectorComponents}; a vector that is zero in float32 cannot be compared by cosine.
 */
export function validateVector(vector: unknown, collection: CollectionInfo, where: string): number[] {
  // Checked before the components: a wrong length is reported as such, even with bad components.
  if (isVectorLike(vector) && vector.length !== 0 && vector.length !== collection.dimension) {
    throw new OrchError(
      'ORCH_DIMENSION_MISMATCH',
      `${where}: vector has ${vector.length} dimensions but collection "${collection.name}" has ${collection.dimension}.`,
      { kind: 'vector', details: { expected: collection.dimension, actual: vector.length } },
    );
  }
  const { values, normSquared } = vectorComponents(vector, `${where}: vector`);
  if (collection.metric === 'cosine' && normSquared === 0) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `${where}: a zero vector has no direction, so cosine similarity is undefined.`,
      { kind: 'vector' },
    );
  }
  return values;
}

/**
 * Check a vector's components and copy them into a plain array, so the caller may reuse its array
 * while a write is in flight. The vector is an array of numbers, a Float32Array or a Float64Array,
 * not empty; every component is a finite number within the float32 range (every engine orch
 * targets keeps components as float32, where a larger value becomes ±Infinity and every distance
 * nonsense). `normSquared` is the squared norm of the float32 values (0: zero once stored).
 * `name` names the vector in messages.
 *
 * @example
 * vectorComponents(new Float32Array([3, 4]), 'embedding.vector'); // { values: [3, 4], normSquared: 25 }
 * vectorComponents([1, 1e39], 'embedding.vector'); // throws ORCH_INVALID_INPUT naming embedding.vector[1]
 */
export function vectorComponents(vector: unknown, name: string): { values: number[]; normSquared: number } {
  if (!isVectorLike(vector)) {
    throw new OrchError('ORCH_INVALID_INPUT', `${name} must be an array of numbers or a Float32Array.`, {
      kind: 'vector',
    });
  }
  if (vector.length === 0) throw new OrchError('ORCH_INVALID_INPUT', `${name} is empty.`, { kind: 'vector' });
  if (!Array.isArray(vector)) return typedComponents(vector, name);
  // Copied first and then checked, so the check reads the copy while it is still in cache (one
  // pass over the caller's memory, not two).
  const values = (vector as unknown[]).slice();
  let normSquared = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const stored = typeof v === 'number' ? Math.fround(v) : Number.NaN;
    if (!Number.isFinite(stored)) throw componentError(name, i, v);
    normSquared += stored * stored;
  }
  return { values: values as number[], normSquared };
}

/**
 * A typed array's components copied and checked in one pass, into an array allocated at its
 * final length. That array is "holey" to V8 (JSON.stringify walks it about a third slower than a
 * packed one), but growing a packed one element by element reallocates it a dozen times on the
 * way to a few hundred components: twice the time and most of the garbage of a large upsert, a
 * cost every store pays, for a gain only the stores that send vectors as JSON see. (`Array.from`
 * walks the typed array through its iterator: slower than both.)
 */
function typedComponents(
  vector: Float32Array | Float64Array,
  name: string,
): { values: number[]; normSquared: number } {
  const values = new Array<number>(vector.length);
  let normSquared = 0;
  for (let i = 0; i < vector.length; i++) {
    const v = vector[i]!;
    const stored = Math.fround(v);
    if (!Number.isFinite(stored)) throw componentError(name, i, v);
    values[i] = v;
    normSquared += stored * stored;
  }
  return { values, normSquared };
}

function componentError(name: string, index: number, value: unknown): OrchError {
  return new OrchError(
    'ORCH_INVALID_INPUT',
    `${name}[${index}] is ${String(value)}; every component must be a finite number within the float32 range (±${FLOAT32_MAX.toExponential(7)}), as vector stores keep them.`,
    { kind: 'vector', details: { index } },
  );
}

function isVectorLike(vector: unknown): vector is unknown[] | Float32Array | Float64Array {
  return Array.isArray(vector) || vector instanceof Float32Array || vector instanceof Float64Array;
}

/** The largest finite float32: larger components round to ±Infinity when a store keeps them. */
const FLOAT32_MAX = 3.4028234663852886e38;

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
