import {
  type EmbeddedSettings,
  type NativeDatabase,
  SqliteFamilyStore,
} from '@orch/sql-stores/sqlite-family';
import type Database from 'better-sqlite3';
import { driver } from './driver.js';

/** The compiled driver module, which worker threads import (dist also when running from src). */
export const driverModule: URL = new URL(
  import.meta.url.endsWith('.ts') ? '../dist/driver.js' : './driver.js',
  import.meta.url,
);

/** Constructor input of {@link SqliteOperationalStore}; `createAdapter` builds it from the URL and options. */
export interface SqliteStoreInit {
  readonly settings: EmbeddedSettings;
  readonly scheme?: string;
  /** An open better-sqlite3 Database to use instead of opening one: runs inline, never closed here. */
  readonly client?: Database.Database;
}

/**
 * The operational store on one SQLite file through better-sqlite3.
 *
 * By default the database runs in worker threads: one writer connection (every write and every
 * transaction, so a transaction is pinned to it) and reader connections that answer plain reads
 * outside any transaction in parallel under WAL. The event loop never waits for SQLite.
 * `?mode=inline` (or `worker: false`) keeps the connection in this thread instead.
 *
 * @example
 * import { createAdapter } from '@orch/core';
 * import '@orch/adapter-sqlite';
 *
 * const ops = await createAdapter('operational', 'sqlite:///tasks.db');
 * await ops.execute('CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, title TEXT)');
 * await ops.transaction(async (tx) => {
 *   await tx.execute('INSERT INTO tasks (id, title) VALUES (?, ?)', ['t1', 'Plan']);
 * });
 * await ops.close();
 */
export class SqliteOperationalStore extends SqliteFamilyStore {
  constructor(init: SqliteStoreInit) {
    super({
      driver,
      driverModule,
      settings: init.settings,
      scheme: init.scheme ?? 'sqlite',
      client: init.client as unknown as NativeDatabase | undefined,
    });
  }
}
