import { type OperationalStore, OrchError } from '@orch/core';
import { Db } from '../util/db.js';
import { MIGRATIONS } from './index.js';
import type { Migration } from './migration.js';
import { MIGRATIONS_TABLE, schemaVersion } from './schema-version.js';

/** The key of the transaction lock `migrate()` takes where the dialect has one. */
const MIGRATION_LOCK = 7263501;

export interface MigrationResult {
  /** Ids applied by this call (empty when the schema was already current). */
  readonly applied: number[];
  /** The schema version after the call. */
  readonly version: number;
}

/**
 * Bring the operational store's schema up to date. Idempotent, and safe when two processes
 * run it at once: each migration is applied in the same transaction that records it, under the
 * dialect's transaction lock (a PostgreSQL advisory lock; SQLite's write transaction is one
 * already), and the applied set is re-read inside that lock, so the loser of a race sees the
 * winner's work and does nothing.
 *
 * The statements are picked by the store's dialect name; a dialect no migration has statements
 * for is refused with `ORCH_UNSUPPORTED` before anything is written.
 *
 * @example
 * const { applied, version } = await migrate(manager.operational);
 */
export async function migrate(
  store: OperationalStore,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  checkOrder(migrations);
  const { dialect } = store;
  const plan = migrations.map((migration) => ({
    migration,
    statements: statementsFor(migrations, migration, dialect.name),
  }));
  const db = new Db(store);
  await db.execute(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  );
  const applied: number[] = [];
  for (const { migration, statements } of plan) {
    const ran = await db.transaction(async (tx) => {
      const lock = dialect.transactionLock(MIGRATION_LOCK);
      if (lock !== undefined) await tx.query(lock);
      if (await tx.one(`SELECT id FROM ${MIGRATIONS_TABLE} WHERE id = ?`, [migration.id])) return false;
      // Schema statements go to the engine exactly as written (they take no parameters).
      for (const sql of statements) await tx.executor.execute(sql);
      await tx.execute(`INSERT INTO ${MIGRATIONS_TABLE} (id, name, applied_at) VALUES (?, ?, ?)`, [
        migration.id,
        migration.name,
        new Date().toISOString(),
      ]);
      return true;
    });
    if (ran) applied.push(migration.id);
  }
  return { applied, version: await schemaVersion(store) };
}

/**
 * The built-in migrations with statements for one more dialect: `statements` maps every
 * migration id to that dialect's statements. For running @orch/unified on an engine it ships no
 * schema for (the adapter supplies the dialect object; this supplies the tables).
 *
 * @example
 * const migrations = withDialectMigrations('mysql', { 1: ['CREATE TABLE tasks (…)', …] });
 * await migrate(store, migrations); // or UnifiedDatabaseManager.open({ migrations })
 */
export function withDialectMigrations(
  dialectName: string,
  statements: Readonly<Record<number, readonly string[]>>,
  migrations: readonly Migration[] = MIGRATIONS,
): Migration[] {
  const missing = migrations.filter((m) => !Array.isArray(statements[m.id])).map((m) => m.id);
  if (typeof dialectName !== 'string' || dialectName === '' || missing.length > 0) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `withDialectMigrations needs a dialect name and statements for every migration id (${migrations.map((m) => m.id).join(', ')}); missing ${missing.join(', ') || 'the name'}.`,
      { details: { dialect: dialectName, missing } },
    );
  }
  return migrations.map((m) => ({ ...m, up: { ...m.up, [dialectName]: [...statements[m.id]!] } }));
}

/** The dialect names every one of `migrations` has statements for. */
export function migrationDialects(migrations: readonly Migration[] = MIGRATIONS): string[] {
  const [first, ...rest] = migrations;
  if (!first) return [];
  return Object.keys(first.up).filter((name) => rest.every((m) => Array.isArray(m.up[name])));
}

function statementsFor(
  migrations: readonly Migration[],
  migration: Migration,
  dialectName: string,
): readonly string[] {
  const statements = Object.hasOwn(migration.up, dialectName) ? migration.up[dialectName] : undefined;
  if (Array.isArray(statements)) return statements;
  const known = migrationDialects(migrations);
  throw new OrchError(
    'ORCH_UNSUPPORTED',
    `@orch/unified has no schema migrations for the "${dialectName}" dialect (migration ${migration.id}, ${migration.name}); it has them for ${known.length ? known.join(', ') : 'no dialect'}. Use one of those engines, or pass migrations for "${dialectName}" (withDialectMigrations).`,
    { kind: 'operational', details: { dialect: dialectName, migration: migration.id, dialects: known } },
  );
}

function checkOrder(migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.id <= migrations[i - 1]!.id) {
      throw new OrchError(
        'ORCH_INVALID_CONFIG',
        `Migrations must have increasing ids; ${migrations[i]!.id} follows ${migrations[i - 1]!.id}.`,
      );
    }
  }
}
