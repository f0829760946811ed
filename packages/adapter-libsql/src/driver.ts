// libsql (embedded) on the SQLite-family core of @orch/sql-stores. Worker threads load this
// module too, so it imports its engine only (never @orch/core).
import { createRequire } from 'node:module';
import type { NativeDatabase, SqliteDriver } from '@orch/sql-stores/sqlite-family';

const require = createRequire(import.meta.url);

/**
 * The `libsql` package: better-sqlite3's API with native vectors. Its rows carry an extra
 * `_metadata` property and BLOBs as ArrayBuffer, and `run()` of a statement with RETURNING
 * reports no changes; the core smooths both over.
 */
export const driver: SqliteDriver = {
  name: 'libsql',
  open(path) {
    const Database = require('libsql') as new (path: string) => NativeDatabase;
    return new Database(path);
  },
  plainRows: true,
  countReturningChanges: true,
};
