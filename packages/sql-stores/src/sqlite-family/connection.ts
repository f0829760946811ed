// One connection of a SQLite-family engine, wherever it lives: in the caller's thread (inline
// mode, an injected client) or inside a worker thread. Kept free of @orch/core imports: the worker
// thread loads this file.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BytesColumn, ColumnarChunk, TextColumn } from './columns.js';
import type {
  ConnectionSettings,
  NativeDatabase,
  NativeRunResult,
  NativeStatement,
  SqliteDriver,
} from './driver.js';
import {
  OP_BATCH,
  OP_BEGIN,
  OP_COMMIT,
  OP_EXECUTE,
  OP_EXECUTE_MANY,
  OP_EXECUTE_MANY_FLAT,
  OP_EXECUTE_MANY_PART,
  OP_POSTED,
  OP_QUERY,
  OP_READ,
  OP_ROLLBACK,
  type OpCode,
  type RawExecuteResult,
  REROUTE,
} from './protocol.js';
import { type ColumnRows, queryColumns } from './row-columns.js';
import { SqlMemo } from './sql-memo.js';
import { StatementCache } from './statement-cache.js';
import { narrowInteger, plainRow, toDriverParams, toDriverValue } from './values.js';

type Row = Record<string, unknown>;

/** How an atomic unit was opened: inside the open transaction, or as one of its own. */
export type AtomicUnit = 'savepoint' | 'transaction';
/** The savepoint of an atomic unit (one at a time: each ends with the op after it). */
const ATOMIC_SAVEPOINT = 'orch_atomic';

/** What a connection is for: the writer runs everything; a reader only answers plain reads. */
export type ConnectionRole = 'writer' | 'reader';

/**
 * Functions that report the state of one connection (the writer's): a read that calls one must
 * run on the writer. The driver makes them fail on readers where the engine allows it.
 */
const CONNECTION_STATE_FUNCTIONS = ['last_insert_rowid', 'changes', 'total_changes'] as const;
/** The same names in SQL text, for engines that cannot guard the functions themselves. */
const CALLS_CONNECTION_STATE = /\b(?:last_insert_rowid|changes|total_changes)\s*\(/i;
/** The code of the error a guarded connection-state function throws on a reader. */
const WRITER_ONLY = 'ORCH_WRITER_ONLY';

/**
 * One SQLite connection with a bounded prepared-statement cache and orch's value binding.
 */
export class SqliteConnection {
  readonly db: NativeDatabase;
  readonly #statements: StatementCache<NativeStatement>;
  readonly #owned: boolean;
  readonly #plainRows: boolean;
  readonly #separateArguments: boolean;
  readonly #countReturningChanges: boolean;
  /** Reader connections: the connection-state functions fail here instead of answering for this connection. */
  #guarded = false;
  /** Reader connections: per SQL text, whether this connection may answer it (see {@link read}). */
  readonly #answersHere = new SqlMemo<boolean>();

  constructor(driver: SqliteDriver, db: NativeDatabase, statementCacheSize: number, owned: boolean) {
    this.db = db;
    this.#owned = owned;
    this.#plainRows = driver.plainRows === true;
    this.#separateArguments = driver.separateArguments === true;
    this.#countReturningChanges = driver.countReturningChanges === true;
    this.#statements = new StatementCache(statementCacheSize, (sql) => db.prepare(sql));
  }

  /**
   * Open and configure a connection. The order matters: `busy_timeout` first, so that switching
   * to WAL (which takes a lock) waits for another process opening the same file instead of
   * failing with SQLITE_BUSY; then WAL, which lets readers run beside the one writer.
   */
  static open(driver: SqliteDriver, settings: ConnectionSettings, role: ConnectionRole): SqliteConnection {
    if (settings.path !== ':memory:' && settings.path !== '')
      mkdirSync(dirname(settings.path), { recursive: true });
    const db = driver.open(settings.path, settings);
    const connection = new SqliteConnection(driver, db, settings.statementCacheSize, true);
    try {
      connection.configure(driver, settings, role);
    } catch (err) {
      connection.close();
      throw err;
    }
    return connection;
  }

  /** Apply orch's pragmas (also to an injected connection), then the driver's own set-up. */
  configure(driver: SqliteDriver, settings: ConnectionSettings, role: ConnectionRole): void {
    this.query(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(settings.busyTimeoutMs))}`, []);
    if (!this.db.memory && this.db.readonly !== true && role === 'writer') {
      const [row] = this.query('PRAGMA journal_mode = WAL', []);
      const mode = String(row?.journal_mode).toLowerCase();
      if (mode !== 'wal') throw new Error(`SQLite refused WAL mode (journal_mode is ${mode}).`);
    }
    this.query('PRAGMA foreign_keys = ON', []);
    this.query(`PRAGMA synchronous = ${settings.synchronous}`, []);
    // A reader must never write, even when a statement slips past the routing (defence in depth).
    if (role === 'reader') this.query('PRAGMA query_only = ON', []);
    driver.setup?.(this.db, settings);
    if (role === 'reader' && driver.guardFunctions) {
      const error = Object.assign(new Error('This function answers for the writer connection.'), {
        code: WRITER_ONLY,
      });
      driver.guardFunctions(this.db, CONNECTION_STATE_FUNCTIONS, error);
      this.#guarded = true;
    }
  }

  /** A cached prepared statement. */
  prepare(sql: string): NativeStatement {
    return this.#statements.get(sql);
  }

  /** Run a statement; its rows when it returns rows, else `[]`. */
  query(sql: string, params: readonly unknown[]): Row[] {
    return this.#queryWith(sql, params, (stmt) => this.#rows(stmt, params));
  }

  #queryWith<R>(sql: string, params: readonly unknown[], rows: (stmt: NativeStatement) => R): R | [] {
    const stmt = this.prepare(sql);
    if (stmt.reader) return rows(stmt);
    stmt.run(toDriverParams(params));
    return [];
  }

  /**
   * A read on a reader connection, or {@link REROUTE} when the writer must run it: the statement
   * writes (the engine says so, or the read-only connection refuses it), or it calls a function
   * that reports the writer's own connection state.
   */
  read(sql: string, params: readonly unknown[]): Row[] | typeof REROUTE {
    return this.#read(sql, (stmt) => this.#rows(stmt, params));
  }

  #read<R>(sql: string, rows: (stmt: NativeStatement) => R): R | typeof REROUTE {
    const stmt = this.prepare(sql);
    let here = this.#answersHere.get(sql);
    if (here === undefined) {
      here = stmt.reader && stmt.readonly !== false && (this.#guarded || !CALLS_CONNECTION_STATE.test(sql));
      this.#answersHere.set(sql, here);
    }
    if (!here) return REROUTE;
    try {
      return rows(stmt);
    } catch (err) {
      // `query_only` refused a write the engine could not flag beforehand (libsql), or a guarded
      // connection-state function was called.
      const code = (err as { code?: unknown })?.code;
      if (code !== 'SQLITE_READONLY' && code !== WRITER_ONLY) throw err;
      this.#answersHere.set(sql, false);
      return REROUTE;
    }
  }

  execute(sql: string, params: readonly unknown[]): RawExecuteResult {
    const stmt = this.prepare(sql);
    const values = toDriverParams(params);
    if (this.#countReturningChanges && stmt.reader) return this.#executeReturning(stmt, values);
    const r = stmt.run(values);
    return [r.changes, narrowInteger(r.lastInsertRowid)];
  }

  /** Runs inside the transaction the caller opened. */
  executeMany(sql: string, paramSets: readonly (readonly unknown[])[]): RawExecuteResult {
    let changes = 0;
    let last: number | bigint | undefined;
    for (const params of paramSets) {
      const [c, l] = this.execute(sql, params);
      changes += c;
      last = l;
    }
    return [changes, last];
  }

  /** executeMany over a {@link ColumnarChunk}; runs inside the transaction the caller opened. */
  executeManyColumnar(sql: string, chunk: ColumnarChunk): RawExecuteResult {
    const stmt = this.prepare(sql);
    const direct = !(this.#countReturningChanges && stmt.reader);
    const { n, cols } = chunk;
    const width = cols.length;
    const args: unknown[] = new Array(width);
    const offsets = new Array<number>(width).fill(0);
    // Each column's kind is looked at once per chunk, not once per row.
    const kinds = cols.map((col) =>
      col instanceof Float64Array ? NUMBERS : Array.isArray(col) ? VALUES : 's' in col ? TEXT : BYTES,
    );
    let changes = 0;
    let last: number | bigint | undefined;
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < width; k++) {
        const kind = kinds[k];
        if (kind === NUMBERS) args[k] = (cols[k] as Float64Array)[r];
        else if (kind === VALUES) args[k] = toDriverValue((cols[k] as unknown[])[r]);
        else if (kind === TEXT) {
          // A string column: one joined string, sliced by the lengths.
          const col = cols[k] as TextColumn;
          const off = offsets[k]!;
          const end = off + col.l[r]!;
          args[k] = col.s.slice(off, end);
          offsets[k] = end;
        } else {
          // A byte column: views into one buffer (the engine copies a blob when it binds it).
          const col = cols[k] as BytesColumn;
          const off = offsets[k]!;
          const len = col.l[r]!;
          args[k] = Buffer.from(col.b.buffer, col.b.byteOffset + off, len);
          offsets[k] = off + len;
        }
      }
      if (direct) {
        const result = this.#separateArguments ? runPositional(stmt, args, width) : stmt.run(args);
        changes += result.changes;
        last = result.lastInsertRowid;
      } else {
        const [c, l] = this.execute(sql, args);
        changes += c;
        last = l;
      }
    }
    return [changes, last === undefined ? undefined : narrowInteger(last)];
  }

  /** Runs inside the transaction the caller opened. */
  batch(statements: readonly (readonly [string, readonly unknown[]])[]): RawExecuteResult[] {
    return statements.map(([sql, params]) => this.execute(sql, params));
  }

  /**
   * Open an atomic unit (see OP_ATOMIC): a savepoint inside the open transaction, else a
   * transaction of its own (IMMEDIATE: it writes).
   */
  openAtomic(): AtomicUnit {
    if (this.db.inTransaction) {
      this.execute(`SAVEPOINT ${ATOMIC_SAVEPOINT}`, []);
      return 'savepoint';
    }
    this.execute('BEGIN IMMEDIATE', []);
    return 'transaction';
  }

  /** Keep (`ok`) or undo an atomic unit; a failed COMMIT undoes it and throws. */
  closeAtomic(unit: AtomicUnit, ok: boolean): void {
    if (unit === 'savepoint') {
      if (!ok) this.execute(`ROLLBACK TO SAVEPOINT ${ATOMIC_SAVEPOINT}`, []);
      this.execute(`RELEASE SAVEPOINT ${ATOMIC_SAVEPOINT}`, []);
      return;
    }
    if (!ok) {
      this.rollback();
      return;
    }
    try {
      this.execute('COMMIT', []);
    } catch (err) {
      this.rollback();
      throw err;
    }
  }

  /** `fn` as one atomic unit. */
  atomically<T>(fn: () => T): T {
    return this.closingAtomic(this.openAtomic(), fn);
  }

  /** Run `fn` in the open atomic unit, then keep the unit, or undo it when `fn` throws. */
  closingAtomic<T>(unit: AtomicUnit, fn: () => T): T {
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.closeAtomic(unit, false);
      throw err;
    }
    this.closeAtomic(unit, true);
    return result;
  }

  /** Roll back the open transaction; nothing to do when SQLite already ended it (e.g. after SQLITE_FULL). */
  rollback(): void {
    if (this.db.inTransaction) this.execute('ROLLBACK', []);
  }

  /**
   * Run one op of the worker protocol. `columns`: rows come back as {@link ColumnRows}, the form
   * in which they cross to another thread.
   */
  run(op: OpCode, sql: string, params: unknown, columns = false): unknown {
    switch (op) {
      case OP_READ:
        return columns
          ? this.#read(sql, (stmt) => this.#columns(stmt, params as unknown[]))
          : this.read(sql, params as unknown[]);
      case OP_QUERY:
        if (!columns) return this.query(sql, params as unknown[]);
        return this.#queryWith(sql, params as unknown[], (stmt) => this.#columns(stmt, params as unknown[]));
      case OP_EXECUTE:
      case OP_BEGIN:
      case OP_POSTED:
        return this.execute(sql, params as unknown[]);
      case OP_EXECUTE_MANY_FLAT:
      case OP_EXECUTE_MANY_PART:
        return this.executeManyColumnar(sql, params as ColumnarChunk);
      case OP_EXECUTE_MANY:
        return this.executeMany(sql, params as unknown[][]);
      case OP_BATCH:
        return this.batch(params as [string, unknown[]][]);
      case OP_COMMIT:
        return this.execute('COMMIT', []);
      case OP_ROLLBACK:
        this.rollback();
        return null;
    }
  }

  close(): void {
    this.#statements.clear();
    this.#answersHere.clear();
    if (this.#owned && this.db.open) this.db.close();
  }

  #columns(stmt: NativeStatement, params: readonly unknown[]): ColumnRows {
    return queryColumns(stmt, toDriverParams(params), this.#plainRows);
  }

  #rows(stmt: NativeStatement, params: readonly unknown[]): Row[] {
    const rows = stmt.all(toDriverParams(params));
    return this.#plainRows ? rows.map(plainRow) : rows;
  }

  /** `run()` would report no changes: step the statement fully and ask SQLite what it changed. */
  #executeReturning(stmt: NativeStatement, values: readonly unknown[]): RawExecuteResult {
    const counters = 'SELECT total_changes() AS t, changes() AS c, last_insert_rowid() AS l';
    const before = this.query(counters, [])[0]!;
    stmt.all(values);
    const after = this.query(counters, [])[0]!;
    const changed = Number(after.t) !== Number(before.t);
    return [changed ? Number(after.c) : 0, narrowInteger(after.l as number | bigint)];
  }
}

/** Column kinds of a {@link ColumnarChunk}. */
const NUMBERS = 0;
const VALUES = 1;
const TEXT = 2;
const BYTES = 3;

/**
 * `stmt.run` with the values as separate arguments (see {@link SqliteDriver.separateArguments}),
 * about 10% faster for an executeMany of small rows; the common widths are spelled out.
 */
function runPositional(stmt: NativeStatement, a: readonly unknown[], width: number): NativeRunResult {
  switch (width) {
    case 1:
      return stmt.run(a[0]);
    case 2:
      return stmt.run(a[0], a[1]);
    case 3:
      return stmt.run(a[0], a[1], a[2]);
    case 4:
      return stmt.run(a[0], a[1], a[2], a[3]);
    case 5:
      return stmt.run(a[0], a[1], a[2], a[3], a[4]);
    case 6:
      return stmt.run(a[0], a[1], a[2], a[3], a[4], a[5]);
    default:
      return stmt.run(...a);
  }
}
