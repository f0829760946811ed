import type { SqlDialect } from '@orch/core';

/**
 * Repositories write SQL once with `?` placeholders; PostgreSQL wants `$1, $2, …`. Question marks
 * inside string literals, quoted identifiers and comments are left alone.
 *
 * @example
 * toDialect('postgres', "SELECT * FROM t WHERE a = ? AND b = '?'"); // "SELECT * FROM t WHERE a = $1 AND b = '?'"
 */
export function toDialect(dialect: SqlDialect, sql: string): string {
  if (dialect === 'sqlite') return sql;
  let out = '';
  let n = 0;
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      out += c;
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      out += `$${++n}`;
    } else out += c;
  }
  return out;
}

/** `?, ?, ?` for an IN list or a multi-row insert. */
export function marks(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
