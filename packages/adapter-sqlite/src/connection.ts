import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ColumnarChunk } from './columns.js';
import { toDriverParams, toDriverValue } from './conversion.js';

/** How a connection is opened; plain data so it can cross into a worker thread. */
export interface ConnectionSettings {
  /** A file path, or `:memory:`. */
  readonly path: string;
  /** Milliseconds SQLite retries a locked database before SQLITE_BUSY. */
  readonly busyTimeoutMs: number;
  /** `PRAGMA synchronous`; FULL keeps every acknowledged commit across power loss. */
  readonly synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  /** Prepared statements kept per connection (least recently used are finalized). */
  readonly statementCacheSize: number;
  /** Load sqlite-vec so `vec_distance_cosine` / `vec_distance_l2` exist on this connection. */
  readonly loadVectorExtension: boolean;
  /** Create the file's directory when it is missing. */
  readonly createDirectory: boolean;
}

/** `[changes, lastInsertRowid]`: the compact form of an ExecuteResult that crosses threads cheaply. */
export type RawExecuteResult = [changes: number, lastInsertRowid: number | bigint];

/** Statement kinds of the wire protocol (also used in-thread). */
export const OP_QUERY = 0;
export const OP_EXECUTE = 1;
export const OP_EXECUTE_MANY = 2;
export const OP_BATCH = 3;
/** A read on a reader connection: answers {@link REROUTE} instead of running a statement that writes. */
export const OP_READ = 4;
/**
 * executeMany with the parameter sets in columnar form (see columns.ts): a few arrays to copy
 * instead of one per row. A large executeMany is sent in chunks, so the worker
 * starts while the main thread still encodes the rest: {@link OP_EXECUTE_MANY_PART} chunks get no
 * reply (they are skipped after a failure), the final {@link OP_EXECUTE_MANY_FLAT} one answers for
 * all of them.
 */
export const OP_EXECUTE_MANY_FLAT = 5;
export const OP_EXECUTE_MANY_PART = 6;
/**
 * The BEGIN of an outer transaction, sent without waiting for its reply (one round trip less per
 * transaction). If it fails, the worker fails every statement after it with that error until the
 * transaction machinery sends ROLLBACK, so nothing can run outside the transaction by mistake.
 */
export const OP_BEGIN = 7;
/**
 * The final chunk of a self-contained executeMany (BEGIN sent as {@link OP_BEGIN} before the
 * chunks): the worker commits, or rolls back on any failure, before it answers. One round trip
 * for the whole atomic executeMany instead of one for the statements and one for the COMMIT.
 */
export const OP_EXECUTE_MANY_COMMIT = 8;
/** A whole atomic batch in one message: BEGIN IMMEDIATE, the statements, COMMIT (ROLLBACK on failure). */
export const OP_BATCH_ATOMIC = 9;
export type OpCode =
  | typeof OP_QUERY
  | typeof OP_EXECUTE
  | typeof OP_EXECUTE_MANY
  | typeof OP_BATCH
  | typeof OP_READ
  | typeof OP_EXECUTE_MANY_FLAT
  | typeof OP_EXECUTE_MANY_PART
  | typeof OP_BEGIN
  | typeof OP_EXECUTE_MANY_COMMIT
  | typeof OP_BATCH_ATOMIC;

/** What a reader answers for a statement that must run on the writer connection. */
export const REROUTE = 0;

const require = createRequire(import.meta.url);

/**
 * Open and configure a better-sqlite3 connection.
 *
 * The order matters: `busy_timeout` first, so that switching to WAL (which takes a lock) waits for
 * another process opening the same file instead of failing with SQLITE_BUSY; then WAL, which lets
 * readers run beside the one writer.
 */
export function openDatabase(settings: ConnectionSettings, role: 'writer' | 'reader'): Database.Database {
  const memory = settings.path === ':memory:' || settings.path === '';
  if (!memory && settings.createDirectory) mkdirSync(dirname(settings.path), { recursive: true });
  const db = new Database(settings.path, { timeout: settings.busyTimeoutMs });
  try {
    configureDatabase(db, settings, role);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Apply orch's pragmas to a connection (also to an injected one, except what it owns). */
export function configureDatabase(
  db: Database.Database,
  settings: ConnectionSettings,
  role: 'writer' | 'reader',
): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(settings.busyTimeoutMs))}`);
  if (!db.memory && !db.readonly && role === 'writer') {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal')
      throw new Error(`SQLite refused WAL mode (journal_mode is ${String(mode)})`);
  }
  db.pragma('foreign_keys = ON');
  db.pragma(`synchronous = ${settings.synchronous}`);
  // A reader must never write, even when a statement slips past the routing (defence in depth).
  if (role === 'reader') db.pragma('query_only = ON');
  if (settings.loadVectorExtension) loadSqliteVec(db);
}

/** Load sqlite-vec into one connection (every connection needs it: extensions are per connection). */
export function loadSqliteVec(db: Database.Database): void {
  const sqliteVec = require('sqlite-vec') as { load(db: unknown): void };
  sqliteVec.load(db);
}

/**
 * One SQLite connection with a bounded prepared-statement cache. Runs wherever the database lives:
 * in the caller's thread (inline mode) or inside a worker thread.
 */
export class Connection {
  readonly db: Database.Database;
  readonly #cache = new Map<string, Database.Statement>();
  readonly #cacheSize: number;
  readonly #owned: boolean;
  #lastSql: string | undefined;
  #lastStmt: Database.Statement | undefined;

  constructor(db: Database.Database, statementCacheSize: number, owned: boolean) {
    this.db = db;
    this.#cacheSize = Math.max(1, statementCacheSize);
    this.#owned = owned;
  }

  /** A cached prepared statement; the least recently used one is dropped when the cache is full. */
  prepare(sql: string): Database.Statement {
    // The same statement again (point reads, executeMany) skips the LRU bookkeeping.
    if (sql === this.#lastSql) return this.#lastStmt!;
    const stmt = this.#lookup(sql);
    this.#lastSql = sql;
    this.#lastStmt = stmt;
    return stmt;
  }

  #lookup(sql: string): Database.Statement {
    const cache = this.#cache;
    const hit = cache.get(sql);
    if (hit) {
      // Re-inserting keeps Map order = recency order, so the first key is the LRU victim.
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const stmt = this.db.prepare(sql);
    if (cache.size >= this.#cacheSize) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
      if (oldest === this.#lastSql) this.#lastSql = undefined;
    }
    cache.set(sql, stmt);
    return stmt;
  }

  query(sql: string, params: readonly unknown[]): unknown[] {
    const stmt = this.prepare(sql);
    const values = toDriverParams(params);
    if (stmt.reader) return stmt.all(...values) as unknown[];
    stmt.run(...values);
    return [];
  }

  /** A read that refuses statements that would write (reader connections). */
  read(sql: string, params: readonly unknown[]): unknown[] | typeof REROUTE {
    const stmt = this.prepare(sql);
    if (!stmt.readonly || !stmt.reader) return REROUTE;
    return stmt.all(...toDriverParams(params)) as unknown[];
  }

  execute(sql: string, params: readonly unknown[]): RawExecuteResult {
    const r = this.prepare(sql).run(...toDriverParams(params));
    return [r.changes, r.lastInsertRowid];
  }

  /** Runs inside the transaction the caller opened. */
  executeMany(sql: string, paramSets: readonly (readonly unknown[])[]): RawExecuteResult {
    const stmt = this.prepare(sql);
    let changes = 0;
    let last: number | bigint = 0;
    for (const params of paramSets) {
      const r = stmt.run(...toDriverParams(params));
      changes += r.changes;
      last = r.lastInsertRowid;
    }
    return [changes, last];
  }

  /** executeMany over a {@link ColumnarChunk}; runs inside the transaction the caller opened. */
  executeManyColumnar(sql: string, chunk: ColumnarChunk): RawExecuteResult {
    const stmt = this.prepare(sql);
    const { n, cols } = chunk;
    const width = cols.length;
    const args: unknown[] = new Array(width);
    const offsets = new Array<number>(width).fill(0);
    let changes = 0;
    let last: number | bigint = 0;
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < width; k++) {
        const col = cols[k]!;
        if (col instanceof Float64Array) args[k] = col[r];
        else if (Array.isArray(col)) args[k] = toDriverValue(col[r]);
        else {
          // A string column: one joined string, sliced by the lengths.
          const off = offsets[k]!;
          const end = off + col.l[r]!;
          args[k] = col.s.slice(off, end);
          offsets[k] = end;
        }
      }
      const result = stmt.run(...args);
      changes += result.changes;
      last = result.lastInsertRowid;
    }
    return [changes, last];
  }

  /** Runs inside the transaction the caller opened. */
  batch(statements: readonly (readonly [string, readonly unknown[]])[]): RawExecuteResult[] {
    return statements.map(([sql, params]) => this.execute(sql, params));
  }

  run(op: OpCode, sql: string, params: unknown): unknown {
    switch (op) {
      case OP_BEGIN:
        return this.execute(sql, []);
      case OP_EXECUTE_MANY_FLAT:
      case OP_EXECUTE_MANY_PART:
      case OP_EXECUTE_MANY_COMMIT:
        return this.executeManyColumnar(sql, params as ColumnarChunk);
      case OP_QUERY:
        return this.query(sql, params as unknown[]);
      case OP_READ:
        return this.read(sql, params as unknown[]);
      case OP_EXECUTE:
        return this.execute(sql, params as unknown[]);
      case OP_EXECUTE_MANY:
        return this.executeMany(sql, params as unknown[][]);
      case OP_BATCH:
        return this.batch(params as [string, unknown[]][]);
      case OP_BATCH_ATOMIC:
        return this.atomically(() => this.batch(params as [string, unknown[]][]));
    }
  }

  /** Run `fn` inside BEGIN IMMEDIATE … COMMIT, rolling back if anything throws. */
  atomically<T>(fn: () => T): T {
    this.execute('BEGIN IMMEDIATE', []);
    try {
      const result = fn();
      this.execute('COMMIT', []);
      return result;
    } catch (err) {
      try {
        if (this.db.inTransaction) this.execute('ROLLBACK', []);
      } catch {
        // SQLite may have rolled back on its own already.
      }
      throw err;
    }
  }

  close(): void {
    this.#cache.clear();
    this.#lastSql = undefined;
    this.#lastStmt = undefined;
    if (this.#owned && this.db.open) this.db.close();
  }
}
