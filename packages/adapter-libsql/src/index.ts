import type { Client } from '@libsql/client';
import type { StoreKind } from '@orch/core';
import {
  type AdapterRegistration,
  defineAdapter,
  OrchError,
  type ParsedUrl,
  registerAdapter,
} from '@orch/core/adapter-kit';
import { libsqlVectorFunctions } from '@orch/sql-stores';
import {
  createSideStore,
  embeddedSettings,
  engineKeyOf,
  rejectInjectedClient,
} from '@orch/sql-stores/sqlite-family';
import { driverModule, type LibsqlDatabase, LibsqlEmbeddedStore } from './embedded.js';
import { libsqlOptionsSchema, resolveLibsqlOptions, type ValidatedLibsqlOptions } from './options.js';
import { LibsqlRemoteStore } from './remote.js';

export { type LibsqlDatabase, type LibsqlEmbeddedInit, LibsqlEmbeddedStore } from './embedded.js';
export type { LibsqlOptions } from './options.js';
export { type LibsqlRemoteSettings, LibsqlRemoteStore } from './remote.js';

/** An injected client: an @libsql/client Client (it has `execute`), or an embedded `libsql` Database. */
function injectedClient(client: unknown): { remote: Client } | { embedded: LibsqlDatabase } | undefined {
  if (client === undefined || client === null) return undefined;
  const c = client as Record<string, unknown>;
  if (
    typeof c.execute === 'function' &&
    typeof c.transaction === 'function' &&
    typeof c.prepare !== 'function'
  )
    return { remote: client as Client };
  if (typeof c.prepare === 'function') return { embedded: client as LibsqlDatabase };
  throw new OrchError(
    'ORCH_INVALID_CONFIG',
    'The libsql store "client" must be a libsql Database or an @libsql/client Client.',
    { kind: 'operational' },
  );
}

function operationalStore(
  url: ParsedUrl | undefined,
  scheme: string,
  validated: ValidatedLibsqlOptions,
): LibsqlEmbeddedStore | LibsqlRemoteStore {
  const client = injectedClient(validated.client);
  if (client && 'remote' in client) {
    return new LibsqlRemoteStore(
      { url: 'injected', chunkSize: validated.chunkSize ?? 500 },
      { scheme, client: client.remote },
    );
  }
  if (client) {
    // The client is already open: the URL, when there is one, names its file for health output.
    const resolved = url?.scheme === 'file' ? resolveLibsqlOptions(url, validated) : undefined;
    const settings =
      resolved?.mode === 'embedded' ? resolved.settings : embeddedSettings(':memory:', validated);
    return new LibsqlEmbeddedStore({
      settings: { ...settings, mode: 'inline', readers: 0 },
      scheme,
      client: client.embedded,
    });
  }
  const resolved = resolveLibsqlOptions(url, validated);
  return resolved.mode === 'embedded'
    ? new LibsqlEmbeddedStore({ settings: resolved.settings, scheme })
    : new LibsqlRemoteStore(resolved.settings, { scheme });
}

/**
 * The registration of `libsql:` and `file:` URLs (http/ws URLs are left to other adapters):
 * operational, vector (native libsql vector functions) and graph stores. Vector and graph stores
 * of one embedded file share one operational store (one writer), beside the application's own;
 * on a remote server each opens its own connection.
 */
export const libsqlAdapter: AdapterRegistration = defineAdapter({
  name: '@orch/adapter-libsql',
  schemes: ['libsql', 'file'],
  kind: ['operational', 'vector', 'graph'],
  options: libsqlOptionsSchema,
  create({ kind, url, scheme, options: validated }) {
    if (kind === 'operational') return operationalStore(url, scheme, validated);
    return sideStore(kind, url, scheme, validated);
  },
});

function sideStore(
  kind: Exclude<StoreKind, 'operational'>,
  url: ParsedUrl | undefined,
  scheme: string,
  validated: ValidatedLibsqlOptions,
) {
  rejectInjectedClient(kind, validated.client, 'a libsql: or file: URL');
  // Resolved now, so a bad URL or option fails at createAdapter, not at the first query.
  const resolved = resolveLibsqlOptions(url, validated, kind);
  return createSideStore({
    kind,
    scheme,
    functions: libsqlVectorFunctions,
    tablePrefix: resolved.options.tablePrefix,
    approximateIndex: resolved.options.vectorIndex === 'diskann',
    shareKey: resolved.mode === 'embedded' ? engineKeyOf('libsql', resolved.settings) : undefined,
    exactScan:
      resolved.mode === 'embedded' && resolved.settings.path !== ':memory:'
        ? { driverModule, settings: resolved.settings.connection }
        : undefined,
    open: () =>
      resolved.mode === 'embedded'
        ? new LibsqlEmbeddedStore({ settings: resolved.settings, scheme })
        : new LibsqlRemoteStore(resolved.settings, { scheme }),
  });
}

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
