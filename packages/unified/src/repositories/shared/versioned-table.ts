import type { Db } from '../../util/db.js';
import { notFound, staleVersion } from '../repository-errors.js';

/** A table of rows with an `id` and a `version` column, and how its rows become entities. */
export interface VersionedTable<T, R> {
  /** Shown in messages: `Task`, `Session`, `Specialist` … */
  readonly entity: string;
  readonly table: string;
  /** The column list read into `R`. */
  readonly columns: string;
  readonly toEntity: (row: R) => T;
}

/**
 * The row to update, locked for the rest of the transaction where the dialect locks rows:
 * `ORCH_NOT_FOUND` when it is missing, `ORCH_CONFLICT` when `expected` is given and the row is at
 * another version.
 */
export async function readForUpdate<T extends { readonly version: number }, R>(
  db: Db,
  table: VersionedTable<T, R>,
  id: string,
  expected?: number,
): Promise<T> {
  const row = await db.one<R>(
    `SELECT ${table.columns} FROM ${table.table} WHERE id = ?${db.dialect.forUpdate}`,
    [id],
  );
  if (!row) throw notFound(table.entity, id);
  const current = table.toEntity(row);
  if (expected !== undefined && current.version !== expected) {
    throw staleVersion(table.entity, id, expected, current.version);
  }
  return current;
}

/**
 * The row as last committed (or as the caller's own transaction sees it, inside one), without
 * locking it; `undefined` when missing. A hint for an optimistic write, never proof.
 */
export async function readCommitted<T, R>(
  db: Db,
  table: VersionedTable<T, R>,
  id: string,
): Promise<T | undefined> {
  const row = await db.one<R>(`SELECT ${table.columns} FROM ${table.table} WHERE id = ?`, [id]);
  return row === undefined ? undefined : table.toEntity(row);
}

/** Whether a row with this id exists in `table`. */
export async function rowExists(
  db: Db,
  table: Pick<VersionedTable<unknown, never>, 'table'>,
  id: string,
): Promise<boolean> {
  return (await db.one(`SELECT 1 AS x FROM ${table.table} WHERE id = ?`, [id])) !== undefined;
}
