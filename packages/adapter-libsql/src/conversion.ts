import type { Row, SqlValue } from '@orch/core';

/**
 * SQLite has no boolean or date type: booleans are bound as 1/0 and dates as ISO-8601 text, as
 * in @orch/adapter-sqlite. (libsql aborts the whole process on a boolean parameter, so this is
 * not optional.) Byte arrays are bound as Buffers.
 */
export function toLibsqlValue(value: SqlValue): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value))
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

export function toLibsqlParams(params: readonly SqlValue[]): unknown[] {
  return params.map(toLibsqlValue);
}

/**
 * Booleans and Dates converted before a value crosses into a worker thread (a Date would arrive
 * as a Date, but a boolean must never reach libsql: it aborts the process).
 */
export function bindable(params: readonly SqlValue[]): unknown[] {
  return params.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v instanceof Date ? v.toISOString() : v));
}

/** libsql returns BLOBs as ArrayBuffer: hand out Uint8Array-compatible Buffers as better-sqlite3 does. */
function fromLibsqlValue(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (
    typeof value === 'bigint' &&
    value <= BigInt(Number.MAX_SAFE_INTEGER) &&
    value >= BigInt(Number.MIN_SAFE_INTEGER)
  )
    return Number(value);
  return value;
}

/** Copy an embedded libsql row without its extra enumerable `_metadata` property. */
export function stripRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const k in row) if (k !== '_metadata') out[k] = fromLibsqlValue(row[k]);
  return out;
}

/** Turn an @libsql/client row (array-like with column names) into a plain object. */
export function rowFromColumns(columns: readonly string[], row: ArrayLike<unknown>): Row {
  const out: Row = {};
  for (let i = 0; i < columns.length; i++) out[columns[i]!] = fromLibsqlValue(row[i]);
  return out;
}

/** lastInsertRowid as a number when it fits, else the bigint. */
export function rowid(value: number | bigint | undefined): number | bigint | undefined {
  if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return value;
}
