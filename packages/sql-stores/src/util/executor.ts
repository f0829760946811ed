import { isOrchError, OrchError, type SqlExecutor, type StoreKind } from '@orch/core';

/**
 * Where a SQL store gets its connection: an executor, or a function returning one (typically the
 * adapter's operational store, connected on demand), so the store can be built before the
 * connection exists.
 */
export type ExecutorSource = SqlExecutor | (() => SqlExecutor | Promise<SqlExecutor>);

/** Resolve an {@link ExecutorSource} and check that it speaks SQLite. */
export async function resolveExecutor(source: ExecutorSource, kind: StoreKind): Promise<SqlExecutor> {
  const executor = typeof source === 'function' ? await source() : source;
  if (typeof executor !== 'object' || executor === null || typeof executor.query !== 'function') {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `The ${kind} SQL store needs a SqlExecutor (an operational store or transaction).`,
      { kind },
    );
  }
  const dialect = (executor.dialect as { name?: unknown } | undefined)?.name;
  if (dialect !== 'sqlite') {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `The ${kind} SQL store runs on SQLite only, got a "${String(dialect)}" executor.`,
      {
        kind,
      },
    );
  }
  return executor;
}

/** Close an executor the store was told it owns; executors without `close` are left alone. */
export async function closeExecutor(executor: SqlExecutor | undefined): Promise<void> {
  const closable = executor as (SqlExecutor & { close?: () => Promise<void> }) | undefined;
  if (closable && typeof closable.close === 'function') await closable.close();
}

/** A table prefix: pasted into SQL text, so held to a strict identifier rule. */
export const TABLE_PREFIX = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/** Table prefixes are pasted into SQL text, so they are held to a strict identifier rule. */
export function validateTablePrefix(prefix: unknown, kind: StoreKind): string {
  if (typeof prefix !== 'string' || !TABLE_PREFIX.test(prefix)) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `tablePrefix ${JSON.stringify(prefix)} is not valid: use a letter or "_" followed by letters, digits or "_" (at most 48 characters).`,
      { kind },
    );
  }
  return prefix;
}

/**
 * Errors from the executor are OrchErrors of the operational store (with the SQL in the message);
 * re-label them with this store's kind and operation, keeping the code and the original as cause.
 */
export function relabel(err: unknown, kind: StoreKind, operation: string): unknown {
  if (!isOrchError(err) || err.kind === kind) return err;
  return new OrchError(
    err.code,
    `${kind === 'graph' ? 'Graph' : 'Vector'} ${operation} failed: ${err.message}`,
    {
      kind,
      retriable: err.retriable,
      cause: err,
      details: err.details,
    },
  );
}

/**
 * After a statement of the store failed: whether one of its tables is gone (dropped, or created in
 * a transaction that was rolled back). Asked of the engine's schema, never read from the error.
 */
export async function tablesMissing(
  executor: SqlExecutor,
  err: unknown,
  tables: readonly string[],
): Promise<boolean> {
  if (!isOrchError(err, 'ORCH_QUERY_FAILED')) return false;
  try {
    const found = await executor.query<{ name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${tables.map(() => '?').join(', ')})`,
      tables,
    );
    return found.length < new Set(tables).size;
  } catch {
    return false; // the schema cannot be read either: report the original failure
  }
}

/** Whether the engine has a SQL function of this name on the executor's connection. */
export async function hasFunction(executor: SqlExecutor, name: string): Promise<boolean> {
  const rows = await executor.query<{ n: number }>(
    'SELECT count(*) AS n FROM pragma_function_list WHERE name = ?',
    [name],
  );
  return Number(rows[0]?.n ?? 0) > 0;
}
