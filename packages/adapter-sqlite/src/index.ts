import {
  type AdapterFactoryContext,
  type AdapterRegistration,
  OrchError,
  registerAdapter,
  type StoreConfig,
} from '@orch/core';
import { SqlGraphStore, SqlVectorStore, sqliteVecFunctions } from '@orch/sql-stores';
import type Database from 'better-sqlite3';
import { SqliteOperationalStore } from './better-sqlite3.js';
import { leaseStore } from './shared.js';
import { resolveSqliteOptions, type SqliteOptions } from './url.js';

export { SqliteOperationalStore, type SqliteStoreInit } from './better-sqlite3.js';
export { mapSqliteError } from './errors.js';
export { leaseStore, type SharedExecutor, sharedStoreRefs } from './shared.js';
export { type ResolvedSqliteOptions, resolveSqliteOptions, type SqliteOptions } from './url.js';

function injectedClient(config: StoreConfig): Database.Database | undefined {
  const client = config.client as Partial<Database.Database> | undefined;
  if (client === undefined || client === null) return undefined;
  if (typeof client.prepare !== 'function' || typeof client.pragma !== 'function') {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      'The sqlite store "client" must be an open better-sqlite3 Database.',
      { kind: 'operational' },
    );
  }
  return client as Database.Database;
}

/**
 * Create an unconnected operational store from a registry context (what `createAdapter` does).
 *
 * @example
 * const store = createSqliteOperationalStore({ kind: 'operational', scheme: 'sqlite', url: parseStoreUrl('sqlite::memory:'), config: {} });
 */
export function createSqliteOperationalStore(context: AdapterFactoryContext): SqliteOperationalStore {
  const config = context.config as StoreConfig & SqliteOptions;
  const client = injectedClient(config);
  const options = resolveSqliteOptions(context.url, client ? { ...config, worker: false } : config);
  return new SqliteOperationalStore({ options, scheme: context.scheme, ...(client ? { client } : {}) });
}

/**
 * Create an unconnected vector (sqlite-vec) or graph store on a SQLite file. Both run on the
 * file's shared operational store (see {@link leaseStore}); their tables live beside yours.
 *
 * @example
 * const vectors = await createAdapter('vector', 'sqlite:///tasks.db');
 * await vectors.ensureCollection('tasks', { dimension: 384 });
 */
export function createSqliteSideStore(context: AdapterFactoryContext): SqlVectorStore | SqlGraphStore {
  const config = context.config as StoreConfig & SqliteOptions & { tablePrefix?: string };
  if (config.client !== undefined) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `An injected client is supported for the operational kind only; give the ${context.kind} store a sqlite: URL.`,
      {
        kind: context.kind,
      },
    );
  }
  const options = resolveSqliteOptions(context.url, config);
  if (!options.settings.loadVectorExtension && context.kind === 'vector') {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      'The sqlite vector store needs sqlite-vec: remove vec=0 / vectorExtension: false.',
      { kind: 'vector' },
    );
  }
  const executor = () => leaseStore(options, context.scheme);
  const tablePrefix = typeof config.tablePrefix === 'string' ? { tablePrefix: config.tablePrefix } : {};
  if (context.kind === 'vector') {
    return new SqlVectorStore({
      executor,
      scheme: context.scheme,
      functions: sqliteVecFunctions,
      ownsExecutor: true,
      ...tablePrefix,
    });
  }
  return new SqlGraphStore({ executor, scheme: context.scheme, ownsExecutor: true, ...tablePrefix });
}

/** The registration for `sqlite:` URLs: operational, vector and graph stores on one file. */
export const sqliteAdapter: AdapterRegistration = {
  name: '@orch/adapter-sqlite',
  schemes: ['sqlite'],
  kind: ['operational', 'vector', 'graph'],
  create(context) {
    return context.kind === 'operational'
      ? createSqliteOperationalStore(context)
      : createSqliteSideStore(context);
  },
};

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
