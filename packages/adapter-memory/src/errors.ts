import { OrchError } from '@orch/core';

/**
 * sql.js reports errors as plain messages without SQLite result codes, so the mapping reads the
 * message text SQLite itself produces.
 */
export function mapSqlJsError(err: unknown, sql: string): OrchError {
  const message = err instanceof Error ? err.message : String(err);
  const statement = sql.length > 200 ? `${sql.slice(0, 200)}…` : sql;
  if (/constraint failed/i.test(message)) {
    return new OrchError('ORCH_CONSTRAINT_VIOLATION', `Constraint violated: ${message} (in: ${statement})`, {
      kind: 'operational',
      cause: err,
    });
  }
  if (/database is locked|busy/i.test(message)) {
    return new OrchError('ORCH_BUSY', `Database busy: ${message}`, { kind: 'operational', cause: err });
  }
  return new OrchError('ORCH_QUERY_FAILED', `Query failed: ${message} (in: ${statement})`, {
    kind: 'operational',
    cause: err,
  });
}
