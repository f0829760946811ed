// Kept free of @orch/core imports: the worker thread loads this file.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { rowid, stripRow, toLibsqlParams } from './conversion.js';

/** The part of libsql's better-sqlite3-like API this adapter uses. */
export interface LibsqlDatabase {
  prepare(sql: string): LibsqlStatement;
  exec(sql: string): unknown;
  close(): void;
  readonly open?: boolean;
}
interface LibsqlStatement {
  readonly reader: boolean;
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  all(...params: unknown[]): Record<string, unknown>[];
  get(...params: unknown[]): Record<string, unknown> | undefined;
}

/** Settings of an embedded libsql database file; plain data, so they can cross into a worker. */
export interface LibsqlEmbeddedSettings {
  /** File path or `:memory:`. */
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  readonly statementCacheSize: number;
  /** `worker` (default for files): the connection lives in a worker thread; `inline`: in the caller's thread. */
  readonly mode: 'worker' | 'inline';
}

/** `[changes, lastInsertRowid]`. */
export type RawResult = [number, number | bigint | undefined];

const require = createRequire(import.meta.url);

/** Open a libsql file with orch's pragmas (busy_timeout before WAL: the switch takes a lock). */
export function openLibsql(settings: LibsqlEmbeddedSettings): LibsqlDatabase {
  const { path } = settings;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const Database = require('libsql') as new (path: string) => LibsqlDatabase;
  const db = new Database(path);
  try {
    configureLibsql(db, settings, true);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

export function configureLibsql(db: LibsqlDatabase, settings: LibsqlEmbeddedSettings, owned: boolean): void {
  db.prepare(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(settings.busyTimeoutMs))}`).get();
  if (settings.path !== ':memory:' && owned) db.prepare('PRAGMA journal_mode = WAL').get();
  db.prepare('PRAGMA foreign_keys = ON').run();
  db.prepare(`PRAGMA synchronous = ${settings.synchronous}`).run();
}

/** One libsql connection with an LRU prepared-statement cache (in-thread or inside the worker). */
export class LibsqlConnection {
  readonly #db: LibsqlDatabase;
  readonly #owned: boolean;
  readonly #cacheSize: number;
  readonly #cache = new Map<string, LibsqlStatement>();

  constructor(db: LibsqlDatabase, cacheSize: number, owned: boolean) {
    this.#db = db;
    this.#cacheSize = Math.max(1, cacheSize);
    this.#owned = owned;
  }

  query(sql: string, params: readonly unknown[]): Record<string, unknown>[] {
    const stmt = this.prepare(sql);
    const values = toLibsqlParams(params as never);
    if (!stmt.reader) {
      stmt.run(...values);
      return [];
    }
    return stmt.all(...values).map(stripRow);
  }

  execute(sql: string, params: readonly unknown[]): RawResult {
    const stmt = this.prepare(sql);
    const values = toLibsqlParams(params as never);
    if (stmt.reader) {
      // libsql reports 0 changes for `run()` of a statement with RETURNING: step it fully, then ask SQLite.
      stmt.all(...values);
      const r = this.prepare('SELECT changes() AS c, last_insert_rowid() AS l').get() as {
        c: number;
        l: number | bigint;
      };
      return [r.c, rowid(r.l)];
    }
    const r = stmt.run(...values);
    return [r.changes, rowid(r.lastInsertRowid)];
  }

  executeMany(sql: string, paramSets: readonly (readonly unknown[])[]): RawResult {
    let changes = 0;
    let last: number | bigint | undefined;
    for (const params of paramSets) {
      const [c, l] = this.execute(sql, params);
      changes += c;
      last = l;
    }
    return [changes, last];
  }

  batch(statements: readonly (readonly [string, readonly unknown[]])[]): RawResult[] {
    return statements.map(([sql, params]) => this.execute(sql, params));
  }

  close(): void {
    this.#cache.clear();
    if (this.#owned) this.#db.close();
  }

  private prepare(sql: string): LibsqlStatement {
    const hit = this.#cache.get(sql);
    if (hit) {
      this.#cache.delete(sql);
      this.#cache.set(sql, hit);
      return hit;
    }
    const stmt = this.#db.prepare(sql);
    if (this.#cache.size >= this.#cacheSize) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(sql, stmt);
    return stmt;
  }
}
