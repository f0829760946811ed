import { isOrchError, OrchError, type SqlExecutor } from '@orch/core';
import { MIGRATIONS } from './index.js';
import type { Migration } from './migration.js';
import { schemaVersion } from './schema-version.js';

/** The schema version the repositories need: the id of the last migration. */
export function requiredSchemaVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations[migrations.length - 1]?.id ?? 0;
}

/**
 * The error of a store used before `migrate()` brought its schema up to date:
 * `ORCH_INVALID_CONFIG` (the setup is incomplete; nothing is wrong with any row), with
 * `details.reason` `'not-migrated'` and both versions.
 */
export function notMigrated(current: number, cause?: unknown): OrchError {
  const required = requiredSchemaVersion();
  return new OrchError(
    'ORCH_INVALID_CONFIG',
    `The operational database schema is at version ${current} but @orch/unified needs version ${required}: run migrate() first (db.migrate() or migrate(store); UnifiedDatabaseManager.open() runs it unless given migrate: false).`,
    {
      kind: 'operational',
      cause,
      details: { reason: 'not-migrated', schemaVersion: current, requiredSchemaVersion: required },
    },
  );
}

/** Reject with {@link notMigrated} unless the store's schema is current. */
export async function assertMigrated(executor: SqlExecutor): Promise<void> {
  const current = await schemaVersion(executor);
  if (current < requiredSchemaVersion()) throw notMigrated(current);
}

/**
 * For a failed statement: {@link notMigrated} when the schema is behind (the statement failed
 * because its tables or columns do not exist yet), else the error itself. Decided from the
 * migrations table, never from the driver's message; when the store cannot say, the original
 * error stands.
 */
export async function explainSchemaError(executor: SqlExecutor, err: unknown): Promise<unknown> {
  if (!isOrchError(err, 'ORCH_QUERY_FAILED')) return err;
  const current = await schemaVersion(executor).catch(() => undefined);
  return current !== undefined && current < requiredSchemaVersion() ? notMigrated(current, err) : err;
}
