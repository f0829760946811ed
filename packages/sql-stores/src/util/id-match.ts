import type { SqlValue } from '@orch/core';

/**
 * `column` equal to one of `ids`, as a SQL condition and its parameters. One id is matched with
 * `=`, whose plan is a key lookup (so the engine can answer it as a point read, without a reader
 * thread); more go through one JSON array parameter, whatever their number.
 *
 * @example
 * const match = idMatch('id', ['a']); // { sql: 'id = ?', params: ['a'] }
 */
export function idMatch(column: string, ids: readonly string[]): { sql: string; params: SqlValue[] } {
  if (ids.length === 1) return { sql: `${column} = ?`, params: [ids[0]!] };
  return { sql: `${column} IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(ids)] };
}
