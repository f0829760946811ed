// The SQLite-family core shared by @orch/adapter-sqlite (better-sqlite3) and @orch/adapter-libsql
// (libsql embedded, and a remote sqld / Turso server): an engine fills in a SqliteDriver; the
// statement cache, value binding, worker threads, transactions, error mapping, option validation,
// one-writer-per-file sharing and the vector / graph side stores are written once, here.
export type { ColumnarChunk } from './columns.js';
export type {
  ConnectionSettings,
  NativeDatabase,
  NativeRunResult,
  NativeStatement,
  SqliteDriver,
} from './driver.js';
export { engineKeyOf } from './engine-key.js';
export { mapConnectError, mapSqliteError } from './errors.js';
export { leaseStore, type SharedExecutor, sharedStoreRefs } from './lease.js';
export {
  type EmbeddedSettings,
  embeddedSettings,
  type ResolvableOptions,
  SQLITE_FAMILY_URL_PARAMETERS,
  type SqliteFamilyOptions,
  type SqliteFamilyOptionsSchema,
  sqliteFamilyOptions,
  sqliteFamilyOptionsShape,
  type UrlParameter,
  withUrlOptions,
} from './options.js';
export { createSideStore, rejectInjectedClient, type SideStoreInit } from './side-stores.js';
export { SqliteFamilyStore, type SqliteFamilyStoreInit } from './store.js';
export { narrowInteger, rowFromColumns, toSqliteParams } from './values.js';
