import { isOrchError, type SqlExecutor } from '@orch/core';

/** The table `migrate()` records applied migrations in. */
export const MIGRATIONS_TABLE = 'orch_migrations';

/**
 * The highest applied migration id; 0 for a database `migrate()` never ran on. A store that
 * cannot answer at all (closed, unreachable) rejects with its own error instead of claiming 0.
 *
 * @example
 * if ((await schemaVersion(store)) === 0) await migrate(store);
 */
export async function schemaVersion(executor: SqlExecutor): Promise<number> {
  try {
    const [row] = await executor.query<{ v: number | string | null }>(
      `SELECT MAX(id) AS v FROM ${MIGRATIONS_TABLE}`,
    );
    return Number(row?.v ?? 0);
  } catch (err) {
    // The statement failed: either the table does not exist (version 0) or the connection or
    // transaction cannot run statements now. A trivial statement tells the two apart without
    // reading the driver's message.
    if (!isOrchError(err, 'ORCH_QUERY_FAILED')) throw err;
    await executor.query('SELECT 1 AS ok').catch(() => {
      throw err;
    });
    return 0;
  }
}
