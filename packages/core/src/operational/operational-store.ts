import type { Adapter } from '../adapter/adapter.js';
import type { SqlDialect } from '../dialect/sql-dialect.js';

/**
 * A value that can be bound to a placeholder. `boolean` is bound as 1/0 on SQLite; `Date` as an
 * ISO-8601 string on SQLite and a timestamp on PostgreSQL. `undefined` is rejected (it is almost always a bug).
 */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array | Date;

/** A row as returned by `query`: column name to value. */
export type Row = Record<string, unknown>;

/** Result of a statement that changes data. */
export interface ExecuteResult {
  /** Rows inserted, updated or deleted. */
  readonly changes: number;
  /** The rowid / generated key of the last insert, where the dialect reports one. */
  readonly lastInsertId?: number | bigint | string;
}

/** One statement of a {@link SqlExecutor.batch}. */
export interface Statement {
  readonly sql: string;
  readonly params?: readonly SqlValue[];
}

/** Options for {@link SqlExecutor.transaction}. */
export interface TransactionOptions {
  /**
   * A read-only transaction may start without taking the write lock (SQLite `BEGIN DEFERRED`,
   * PostgreSQL `READ ONLY`). Ignored for nested transactions, which are savepoints.
   */
  readonly readOnly?: boolean;
  /**
   * The isolation level of an outer transaction on engines that offer several (PostgreSQL).
   * SQLite transactions are always serializable, so it changes nothing there.
   */
  readonly isolation?: 'read committed' | 'repeatable read' | 'serializable';
  /**
   * Run the whole callback again, up to this many times, when it fails with a retriable error
   * (a busy database, a serialization failure, a deadlock), waiting with backoff in between.
   * Default 0. Only for callbacks that are safe to repeat: no side effects outside the store.
   */
  readonly retries?: number;
}

/**
 * Parameterized SQL access. Parameters are positional arrays bound to the dialect's own
 * placeholders; values are never interpolated into SQL text.
 */
export interface SqlExecutor {
  /** How to write SQL for this engine: placeholders, locks, upserts, JSON access … */
  readonly dialect: SqlDialect;
  /** Run a statement that returns rows. */
  query<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Run a statement that changes data. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<ExecuteResult>;
  /** Run one statement once per parameter set, atomically; `changes` is the sum. */
  executeMany(sql: string, paramSets: readonly (readonly SqlValue[])[]): Promise<ExecuteResult>;
  /** Run statements in order, atomically: all apply or none. One result per statement. */
  batch(statements: readonly Statement[]): Promise<ExecuteResult[]>;
  /**
   * Run `fn` in a transaction. It commits when `fn` resolves and rolls back when it throws (the
   * error is rethrown unchanged). Calling `transaction` on the `tx` handle opens a savepoint that
   * rolls back alone. Work on the store started elsewhere never sees its uncommitted
   * rows: it waits until the transaction ends or, for plain reads on engines with separate read
   * connections (SQLite in WAL mode with reader threads, a pool), runs at once against the last
   * committed state; calls on the store made from inside the callback (its async context)
   * join the transaction instead of waiting for it, so they cannot deadlock. Using `tx` after the
   * transaction ended rejects with `ORCH_CLOSED`.
   *
   * @example
   * await store.transaction(async (tx) => {
   *   await tx.execute('INSERT INTO tasks (id, title) VALUES (?, ?)', ['t1', 'Plan']);
   *   await tx.transaction(async (sp) => {
   *     await sp.execute('INSERT INTO events (task_id) VALUES (?)', ['t1']);
   *   });
   * });
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

/** The handle passed to a transaction callback. */
export interface Transaction extends SqlExecutor {
  /** Nesting depth: 1 for the outer transaction, 2 for its first savepoint, … */
  readonly depth: number;
}

/** Feature flags higher layers may branch on. */
export interface OperationalCapabilities {
  /** `RETURNING` clauses work. */
  readonly returning: boolean;
  /** Several processes can write the same database safely. */
  readonly multiProcess: boolean;
}

/** The relational store: tasks, sessions, specialists, outbox. */
export interface OperationalStore extends Adapter, SqlExecutor {
  readonly kind: 'operational';
  readonly capabilities: OperationalCapabilities;
}
