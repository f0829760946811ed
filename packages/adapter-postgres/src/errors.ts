import { type ConstraintKind, constraintViolation, OrchError, type StoreKind } from '@orch/core/adapter-kit';
import pg from 'pg';

/** SQLSTATE codes of integrity violations and the constraint kind each reports. */
const CONSTRAINTS: Readonly<Record<string, ConstraintKind>> = {
  '23505': 'unique',
  '23502': 'not_null',
  '23503': 'foreign_key',
  '23514': 'check',
  '23P01': 'other',
  '23000': 'other',
  '23001': 'other',
};

/** Node's socket error codes that mean the server cannot be reached right now. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** What pg reports on a server error (`DatabaseError`). */
type PgServerError = pg.DatabaseError;

/**
 * Map a pg failure to an OrchError. Server errors are classified by SQLSTATE; errors without
 * one come from the connection (refused, reset, dropped mid-query, pool timeout) and are
 * retriable. The SQLSTATE or socket code is kept as `details.driverCode`.
 */
export function mapPgError(err: unknown, kind: StoreKind, what: string): OrchError {
  if (err instanceof pg.DatabaseError) return mapServerError(err, kind, what);
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && code.length === 5 && /^[0-9A-Z]{5}$/.test(code)) {
    return mapServerError(err as PgServerError, kind, what);
  }
  if (typeof code === 'string' && !UNREACHABLE.has(code) && code !== 'ENOTFOUND') {
    return new OrchError('ORCH_QUERY_FAILED', `PostgreSQL ${what} failed: ${message}`, {
      kind,
      cause: err,
      details: { driverCode: code },
    });
  }
  return new OrchError(
    'ORCH_CONNECTION_FAILED',
    `PostgreSQL ${what} failed: the server could not be reached or dropped the connection (${message}). Check that it is running; the call can be retried.`,
    {
      kind,
      cause: err,
      retriable: code !== 'ENOTFOUND',
      details: { driverCode: typeof code === 'string' ? code : 'connection' },
    },
  );
}

function mapServerError(err: PgServerError, kind: StoreKind, what: string): OrchError {
  const code = err.code ?? '';
  const constraint = CONSTRAINTS[code];
  if (constraint) {
    return constraintViolation({
      constraint,
      fields: fieldsOf(err),
      driverCode: code,
      name: err.constraint,
      kind,
      message: err.message,
      cause: err,
    });
  }
  const details = { driverCode: code };
  const base = `PostgreSQL ${what} failed: ${err.message}`;
  switch (code) {
    case '40001':
    case '40P01':
      return new OrchError(
        'ORCH_CONFLICT',
        `${base}. Another transaction changed the same rows; run the transaction again (transaction(fn, { retries })).`,
        { kind, cause: err, retriable: true, details },
      );
    case '55P03':
      return new OrchError('ORCH_BUSY', base, { kind, cause: err, details });
    case '57014':
      return new OrchError('ORCH_TIMEOUT', `${base} (the statement ran longer than statement_timeout).`, {
        kind,
        cause: err,
        details,
      });
    case '28P01':
    case '28000':
      return new OrchError(
        'ORCH_AUTH_FAILED',
        'PostgreSQL refused the credentials: check the user name and password in the URL or options.',
        { kind, cause: err, details },
      );
    case '3D000':
      return new OrchError(
        'ORCH_INVALID_CONFIG',
        `${base}. Create the database or fix its name in the URL.`,
        {
          kind,
          cause: err,
          details,
        },
      );
  }
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') {
    return new OrchError('ORCH_CONNECTION_FAILED', `${base}. The call can be retried.`, {
      kind,
      cause: err,
      retriable: true,
      details,
    });
  }
  return new OrchError('ORCH_QUERY_FAILED', base, { kind, cause: err, details });
}

/** The columns a violation names: `column` for NOT NULL, the key list in `detail` for UNIQUE. */
function fieldsOf(err: PgServerError): string[] | undefined {
  if (err.column) return [err.table ? `${err.table}.${err.column}` : err.column];
  // "Key (a, b)=(1, 2) already exists.": PostgreSQL's only report of a unique key's columns.
  const key = err.detail?.startsWith('Key (') ? err.detail.slice(5, err.detail.indexOf(')=(')) : undefined;
  if (!key) return undefined;
  const columns = key.split(', ');
  return err.table ? columns.map((c) => `${err.table}.${c}`) : columns;
}
