import { endianness } from 'node:os';

// Typed arrays use the platform's byte order; both engines read vectors as little-endian float32.
const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Encode a vector as a little-endian Float32 blob, the format sqlite-vec reads from a BLOB and
 * libsql stores in an `F32_BLOB(n)` column (4 bytes per component, no header).
 *
 * @example
 * encodeVector([1, 0]); // Uint8Array(8) [0, 0, 128, 63, 0, 0, 0, 0]
 */
export function encodeVector(vector: ArrayLike<number>): Uint8Array {
  if (LITTLE_ENDIAN) {
    // The constructor copies an array by index; `Float32Array.from` goes through its iterator.
    const floats = new Float32Array(vector as ArrayLike<number>);
    return new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);
  }
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i]!, true);
  return bytes;
}

/**
 * {@link encodeVector} and {@link normF32} for many vectors of one dimension at once: the blobs
 * are views into one buffer (one allocation for a whole upsert instead of one per record, which
 * costs more than the copying), and each norm is summed from the float32 values as they are
 * written.
 *
 * @example
 * const { blobs, norms } = encodeVectors([[3, 4], [1, 0]], 2); // norms: [5, 1]
 */
export function encodeVectors(
  vectors: readonly ArrayLike<number>[],
  dimension: number,
): { blobs: Uint8Array[]; norms: number[] } {
  const n = vectors.length;
  const blobs = new Array<Uint8Array>(n);
  const norms = new Array<number>(n);
  if (!LITTLE_ENDIAN) {
    for (let r = 0; r < n; r++) {
      blobs[r] = encodeVector(vectors[r]!);
      norms[r] = normF32(vectors[r]!);
    }
    return { blobs, norms };
  }
  const all = new Float32Array(n * dimension);
  for (let r = 0, base = 0; r < n; r++, base += dimension) {
    const v = vectors[r]!;
    let sum = 0;
    for (let i = 0; i < dimension; i++) {
      const stored = Math.fround(v[i]!);
      all[base + i] = stored;
      sum += stored * stored;
    }
    blobs[r] = new Uint8Array(all.buffer, base * 4, dimension * 4);
    norms[r] = Math.sqrt(sum);
  }
  return { blobs, norms };
}

/**
 * Decode a little-endian Float32 blob as returned by a driver (Buffer, Uint8Array or ArrayBuffer,
 * possibly at an unaligned offset inside a larger buffer) into plain numbers.
 *
 * @example
 * decodeVector(encodeVector([0.5, -2])); // [0.5, -2]
 */
export function decodeVector(blob: unknown): number[] {
  const bytes = toBytes(blob);
  if (bytes.byteLength % 4 !== 0)
    throw new Error(`A float32 vector blob has a length divisible by 4, got ${bytes.byteLength}.`);
  const n = bytes.byteLength / 4;
  const out = new Array<number>(n);
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) {
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, n);
    for (let i = 0; i < n; i++) out[i] = floats[i]!;
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * The Euclidean norm of the vector as the engine stores it (rounded to float32), computed in
 * double precision. Kept per row so the inner product can be derived from the cosine distance.
 *
 * @example
 * normF32([3, 4]); // 5
 */
export function normF32(vector: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) {
    const v = Math.fround(vector[i]!);
    sum += v * v;
  }
  return Math.sqrt(sum);
}

function toBytes(blob: unknown): Uint8Array {
  if (blob instanceof Uint8Array) return blob;
  if (blob instanceof ArrayBuffer) return new Uint8Array(blob);
  if (ArrayBuffer.isView(blob)) return new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
  throw new Error(`Expected a vector blob, got ${blob === null ? 'null' : typeof blob}.`);
}
