import {
  type AdapterFactoryContext,
  type AdapterRegistration,
  OrchError,
  registerAdapter,
  type StoreConfig,
} from '@orch/core';
import { type LibsqlDatabase, LibsqlEmbeddedStore } from './embedded.js';
import { LibsqlRemoteStore } from './remote.js';
import { createLibsqlSideStore } from './side-stores.js';
import { type LibsqlOptions, resolveLibsqlOptions } from './url.js';

export { type LibsqlDatabase, type LibsqlEmbeddedSettings, LibsqlEmbeddedStore } from './embedded.js';
export { mapLibsqlError } from './errors.js';
export { type LibsqlRemoteSettings, LibsqlRemoteStore } from './remote.js';
export { createLibsqlSideStore } from './side-stores.js';
export { type LibsqlOptions, type ResolvedLibsql, resolveLibsqlOptions } from './url.js';

/**
 * Create an unconnected libsql operational store: embedded for `file:` URLs, remote (sqld,
 * Turso) for `libsql://host`. An injected client is either an embedded `libsql` Database or an
 * `@libsql/client` Client (it has `execute`).
 *
 * @example
 * const store = createLibsqlOperationalStore({ kind: 'operational', scheme: 'file', url: parseStoreUrl('file:tasks.db'), config: {} });
 */
export function createLibsqlOperationalStore(
  context: AdapterFactoryContext,
): LibsqlEmbeddedStore | LibsqlRemoteStore {
  const config = context.config as StoreConfig & LibsqlOptions;
  const client = config.client as Record<string, unknown> | undefined;
  if (client !== undefined && client !== null) {
    if (
      typeof client.execute === 'function' &&
      typeof client.transaction === 'function' &&
      typeof client.prepare !== 'function'
    ) {
      return new LibsqlRemoteStore(
        { url: 'injected', redacted: 'injected client', chunkSize: 500 },
        { scheme: context.scheme, client: client as never },
      );
    }
    if (typeof client.prepare === 'function') {
      return new LibsqlEmbeddedStore(
        {
          path: context.url?.path ?? ':memory:',
          busyTimeoutMs: 5000,
          synchronous: 'FULL',
          statementCacheSize: 256,
          mode: 'inline',
        },
        { scheme: context.scheme, client: client as unknown as LibsqlDatabase },
      );
    }
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      'The libsql store "client" must be a libsql Database or an @libsql/client Client.',
      { kind: 'operational' },
    );
  }
  const resolved = resolveLibsqlOptions(context.url, config);
  return resolved.mode === 'embedded'
    ? new LibsqlEmbeddedStore(resolved.settings, { scheme: context.scheme })
    : new LibsqlRemoteStore(resolved.settings, { scheme: context.scheme });
}

/**
 * The registration for `libsql:` and `file:` URLs (http/ws URLs are left to other adapters):
 * operational, vector and graph stores.
 */
export const libsqlAdapter: AdapterRegistration = {
  name: '@orch/adapter-libsql',
  schemes: ['libsql', 'file'],
  kind: ['operational', 'vector', 'graph'],
  create(context) {
    return context.kind === 'operational'
      ? createLibsqlOperationalStore(context)
      : createLibsqlSideStore(context, createLibsqlOperationalStore);
  },
};

/**
 * Register `libsql:` and `file:` again (importing this package already does; call it when a
 * bundler dropped the import's side effect).
 *
 * @example
 * import { register } from '@orch/adapter-libsql';
 * register();
 */
export function register(): void {
  registerAdapter(libsqlAdapter);
}

register();
