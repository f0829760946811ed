// Types only: the worker thread loads the modules that use them, and nothing here may add to its
// start-up time.

/** How a connection is opened and configured; plain data, so it can cross into a worker thread. */
export interface ConnectionSettings {
  /** A file path, or `:memory:`. */
  readonly path: string;
  /** Milliseconds SQLite retries a locked database before SQLITE_BUSY. */
  readonly busyTimeoutMs: number;
  /** `PRAGMA synchronous`; FULL keeps every acknowledged commit across power loss. */
  readonly synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  /** Prepared statements kept per connection (the least recently used are dropped). */
  readonly statementCacheSize: number;
  /** Engine-specific: load the vector extension where the engine needs one (sqlite-vec). */
  readonly vectorExtension: boolean;
}

/** What `run()` reports. */
export interface NativeRunResult {
  readonly changes: number;
  readonly lastInsertRowid: number | bigint;
}

/** A prepared statement of a better-sqlite3-like engine. Parameters are always passed as one array. */
export interface NativeStatement {
  /** The statement returns rows (a SELECT, or a write with RETURNING). */
  readonly reader: boolean;
  /** The statement never writes; `undefined` where the engine cannot tell (libsql). */
  readonly readonly?: boolean;
  all(params: readonly unknown[]): Record<string, unknown>[];
  /** Rows as value arrays while on (better-sqlite3, libsql); without it rows cross threads as objects. */
  raw?(toggle?: boolean): unknown;
  /** The result columns, in order (with {@link raw}). */
  columns?(): readonly { readonly name: string }[];
  run(params: readonly unknown[]): NativeRunResult;
  /** Only where the driver sets {@link SqliteDriver.separateArguments}. */
  run(...values: unknown[]): NativeRunResult;
}

/** A connection of a better-sqlite3-like engine: the part of its API the SQLite-family core uses. */
export interface NativeDatabase {
  prepare(sql: string): NativeStatement;
  readonly inTransaction: boolean;
  readonly memory: boolean;
  readonly readonly?: boolean;
  readonly open: boolean;
  close(): void;
}

/**
 * What an engine fills in to run on the SQLite-family core of `@orch/sql-stores`: how to open a
 * connection, what to set up on each one, and which of its quirks to smooth over. Everything
 * else (statement cache, value binding, worker threads, transactions, error mapping) is shared.
 *
 * The module that exports a driver is also loaded inside worker threads (its URL is passed to
 * them), so it imports only its engine, never `@orch/core`.
 *
 * @example
 * import Database from 'better-sqlite3';
 * export const driver: SqliteDriver = {
 *   name: 'better-sqlite3',
 *   open: (path, settings) => new Database(path, { timeout: settings.busyTimeoutMs }),
 * };
 */
export interface SqliteDriver {
  /** The engine's name, shown in health details (`better-sqlite3`, `libsql`). */
  readonly name: string;
  /** Open a connection; the file's directory exists. orch's pragmas are applied afterwards. */
  open(path: string, settings: ConnectionSettings): NativeDatabase;
  /** Per connection, after orch's pragmas (extensions are per connection: load them here). */
  setup?(db: NativeDatabase, settings: ConnectionSettings): void;
  /**
   * Make the given connection-state functions (`last_insert_rowid`, `changes`, `total_changes`)
   * throw `error` on a reader connection, so a read that calls one is sent to the writer, whose
   * state it asks about (better-sqlite3: user functions override the built-ins). An engine that
   * cannot leaves it out, and the core recognizes the function names in the SQL text instead.
   */
  guardFunctions?(db: NativeDatabase, names: readonly string[], error: Error): void;
  /**
   * Rows carry engine extras (libsql: an enumerable `_metadata`, BLOBs as ArrayBuffer, integers
   * as bigint): copy them into plain rows of plain values.
   */
  readonly plainRows?: boolean;
  /**
   * `run()` of a statement that returns rows reports no changes (libsql with RETURNING): step
   * it with `all()` and count the changes with `total_changes()` instead.
   */
  readonly countReturningChanges?: boolean;
  /**
   * `run()` also takes the values as separate arguments, and binds them faster that way than
   * from one array (better-sqlite3). executeMany then passes them so; other engines get one array.
   */
  readonly separateArguments?: boolean;
  /**
   * Keyed point reads may be answered by a read-only connection in the caller's thread (see
   * `PointReads`): the engine answers `EXPLAIN QUERY PLAN` without side effects on the connection.
   * libsql 0.5.29 leaves it out: after an ad-hoc EXPLAIN its connection keeps a stale snapshot.
   */
  readonly inlinePointReads?: boolean;
}
