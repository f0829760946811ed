/**
 * The columnar form of executeMany parameter sets, for crossing into a worker thread.
 *
 * JSON or a structured clone of 1000 small arrays costs the worker more to decode than SQLite
 * takes to insert them. Column by column it is cheap: a column of numbers is one Float64Array (its
 * buffer is transferred, not copied), a column of strings is one joined string plus a
 * Uint32Array of lengths (the worker slices it), a column of byte arrays (vectors, mostly) is
 * one buffer plus lengths the same way (transferred: a structured clone of a thousand small
 * Uint8Arrays costs both threads more than copying their bytes once), anything else (nulls,
 * bigints, mixed types) stays a plain array.
 */
export interface ColumnarChunk {
  /** Rows in the chunk. */
  readonly n: number;
  readonly cols: readonly Column[];
}

export type Column = Float64Array | TextColumn | BytesColumn | unknown[];

/** Strings of a column joined, and each one's length. */
export interface TextColumn {
  readonly s: string;
  readonly l: Uint32Array;
}

/** Byte arrays of a column end to end in one buffer, and each one's length. */
export interface BytesColumn {
  readonly b: Uint8Array;
  readonly l: Uint32Array;
}

/** Encode rows `start..end` of equally long parameter sets (booleans and Dates already converted). */
export function encodeColumns(
  sets: readonly (readonly unknown[])[],
  start: number,
  end: number,
  width: number,
): { chunk: ColumnarChunk; transfer: ArrayBuffer[] } {
  const n = end - start;
  const cols: Column[] = new Array(width);
  const transfer: ArrayBuffer[] = [];
  for (let k = 0; k < width; k++) {
    const first = sets[start]![k];
    if (typeof first === 'number') {
      const out = new Float64Array(n);
      let ok = true;
      for (let i = 0; i < n; i++) {
        const v = sets[start + i]![k];
        if (typeof v !== 'number') {
          ok = false;
          break;
        }
        out[i] = v;
      }
      if (ok) {
        cols[k] = out;
        transfer.push(out.buffer);
        continue;
      }
    } else if (first instanceof Uint8Array) {
      const bytes = bytesColumn(sets, start, n, k);
      if (bytes) {
        cols[k] = bytes;
        transfer.push(bytes.b.buffer as ArrayBuffer, bytes.l.buffer as ArrayBuffer);
        continue;
      }
    } else if (typeof first === 'string') {
      const parts: string[] = new Array(n);
      const lengths = new Uint32Array(n);
      let ok = true;
      for (let i = 0; i < n; i++) {
        const v = sets[start + i]![k];
        if (typeof v !== 'string') {
          ok = false;
          break;
        }
        parts[i] = v;
        lengths[i] = v.length;
      }
      if (ok) {
        cols[k] = { s: parts.join(''), l: lengths };
        transfer.push(lengths.buffer);
        continue;
      }
    }
    const plain: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) plain[i] = sets[start + i]![k];
    cols[k] = plain;
  }
  return { chunk: { n, cols }, transfer };
}

/** Column `k` of rows `start..start + n` as one buffer, if every value in it is a byte array. */
function bytesColumn(
  sets: readonly (readonly unknown[])[],
  start: number,
  n: number,
  k: number,
): BytesColumn | undefined {
  const lengths = new Uint32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = sets[start + i]![k];
    if (!(v instanceof Uint8Array)) return undefined;
    lengths[i] = v.byteLength;
    total += v.byteLength;
  }
  const b = new Uint8Array(total);
  for (let i = 0, off = 0; i < n; i++) {
    const v = sets[start + i]![k] as Uint8Array;
    b.set(v, off);
    off += v.byteLength;
  }
  return { b, l: lengths };
}
