import type { SqlValue } from '@orch/core';

/**
 * Lists up to this long are spelled out as placeholders; longer ones go as one JSON array. A
 * spelled-out list plans as key lookups (so with better-sqlite3 it can be answered in the caller's
 * thread); the JSON array plans as a table-valued function, answered by a reader thread, which
 * suits a list that long anyway.
 */
const MAX_SPELLED = 256;

/**
 * `column` equal to one of `values`, as a SQL condition and its parameters. One value is matched
 * with `=`; a few with `IN (?, …)`, the list padded to the next power of two by repeating its
 * first value, so a handful of SQL texts (and prepared statements) serve every length; more
 * through one JSON array parameter.
 *
 * @example
 * anyOf('id', ['a']); // { sql: 'id = ?', params: ['a'] }
 * anyOf('id', ['a', 'b', 'c']); // { sql: 'id IN (?, ?, ?, ?)', params: ['a', 'b', 'c', 'a'] }
 */
export function anyOf(column: string, values: readonly string[]): { sql: string; params: SqlValue[] } {
  if (values.length === 1) return { sql: `${column} = ?`, params: [values[0]!] };
  if (values.length === 0 || values.length > MAX_SPELLED)
    return { sql: `${column} IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(values)] };
  let size = 2;
  while (size < values.length) size *= 2;
  const params: SqlValue[] = [...values];
  while (params.length < size) params.push(values[0]!);
  return { sql: `${column} IN (${new Array(size).fill('?').join(', ')})`, params };
}
