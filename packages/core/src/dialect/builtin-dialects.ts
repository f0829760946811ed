import { OrchError } from '../errors/orch-error.js';
import type { TransactionOptions } from '../operational/operational-store.js';
import { numberPlaceholders } from './placeholders.js';
import type { SqlDialect } from './sql-dialect.js';

const ISOLATION: Readonly<Record<NonNullable<TransactionOptions['isolation']>, string>> = {
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function identifiers(names: readonly string[], where: string): readonly string[] {
  for (const name of names) {
    if (!IDENTIFIER.test(name)) {
      throw new OrchError(
        'ORCH_INVALID_INPUT',
        `${where}: ${JSON.stringify(name)} is not a plain SQL identifier.`,
        {
          kind: 'operational',
        },
      );
    }
  }
  return names;
}

function jsonKey(key: string): string {
  if (!IDENTIFIER.test(key)) {
    throw new OrchError('ORCH_INVALID_INPUT', `jsonText: ${JSON.stringify(key)} is not a plain JSON key.`, {
      kind: 'operational',
    });
  }
  return key;
}

function upsertClause(conflict: readonly string[], update: readonly string[]): string {
  const keys = identifiers(conflict, 'upsert conflict columns').join(', ');
  const sets = identifiers(update, 'upsert update columns').map((c) => `${c} = excluded.${c}`);
  return sets.length === 0
    ? ` ON CONFLICT (${keys}) DO NOTHING`
    : ` ON CONFLICT (${keys}) DO UPDATE SET ${sets.join(', ')}`;
}

/**
 * SQLite (better-sqlite3, libsql, sql.js): `?` placeholders, one writer at a time (`BEGIN
 * IMMEDIATE` takes the write lock up front, so row locks and named locks are not needed).
 */
export const sqliteDialect: SqlDialect = Object.freeze({
  name: 'sqlite',
  placeholders: (sql: string) => sql,
  placeholder: () => '?',
  forUpdate: '',
  transactionLock: () => undefined,
  millisecondsBetween: (from: string, to: string) => `((julianday(${to}) - julianday(${from})) * 86400000.0)`,
  upsert: upsertClause,
  jsonText: (column: string, key: string) =>
    `json_extract(${identifiers([column], 'jsonText')[0]}, '$.${jsonKey(key)}')`,
  returning: (column: string) => ` RETURNING ${identifiers([column], 'returning')[0]}`,
  begin: (options: TransactionOptions) => (options.readOnly ? 'BEGIN DEFERRED' : 'BEGIN IMMEDIATE'),
});

/** PostgreSQL: `$n` placeholders, row locks, transaction-scoped advisory locks. */
export const postgresDialect: SqlDialect = Object.freeze({
  name: 'postgres',
  placeholders: (sql: string) => numberPlaceholders(sql),
  placeholder: (index: number) => `$${index}`,
  forUpdate: ' FOR UPDATE',
  transactionLock: (key: number) => `SELECT pg_advisory_xact_lock(${Math.trunc(key)})`,
  millisecondsBetween: (from: string, to: string) =>
    `(EXTRACT(EPOCH FROM (CAST(${to} AS timestamptz) - CAST(${from} AS timestamptz))) * 1000)`,
  upsert: upsertClause,
  jsonText: (column: string, key: string) =>
    `(CAST(${identifiers([column], 'jsonText')[0]} AS jsonb) ->> '${jsonKey(key)}')`,
  returning: (column: string) => ` RETURNING ${identifiers([column], 'returning')[0]}`,
  begin: (options: TransactionOptions) => {
    const isolation = options.isolation ? ` ISOLATION LEVEL ${ISOLATION[options.isolation]}` : '';
    return `BEGIN${isolation}${options.readOnly ? ' READ ONLY' : ''}`;
  },
});
