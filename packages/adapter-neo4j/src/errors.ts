import { type ConstraintKind, constraintViolation, isOrchError, OrchError } from '@orch/core/adapter-kit';

/** Codes the driver itself gives failures that never reached a server (no `Neo.` prefix). */
export const SERVICE_UNAVAILABLE = 'ServiceUnavailable';
export const SESSION_EXPIRED = 'SessionExpired';

const CONSTRAINT_FAILED = 'Neo.ClientError.Schema.ConstraintValidationFailed';
/** GQLSTATUS codes of the constraint kinds Neo4j tells apart (5.26 reports the generic 50N42 for all). */
const CONSTRAINT_BY_GQL_STATUS: Readonly<Record<string, ConstraintKind>> = {
  '22N77': 'not_null', // property existence
  '22N78': 'check', // property type
  '22N79': 'unique', // property uniqueness
  '22N80': 'unique', // node / relationship key
};

/** Refused or expired credentials, and missing privileges. */
const AUTH_CODES: ReadonlySet<string> = new Set([
  'Neo.ClientError.Security.Unauthorized',
  'Neo.ClientError.Security.AuthenticationRateLimit',
  'Neo.ClientError.Security.CredentialsExpired',
  'Neo.ClientError.Security.TokenExpired',
  'Neo.ClientError.Security.Forbidden',
  'Neo.ClientError.Security.AuthorizationExpired',
]);

/** Statements the server could not even parse or bind: the caller's input is wrong. */
const INVALID_INPUT_CODES: ReadonlySet<string> = new Set([
  'Neo.ClientError.Statement.SyntaxError',
  'Neo.ClientError.Statement.ParameterMissing',
  'Neo.ClientError.Statement.TypeError',
  'Neo.ClientError.Statement.ArgumentError',
]);

const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'Neo.ClientError.Transaction.TransactionTimedOut',
  'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
  'Neo.TransientError.Transaction.TransactionTimedOut',
  'Neo.TransientError.Transaction.TransactionTimedOutClientConfiguration',
]);

const BUSY_CODES: ReadonlySet<string> = new Set([
  'Neo.TransientError.Transaction.DeadlockDetected',
  'Neo.TransientError.Transaction.LockAcquisitionTimeout',
  'Neo.TransientError.Transaction.MaximumTransactionLimitReached',
  'Neo.TransientError.General.MemoryPoolOutOfMemoryError',
  'Neo.TransientError.General.TransactionMemoryLimit',
]);

/** The server or database is (re)starting, gone, or not the one to write to: try again. */
const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  SERVICE_UNAVAILABLE,
  SESSION_EXPIRED,
  'Neo.TransientError.General.DatabaseUnavailable',
  'Neo.ClientError.Cluster.NotALeader',
  'Neo.ClientError.General.ForbiddenOnReadOnlyDatabase',
]);

export interface Neo4jErrorContext {
  readonly operation: string;
}

/** The error's Neo4j code (`Neo.ClientError.…`, or the driver's own `ServiceUnavailable` …). */
export function driverCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function gqlStatusOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const status = (err as { gqlStatus?: unknown }).gqlStatus;
  return typeof status === 'string' ? status : undefined;
}

/**
 * What the driver retries: its own connection failures and every `Neo.TransientError` (except
 * the two the server raises for a transaction that was deliberately stopped). Decided on the
 * code, not `instanceof`, so errors of an injected driver from another copy of neo4j-driver map
 * the same.
 */
export function isRetriableCode(code: string | undefined): boolean {
  if (code === undefined) return false;
  if (code === 'Neo.TransientError.Transaction.Terminated') return false;
  if (code === 'Neo.TransientError.Transaction.LockClientStopped') return false;
  return UNAVAILABLE_CODES.has(code) || code.startsWith('Neo.TransientError.');
}

/** True when the server could not be reached or went away (a restart, a network failure). */
export function isUnavailable(err: unknown): boolean {
  const code = driverCodeOf(err);
  return code !== undefined && UNAVAILABLE_CODES.has(code);
}

/**
 * Turn a neo4j-driver error into an OrchError, deciding on the Neo4j code only (never the
 * message text). Every error carries `details.driverCode` (the Neo4j code) and, where the
 * server sent one, `details.gqlStatus`; the driver error stays as `cause`.
 *
 * - `Neo.ClientError.Schema.ConstraintValidationFailed`: ORCH_CONSTRAINT_VIOLATION (`unique`
 *   unless the GQLSTATUS names another kind)
 * - `Neo.ClientError.Security.Unauthorized` and the other refused-credential codes: ORCH_AUTH_FAILED
 * - `ServiceUnavailable`, `SessionExpired`, a database that is unavailable: retriable
 *   ORCH_CONNECTION_FAILED
 * - transaction timeouts: ORCH_TIMEOUT; deadlocks and lock timeouts: ORCH_BUSY (both retriable)
 * - syntax errors and missing parameters: ORCH_INVALID_INPUT; an unknown database: ORCH_NOT_FOUND
 * - anything else: ORCH_QUERY_FAILED, retriable when the code is transient
 */
export function mapNeo4jError(err: unknown, context: Neo4jErrorContext): OrchError {
  if (isOrchError(err)) return err;
  const driverCode = driverCodeOf(err);
  const gqlStatus = gqlStatusOf(err);
  const text = err instanceof Error ? err.message : String(err);
  const message = `Neo4j ${context.operation} failed: ${text}`;
  const details = {
    driverCode: driverCode ?? (err instanceof Error ? err.name : typeof err),
    ...(gqlStatus !== undefined ? { gqlStatus } : {}),
  };
  const base = { kind: 'graph' as const, cause: err, details };
  if (driverCode === CONSTRAINT_FAILED) {
    return constraintViolation({
      constraint: (gqlStatus && CONSTRAINT_BY_GQL_STATUS[gqlStatus]) || 'unique',
      driverCode,
      kind: 'graph',
      message: text,
      cause: err,
    }).withDetails(gqlStatus !== undefined ? { gqlStatus } : {});
  }
  if (driverCode !== undefined && AUTH_CODES.has(driverCode)) {
    return new OrchError(
      'ORCH_AUTH_FAILED',
      `${message} Check the user and password (in the URL or the username and password options).`,
      { ...base, retriable: driverCode === 'Neo.ClientError.Security.AuthorizationExpired' },
    );
  }
  if (driverCode !== undefined && UNAVAILABLE_CODES.has(driverCode)) {
    return new OrchError(
      'ORCH_CONNECTION_FAILED',
      `${message} Check that the Neo4j server is running and reachable.`,
      { ...base, retriable: true },
    );
  }
  if (driverCode !== undefined && TIMEOUT_CODES.has(driverCode)) {
    return new OrchError('ORCH_TIMEOUT', message, { ...base, retriable: true });
  }
  if (driverCode !== undefined && BUSY_CODES.has(driverCode)) {
    return new OrchError('ORCH_BUSY', message, { ...base, retriable: true });
  }
  if (driverCode !== undefined && INVALID_INPUT_CODES.has(driverCode)) {
    return new OrchError('ORCH_INVALID_INPUT', message, { ...base, retriable: false });
  }
  if (driverCode === 'Neo.ClientError.Database.DatabaseNotFound') {
    return new OrchError('ORCH_NOT_FOUND', `${message} Check the database option.`, {
      ...base,
      retriable: false,
    });
  }
  return new OrchError('ORCH_QUERY_FAILED', message, { ...base, retriable: isRetriableCode(driverCode) });
}
