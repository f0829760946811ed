import type { SqlValue } from '@orch/core/adapter-kit';

/**
 * Values as pg binds them. pg turns any object it does not know into JSON, which would store a
 * Uint8Array as a JSON object: hand it a Buffer over the same bytes instead. Booleans, Dates
 * (timestamptz) and bigints (as text) pg binds itself.
 */
export function toPgValues(params: readonly SqlValue[]): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (v instanceof Uint8Array && !Buffer.isBuffer(v)) {
      copy ??= [...params];
      copy[i] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    }
  }
  return copy ?? (params as unknown[]);
}

/** pgvector's text form of a vector: `[1,2.5,3]`. */
export function toVectorLiteral(vector: readonly number[]): string {
  return `[${vector.join(',')}]`;
}

/** A vector as pgvector returns it in text form. */
export function fromVectorLiteral(text: string): number[] {
  const inner = text.slice(1, -1);
  return inner === '' ? [] : inner.split(',').map(Number);
}

/**
 * A text array in PostgreSQL's array literal form (`{"a","b",NULL}`), for a `$n::text[]`
 * parameter that has to travel as text (through another store's transaction, whose parameters
 * are plain values). The same literal pg sends for a JavaScript array.
 */
export function toTextArrayLiteral(items: readonly (string | null)[]): string {
  const quoted = items.map((s) =>
    s === null ? 'NULL' : `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
  );
  return `{${quoted.join(',')}}`;
}
