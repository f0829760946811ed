import { OrchError } from '@orch/core';

const MAX_SQL_IN_MESSAGE = 200;
/** @libsql/client codes for a server that cannot be reached or a stream that broke. */
const CONNECTION_CODES = new Set([
  'SERVER_ERROR',
  'HRANA_WEBSOCKET_ERROR',
  'HRANA_CLOSED_ERR',
  'HRANA_PROTO_ERROR',
  'STREAM_EXPIRED',
  'URL_INVALID',
  'URL_SCHEME_NOT_SUPPORTED',
  'URL_PARAM_NOT_SUPPORTED',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
]);

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return undefined;
}

/**
 * Map a libsql (embedded) or @libsql/client (remote) error to an OrchError by its code. The SQL
 * text may appear in the message; bound values never do, and tokens are scrubbed by OrchError.
 *
 * @example
 * mapLibsqlError(err, 'INSERT INTO t VALUES (?)').code; // 'ORCH_CONSTRAINT_VIOLATION' for SQLITE_CONSTRAINT_*
 */
export function mapLibsqlError(err: unknown, sql: string): OrchError {
  const message = err instanceof Error ? err.message : String(err);
  const code = codeOf(err);
  const causeCode = (err as { cause?: { code?: unknown } })?.cause?.code;
  const statement = sql.length > MAX_SQL_IN_MESSAGE ? `${sql.slice(0, MAX_SQL_IN_MESSAGE)}…` : sql;
  const details = code ? { libsqlCode: code } : {};
  const opts = { kind: 'operational' as const, cause: err, details };
  if (code?.startsWith('SQLITE_CONSTRAINT'))
    return new OrchError(
      'ORCH_CONSTRAINT_VIOLATION',
      `Constraint violated (${code}): ${message} (in: ${statement})`,
      opts,
    );
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) {
    return new OrchError('ORCH_BUSY', `The database is busy (${code}): ${message}. Retry.`, {
      ...opts,
      retriable: true,
    });
  }
  if (
    code?.startsWith('SQLITE_CANTOPEN') ||
    code === 'SQLITE_NOTADB' ||
    (code && CONNECTION_CODES.has(code)) ||
    (typeof causeCode === 'string' && CONNECTION_CODES.has(causeCode)) ||
    (err instanceof TypeError && message === 'fetch failed')
  ) {
    return new OrchError('ORCH_CONNECTION_FAILED', `libsql connection failed (${code}): ${message}`, opts);
  }
  if (code === 'SQLITE_AUTH' || code === 'UNAUTHORIZED' || /\b(401|403)\b|unauthori[sz]ed/i.test(message)) {
    return new OrchError('ORCH_CONNECTION_FAILED', `libsql refused the credentials: ${message}`, {
      ...opts,
      retriable: false,
    });
  }
  return new OrchError(
    'ORCH_QUERY_FAILED',
    `Query failed: ${code ? `${code}: ` : ''}${message} (in: ${statement})`,
    opts,
  );
}
