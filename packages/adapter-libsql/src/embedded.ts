import {
  type EmbeddedSettings,
  type NativeDatabase,
  SqliteFamilyStore,
} from '@orch/sql-stores/sqlite-family';
import { driver } from './driver.js';

/** The compiled driver module, which worker threads import (dist also when running from src). */
export const driverModule: URL = new URL(
  import.meta.url.endsWith('.ts') ? '../dist/driver.js' : './driver.js',
  import.meta.url,
);

/** An open embedded `libsql` Database, as an injected client. */
export interface LibsqlDatabase {
  prepare(sql: string): unknown;
  close(): void;
}

/** Constructor input of {@link LibsqlEmbeddedStore}; `createAdapter` builds it from the URL and options. */
export interface LibsqlEmbeddedInit {
  readonly settings: EmbeddedSettings;
  readonly scheme?: string;
  /** An open `libsql` Database to use instead of opening one: runs inline, never closed here. */
  readonly client?: LibsqlDatabase;
}

/**
 * The operational store on an embedded libsql file (the `libsql` package: SQLite-compatible, with
 * native vectors). A file runs in worker threads by default (one writer, reader threads under
 * WAL), so the event loop never waits for SQLite; `?mode=inline`, `:memory:` and an injected
 * client run in this thread.
 *
 * @example
 * const ops = await createAdapter('operational', 'file:tasks.db');
 * await ops.execute('CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY)');
 */
export class LibsqlEmbeddedStore extends SqliteFamilyStore {
  constructor(init: LibsqlEmbeddedInit) {
    super({
      driver,
      driverModule,
      settings: init.settings,
      scheme: init.scheme ?? 'libsql',
      client: init.client as unknown as NativeDatabase | undefined,
    });
  }
}
