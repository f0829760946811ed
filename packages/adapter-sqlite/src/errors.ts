import { OrchError } from '@orch/core';

import type { DriverErrorLike } from './driver-error.js';

const MAX_SQL_IN_MESSAGE = 200;

/**
 * Map a better-sqlite3 (or libsql) error to an OrchError by its SQLite result code. The SQL text
 * may appear in the message (it is the caller's own code); bound parameter values never do, and
 * SQLite's own messages do not contain them.
 *
 * @example
 * mapSqliteError(err, 'INSERT INTO t VALUES (?)').code; // 'ORCH_CONSTRAINT_VIOLATION' for SQLITE_CONSTRAINT_UNIQUE
 */
export function mapSqliteError(err: unknown, sql: string): OrchError {
  const e = (err ?? {}) as Partial<DriverErrorLike>;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const code = typeof e.code === 'string' ? e.code : undefined;
  const statement = sql.length > MAX_SQL_IN_MESSAGE ? `${sql.slice(0, MAX_SQL_IN_MESSAGE)}…` : sql;
  const details = code ? { sqliteCode: code } : {};
  if (code?.startsWith('SQLITE_CONSTRAINT')) {
    return new OrchError(
      'ORCH_CONSTRAINT_VIOLATION',
      `Constraint violated (${code}): ${message} (in: ${statement})`,
      {
        kind: 'operational',
        cause: err,
        details,
      },
    );
  }
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) {
    return new OrchError(
      'ORCH_BUSY',
      `The database is busy (${code}): ${message}. Another connection holds the lock; retry.`,
      {
        kind: 'operational',
        cause: err,
        details,
        retriable: true,
      },
    );
  }
  if (code?.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_NOTADB') {
    return new OrchError(
      'ORCH_CONNECTION_FAILED',
      `Could not open the SQLite database (${code}): ${message}`,
      {
        kind: 'operational',
        cause: err,
        details,
        retriable: code !== 'SQLITE_NOTADB',
      },
    );
  }
  const what = code ? `${code}: ${message}` : message;
  return new OrchError('ORCH_QUERY_FAILED', `Query failed: ${what} (in: ${statement})`, {
    kind: 'operational',
    cause: err,
    details,
  });
}
