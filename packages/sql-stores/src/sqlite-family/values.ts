// Values crossing into and out of a SQLite engine, in one place for every SQLite-family store
// (embedded in this thread, in a worker thread, or a remote libsql server). Kept free of
// @orch/core imports: the worker thread loads this file.

/**
 * A value as SQLite stores it. SQLite has no boolean or date type: booleans are bound as 1/0 and
 * dates as ISO-8601 text (which sorts and compares correctly as text). libsql aborts the whole
 * process on a boolean parameter, so this is not optional.
 */
export function toSqliteValue(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * Parameters converted with {@link toSqliteValue}; the same array when nothing needs converting
 * (the common case). What leaves the main thread: the result is JSON-safe whenever the input was
 * made of strings, numbers and nulls plus booleans and Dates.
 */
export function toSqliteParams(params: readonly unknown[]): unknown[] {
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (typeof v === 'boolean' || v instanceof Date) return params.map(toSqliteValue);
  }
  return params as unknown[];
}

/**
 * A value as an embedded engine binds it: {@link toSqliteValue}, and byte arrays as Buffers
 * (what better-sqlite3 and libsql bind; a worker receives plain Uint8Arrays after structured
 * clone), wrapped without copying.
 */
export function toDriverValue(value: unknown): unknown {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value))
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return toSqliteValue(value);
}

/** Parameters converted with {@link toDriverValue}; the same array when nothing needs converting. */
export function toDriverParams(params: readonly unknown[]): unknown[] {
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (typeof v === 'boolean' || (typeof v === 'object' && v !== null && !Buffer.isBuffer(v)))
      return params.map(toDriverValue);
  }
  return params as unknown[];
}

/**
 * A value read from an engine as orch hands it out: BLOBs as Buffers (Uint8Arrays), integers as
 * numbers when they fit (a bigint only beyond 2^53).
 */
export function fromDriverValue(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (typeof value === 'bigint') return narrowInteger(value);
  return value;
}

/** A bigint as a number when it is a safe integer, else unchanged. */
export function narrowInteger(value: number | bigint): number | bigint {
  return typeof value === 'bigint' &&
    value <= BigInt(Number.MAX_SAFE_INTEGER) &&
    value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** A row copied into a plain object of {@link fromDriverValue} values, without libsql's extra `_metadata`. */
export function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in row) if (k !== '_metadata') out[k] = fromDriverValue(row[k]);
  return out;
}

/** A row of a column-array result (@libsql/client) as a plain object of {@link fromDriverValue} values. */
export function rowFromColumns(columns: readonly string[], row: ArrayLike<unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) out[columns[i]!] = fromDriverValue(row[i]);
  return out;
}

/**
 * True when `value` survives a JSON round trip unchanged: strings, finite numbers other than -0,
 * null. Messages made only of these cross the thread boundary as one JSON string, which is
 * several times cheaper to decode than a structured clone.
 */
export function isJsonSafe(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return true;
    case 'number':
      return Number.isFinite(value) && !(value === 0 && 1 / value < 0);
    case 'object':
      return value === null;
    default:
      return false;
  }
}

/** Same for positional parameter arrays. */
export function paramsAreJsonSafe(params: readonly unknown[]): boolean {
  for (let i = 0; i < params.length; i++) if (!isJsonSafe(params[i])) return false;
  return true;
}
