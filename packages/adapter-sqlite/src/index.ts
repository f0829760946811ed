import { type AdapterRegistration, defineAdapter, OrchError, registerAdapter } from '@orch/core/adapter-kit';
import { sqliteVecFunctions } from '@orch/sql-stores';
import { createSideStore, engineKeyOf, rejectInjectedClient } from '@orch/sql-stores/sqlite-family';
import type Database from 'better-sqlite3';
import { resolveSqliteOptions, sqliteOptionsSchema } from './options.js';
import { driverModule, SqliteOperationalStore } from './store.js';

export type { SqliteOptions } from './options.js';
export { SqliteOperationalStore, type SqliteStoreInit } from './store.js';

function betterSqlite3Client(client: unknown): Database.Database | undefined {
  if (client === undefined || client === null) return undefined;
  const c = client as Partial<Database.Database>;
  if (typeof c.prepare !== 'function' || typeof c.pragma !== 'function') {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      'The sqlite store "client" must be an open better-sqlite3 Database.',
      { kind: 'operational' },
    );
  }
  return client as Database.Database;
}

/**
 * The registration of `sqlite:` URLs: operational, vector (sqlite-vec) and graph stores on one
 * file. Vector and graph stores of one file share one operational store (one writer), beside the
 * application's own.
 */
export const sqliteAdapter: AdapterRegistration = defineAdapter({
  name: '@orch/adapter-sqlite',
  schemes: ['sqlite'],
  kind: ['operational', 'vector', 'graph'],
  options: sqliteOptionsSchema,
  create({ kind, url, scheme, options: validated }) {
    const { options: merged, settings } = resolveSqliteOptions(url, validated, kind);
    if (kind === 'operational') {
      const client = betterSqlite3Client(merged.client);
      return client
        ? new SqliteOperationalStore({
            settings: { ...settings, mode: 'inline', readers: 0 },
            scheme,
            client,
          })
        : new SqliteOperationalStore({ settings, scheme });
    }
    rejectInjectedClient(kind, merged.client, 'a sqlite: URL');
    if (kind === 'vector' && !settings.connection.vectorExtension) {
      throw new OrchError(
        'ORCH_INVALID_CONFIG',
        'The sqlite vector store needs sqlite-vec: remove vec=0 / vectorExtension: false.',
        { kind: 'vector' },
      );
    }
    return createSideStore({
      kind,
      scheme,
      functions: sqliteVecFunctions,
      tablePrefix: merged.tablePrefix,
      shareKey: engineKeyOf('better-sqlite3', settings),
      exactScan:
        settings.path === ':memory:'
          ? undefined
          : {
              driverModule,
              settings: settings.connection,
              ...(merged.vectorIndex === 'hnsw' ? { hnsw: {} } : {}),
            },
      open: () => new SqliteOperationalStore({ settings, scheme }),
    });
  },
});

/**
 * Register `sqlite:` again (importing this package already does; call it when a bundler dropped
 * the import's side effect).
 *
 * @example
 * import { register } from '@orch/adapter-sqlite';
 * register();
 */
export function register(): void {
  registerAdapter(sqliteAdapter);
}

register();
