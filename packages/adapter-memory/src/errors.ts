import { type ConstraintKind, constraintViolation, OrchError } from '@orch/core/adapter-kit';

/** SQLite's primary result codes that matter here (sqlite3.h). */
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CONSTRAINT = 19;

/** SQLite's names for the primary result codes, reported as `details.driverCode`. */
const CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'SQLITE_ERROR',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  13: 'SQLITE_FULL',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  25: 'SQLITE_RANGE',
};

const codeName = (code: number) => CODE_NAMES[code] ?? `SQLITE_${code}`;

/** The primary SQLite result code sql.js saw, attached by {@link recordResultCodes}. */
const RESULT_CODE = Symbol('orch.sqljs.resultCode');

type CodedError = Error & { [RESULT_CODE]?: number };

/**
 * sql.js throws plain `Error`s with SQLite's message only. Wrap the database's error hook so
 * each error also carries the result code SQLite returned; the mapping branches on that code.
 */
export function recordResultCodes(db: { handleError(returnCode: number): unknown }): void {
  const original = db.handleError.bind(db);
  db.handleError = (returnCode: number) => {
    try {
      return original(returnCode);
    } catch (err) {
      if (err instanceof Error) (err as CodedError)[RESULT_CODE] = returnCode;
      throw err;
    }
  };
}

/**
 * sql.js builds SQLite without extended result codes, so the constraint kind is read from the
 * fixed prefix SQLite writes ("UNIQUE constraint failed: t.a"): the only source there is. It
 * fills details only; the error code comes from the result code.
 */
const CONSTRAINT_PREFIXES: readonly [string, ConstraintKind][] = [
  ['UNIQUE constraint failed: ', 'unique'],
  ['NOT NULL constraint failed: ', 'not_null'],
  ['FOREIGN KEY constraint failed', 'foreign_key'],
  ['CHECK constraint failed: ', 'check'],
];

export function mapSqlJsError(err: unknown, sql: string | undefined): OrchError {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof Error ? (err as CodedError)[RESULT_CODE] : undefined;
  const statement = sql === undefined ? '' : ` (in: ${sql.length > 200 ? `${sql.slice(0, 200)}…` : sql})`;
  if (code === SQLITE_CONSTRAINT) {
    const known = CONSTRAINT_PREFIXES.find(([prefix]) => message.startsWith(prefix));
    const fields =
      known && known[1] !== 'foreign_key' && known[1] !== 'check'
        ? message.slice(known[0].length).split(', ')
        : undefined;
    return constraintViolation({
      constraint: known?.[1] ?? 'other',
      fields,
      driverCode: codeName(code),
      kind: 'operational',
      message: `${message}${statement}`,
      cause: err,
    });
  }
  if (code === SQLITE_BUSY || code === SQLITE_LOCKED) {
    return new OrchError('ORCH_BUSY', `Database busy: ${message}`, {
      kind: 'operational',
      cause: err,
      details: { driverCode: codeName(code) },
    });
  }
  return new OrchError('ORCH_QUERY_FAILED', `Query failed: ${message}${statement}`, {
    kind: 'operational',
    cause: err,
    ...(code === undefined ? {} : { details: { driverCode: codeName(code) } }),
  });
}
