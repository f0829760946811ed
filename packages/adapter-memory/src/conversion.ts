import type { SqlValue } from '@orch/core';
import type { SqlValue as SqlJsValue } from 'sql.js';

/** SQLite has no boolean or date type: store 1/0 and ISO-8601 text, as the file adapters do. */
export function toSqlJs(value: SqlValue): SqlJsValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      // sql.js binds numbers as doubles; beyond 2^53 a bigint would be silently rounded.
      return value.toString();
    }
    return Number(value);
  }
  return value;
}
