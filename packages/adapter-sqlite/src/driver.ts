// better-sqlite3 on the SQLite-family core of @orch/sql-stores. Worker threads load this module
// too, so it imports its engine only (never @orch/core).
import { createRequire } from 'node:module';
import type { NativeDatabase, SqliteDriver } from '@orch/sql-stores/sqlite-family';
import Database from 'better-sqlite3';

const require = createRequire(import.meta.url);

/** better-sqlite3, with sqlite-vec loaded into every connection unless the store was told not to. */
export const driver: SqliteDriver = {
  name: 'better-sqlite3',
  separateArguments: true,
  inlinePointReads: true,
  open: (path, settings) =>
    new Database(path, { timeout: settings.busyTimeoutMs }) as unknown as NativeDatabase,
  setup(db, settings) {
    // Extensions are per connection: the writer and every reader load it.
    if (settings.vectorExtension) (require('sqlite-vec') as { load(db: unknown): void }).load(db);
  },
  guardFunctions(db, names, error) {
    const native = db as unknown as Database.Database;
    for (const name of names)
      native.function(name, () => {
        throw error;
      });
  },
};
