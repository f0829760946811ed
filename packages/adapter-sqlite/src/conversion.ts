/**
 * Values crossing into better-sqlite3. SQLite has no boolean or date type: booleans are bound as
 * 1/0 and dates as ISO-8601 text (which sorts and compares correctly as text). better-sqlite3
 * binds Buffers, so a plain Uint8Array (what a worker receives after structured clone) is wrapped
 * without copying.
 */
export function toDriverValue(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value))
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

/** Convert a parameter array, returning the same array when nothing needs converting (the common case). */
export function toDriverParams(params: readonly unknown[]): unknown[] {
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (typeof v === 'boolean' || (typeof v === 'object' && v !== null && !Buffer.isBuffer(v)))
      return params.map(toDriverValue);
  }
  return params as unknown[];
}

/**
 * True when `value` survives a JSON round trip unchanged: strings, finite numbers other than -0,
 * null. Rows made only of these cross the thread boundary as one JSON string, which is several
 * times cheaper for the main thread to decode than a structured clone.
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

/** True when every value of every row is {@link isJsonSafe}. */
export function rowsAreJsonSafe(rows: readonly unknown[]): boolean {
  for (const row of rows) {
    const r = row as Record<string, unknown>;
    for (const k in r) if (!isJsonSafe(r[k])) return false;
  }
  return true;
}

/** Same for positional parameter arrays. */
export function paramsAreJsonSafe(params: readonly unknown[]): boolean {
  for (let i = 0; i < params.length; i++) if (!isJsonSafe(params[i])) return false;
  return true;
}
