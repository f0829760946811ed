import type { ConstraintKind, StoreKind } from '@orch/core';
import { constraintViolation, type DriverErrorContext, OrchError } from '@orch/core/adapter-kit';

const MAX_SQL_IN_MESSAGE = 200;

/** SQLite's extended result codes of constraint failures, by the constraint they name. */
const CONSTRAINT_CODES: Readonly<Record<string, ConstraintKind>> = {
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_ROWID: 'unique',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
  SQLITE_CONSTRAINT_CHECK: 'check',
};

/**
 * The wording of SQLite's own constraint messages ("UNIQUE constraint failed: t.a, t.b"). Read as
 * data only: the columns a message names, and, where the engine's code is only the primary
 * `SQLITE_CONSTRAINT` (a remote sqld answers no extended codes over its protocol), which
 * constraint it reports. The orch code never depends on it.
 */
const CONSTRAINT_MESSAGE = /\b(UNIQUE|PRIMARY KEY|NOT NULL|FOREIGN KEY|CHECK) constraint failed(?:: (.+))?$/;
const REPORTED: Readonly<Record<string, ConstraintKind>> = {
  UNIQUE: 'unique',
  'PRIMARY KEY': 'unique',
  'NOT NULL': 'not_null',
  'FOREIGN KEY': 'foreign_key',
  CHECK: 'check',
};

/** @libsql/client codes for a server that cannot be reached or a stream that broke. */
const CONNECTION_CODES = new Set([
  'SERVER_ERROR',
  'HRANA_WEBSOCKET_ERROR',
  'HRANA_CLOSED_ERROR',
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
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);
/** HTTP statuses of a server that refused the credentials. */
const AUTH_STATUSES = new Set([401, 403]);

interface ErrorFacts {
  readonly message: string;
  /** The engine's own code: SQLite's extended result code, or @libsql/client's code. */
  readonly code: string | undefined;
  /** The code of the error's cause (a network error under `fetch failed`, a server error). */
  readonly causeCode: string | undefined;
  /** The HTTP status a remote server answered with, when it refused the request. */
  readonly status: number | undefined;
}

function factsOf(err: unknown): ErrorFacts {
  const e = (err ?? {}) as { message?: unknown; code?: unknown; status?: unknown; cause?: unknown };
  const cause = (e.cause ?? {}) as { code?: unknown; status?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const causeCode = typeof cause.code === 'string' ? cause.code : undefined;
  const status =
    typeof e.status === 'number' ? e.status : typeof cause.status === 'number' ? cause.status : undefined;
  return { message: typeof e.message === 'string' ? e.message : String(err), code, causeCode, status };
}

function constraintOf(facts: ErrorFacts): { kind: ConstraintKind; fields: string[] } {
  const match = CONSTRAINT_MESSAGE.exec(facts.message);
  const byCode = facts.code === undefined ? undefined : CONSTRAINT_CODES[facts.code];
  const reported = facts.code === 'SQLITE_CONSTRAINT' && match ? REPORTED[match[1]!] : undefined;
  const kind = byCode ?? reported ?? 'other';
  // Only UNIQUE and NOT NULL messages list columns ("t.a, t.b"); a CHECK message quotes the rule.
  const fields =
    (kind === 'unique' || kind === 'not_null') && match?.[2] ? match[2].split(', ').map((f) => f.trim()) : [];
  return { kind, fields };
}

/**
 * Map an error of a SQLite-family engine (better-sqlite3, libsql, or a remote sqld / Turso server
 * through @libsql/client) to an OrchError by its code, keeping the engine's code in
 * `details.driverCode`. Constraint violations say which constraint (`details.constraint`) and the
 * columns the engine named (`details.fields`). The SQL text may appear in the message (it is the
 * caller's own code); bound parameter values never do, and SQLite's own messages do not contain
 * them.
 *
 * @example
 * mapSqliteError(err, { operation: 'execute', sql: 'INSERT INTO t VALUES (?)' }).details.constraint; // 'unique'
 */
export function mapSqliteError(
  err: unknown,
  context: DriverErrorContext,
  kind: StoreKind = 'operational',
): OrchError {
  const facts = factsOf(err);
  const { message, code, causeCode, status } = facts;
  const driverCode = code ?? causeCode;
  const details = {
    ...(driverCode !== undefined ? { driverCode } : {}),
    ...(status !== undefined ? { httpStatus: status } : {}),
  };
  const sql = context.sql;
  const where = sql
    ? ` (in: ${sql.length > MAX_SQL_IN_MESSAGE ? `${sql.slice(0, MAX_SQL_IN_MESSAGE)}…` : sql})`
    : ` (during ${context.operation})`;
  if (code?.startsWith('SQLITE_CONSTRAINT')) {
    const { kind: constraint, fields } = constraintOf(facts);
    return constraintViolation({
      constraint,
      fields,
      driverCode: code,
      kind,
      message: `${code}: ${message}${where}`,
      cause: err,
    });
  }
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) {
    return new OrchError(
      'ORCH_BUSY',
      `The database is busy (${code}): ${message}. Another connection holds the lock; retry.`,
      { kind, cause: err, details, retriable: true },
    );
  }
  if (status !== undefined && AUTH_STATUSES.has(status)) {
    return new OrchError(
      'ORCH_AUTH_FAILED',
      `The libsql server refused the credentials (HTTP ${status}): check the auth token.`,
      { kind, cause: err, details, retriable: false },
    );
  }
  if (code?.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_NOTADB') {
    return new OrchError('ORCH_CONNECTION_FAILED', `Could not open the database (${code}): ${message}`, {
      kind,
      cause: err,
      details,
      retriable: code !== 'SQLITE_NOTADB',
    });
  }
  if ((code && CONNECTION_CODES.has(code)) || (causeCode && CONNECTION_CODES.has(causeCode))) {
    return new OrchError(
      'ORCH_CONNECTION_FAILED',
      `The connection to the database failed (${driverCode}): ${message}`,
      { kind, cause: err, details },
    );
  }
  return new OrchError('ORCH_QUERY_FAILED', `Query failed: ${code ? `${code}: ` : ''}${message}${where}`, {
    kind,
    cause: err,
    details,
  });
}

/**
 * An error while opening a database: as {@link mapSqliteError}, but anything that is not already
 * a more precise failure (busy, bad credentials) is `ORCH_CONNECTION_FAILED`.
 */
export function mapConnectError(err: unknown, kind: StoreKind = 'operational'): OrchError {
  const mapped = mapSqliteError(err, { operation: 'connect' }, kind);
  if (mapped.code !== 'ORCH_QUERY_FAILED') return mapped;
  const { message } = factsOf(err);
  return new OrchError('ORCH_CONNECTION_FAILED', `Could not open the database: ${message}`, {
    kind,
    cause: err,
    details: mapped.details,
  });
}

/** The engine's code of a driver error, if it has one. */
export function driverCodeOf(err: unknown): string | undefined {
  return factsOf(err).code;
}
