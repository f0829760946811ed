import type { TransactionOptions } from '../operational/operational-store.js';

/**
 * What higher layers (the repositories of `@orch/unified`, a query builder) need to know about a
 * SQL engine, as one object the operational store hands out. Code above the adapters asks the
 * dialect and never branches on its name, so a new engine is a new dialect object, not a search
 * for `if (postgres)` across packages.
 *
 * SQL handed to a dialect is written once, with `?` placeholders and ISO-8601 UTC text timestamps;
 * {@link SqlDialect.placeholders} turns it into what the engine takes.
 *
 * @example
 * const { dialect } = store;
 * const rows = await store.query(
 *   dialect.placeholders(`SELECT id FROM tasks WHERE id = ?${dialect.forUpdate}`),
 *   ['t1'],
 * );
 */
export interface SqlDialect {
  /** A stable name (`sqlite`, `postgres`, `mysql` …): the key of per-dialect schema migrations. */
  readonly name: string;
  /** `?`-placeholder SQL rewritten to this dialect's placeholder style. */
  placeholders(sql: string): string;
  /** The placeholder for the `index`-th parameter (1-based), for SQL built without `?`. */
  placeholder(index: number): string;
  /**
   * Appended to a `SELECT` inside a transaction so the rows it read stay locked until the
   * transaction ends (`' FOR UPDATE'`); `''` where a write transaction already locks the database.
   */
  readonly forUpdate: string;
  /**
   * A statement that takes a lock named by `key` for the rest of the current transaction, so
   * transactions that take the same key run one at a time; `undefined` where write transactions
   * are already serialized by the engine.
   */
  transactionLock(key: number): string | undefined;
  /** A SQL expression: the milliseconds from one ISO-8601 text timestamp expression to another. */
  millisecondsBetween(fromExpression: string, toExpression: string): string;
  /**
   * The clause after an `INSERT … VALUES (…)` that turns it into an upsert on `conflictColumns`,
   * overwriting `updateColumns` with the values the statement tried to insert.
   */
  upsert(conflictColumns: readonly string[], updateColumns: readonly string[]): string;
  /** A SQL expression: the text value at `key` of a JSON object stored as text in `column`. */
  jsonText(column: string, key: string): string;
  /**
   * The clause appended to an `INSERT` so it returns the generated key as a column named
   * `column`; `''` when the engine reports it as `lastInsertId` instead.
   */
  returning(column: string): string;
  /** The statement that opens an outer transaction. */
  begin(options: TransactionOptions): string;
}
