import { type OperationalStore, OrchError, type SqlExecutor } from '@orch/core';
import { MIGRATIONS } from './index.js';
import type { Migration } from './migration.js';

export const MIGRATIONS_TABLE = 'orch_migrations';

export interface MigrationResult {
  /** Ids applied by this call (empty when the schema was already current). */
  readonly applied: number[];
  /** The schema version after the call. */
  readonly version: number;
}

/**
 * Bring the operational store's schema up to date. Idempotent, and safe when two processes
 * run it at once: each migration is applied in the same transaction that records it, under the
 * database's write lock (SQLite `BEGIN IMMEDIATE`; a PostgreSQL advisory lock), and the applied set
 * is re-read inside that lock, so the loser of a race sees the winner's work and does nothing.
 *
 * @example
 * const { applied, version } = await migrate(manager.operational);
 */
export async function migrate(
  store: OperationalStore,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  checkOrder(migrations);
  await store.execute(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    const statements = migration.up[store.dialect];
    if (!statements) {
      throw new OrchError(
        'ORCH_UNSUPPORTED',
        `Migration ${migration.id} (${migration.name}) has no ${store.dialect} statements.`,
        {
          kind: 'operational',
        },
      );
    }
    const ran = await store.transaction(async (tx) => {
      if (store.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7263501)');
      if (await isApplied(tx, migration.id)) return false;
      for (const sql of statements) await tx.execute(sql);
      await tx.execute(
        `INSERT INTO ${MIGRATIONS_TABLE} (id, name, applied_at) VALUES (${placeholders(store, 3)})`,
        [migration.id, migration.name, new Date().toISOString()],
      );
      return true;
    });
    if (ran) applied.push(migration.id);
  }
  return { applied, version: await schemaVersion(store) };
}

/** The highest applied migration id, 0 for an empty database. */
export async function schemaVersion(store: SqlExecutor): Promise<number> {
  try {
    const [row] = await store.query<{ v: number | null }>(`SELECT MAX(id) AS v FROM ${MIGRATIONS_TABLE}`);
    return Number(row?.v ?? 0);
  } catch {
    return 0;
  }
}

async function isApplied(tx: SqlExecutor, id: number): Promise<boolean> {
  const rows = await tx.query(
    `SELECT id FROM ${MIGRATIONS_TABLE} WHERE id = ${tx.dialect === 'postgres' ? '$1' : '?'}`,
    [id],
  );
  return rows.length > 0;
}

function placeholders(store: SqlExecutor, n: number): string {
  return Array.from({ length: n }, (_, i) => (store.dialect === 'postgres' ? `$${i + 1}` : '?')).join(', ');
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
