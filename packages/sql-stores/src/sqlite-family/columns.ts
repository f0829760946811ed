/**
 * The columnar form of executeMany parameter sets, for crossing into a worker thread.
 *
 * JSON or a structured clone of 1000 small arrays costs the worker more to decode than SQLite
 * takes to insert them. Column by column it is cheap: a column of numbers is one Float64Array (its
 * buffer is transferred, not copied), a column of strings is one joined string plus a
 * Uint32Array of lengths (the worker slices it), anything else (nulls, blobs, bigints, mixed
 * types) stays a plain array.
 */
export interface ColumnarChunk {
  /** Rows in the chunk. */
  readonly n: number;
  readonly cols: readonly Column[];
}

export type Column = Float64Array | { readonly s: string; readonly l: Uint32Array } | unknown[];

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
