import { resolve } from 'node:path';
import { OrchError, type ParsedUrl, registerSecret, type StoreConfig } from '@orch/core';
import type { LibsqlEmbeddedSettings } from './embedded-connection.js';
import type { LibsqlRemoteSettings } from './remote.js';

/** Adapter options of the libsql stores (store config keys; most also work as URL parameters). */
export interface LibsqlOptions {
  /** Token for Turso / sqld with JWT auth (URL `?authToken=`). Registered as a secret: never shown in errors. */
  readonly authToken?: string;
  /** Remote only: `false` connects without TLS (plain http/ws), like the URL's `?tls=0`. */
  readonly tls?: boolean;
  /** Embedded only: ms to wait for a lock (URL `?busy_timeout=`); default the store `timeoutMs`, else 5000. */
  readonly busyTimeoutMs?: number;
  /** Embedded only: `PRAGMA synchronous` (URL `?synchronous=`); default FULL. */
  readonly synchronous?: LibsqlEmbeddedSettings['synchronous'];
  /** Embedded only: `false` (URL `?mode=inline`) keeps the connection in this thread; default: a worker thread for files. */
  readonly worker?: boolean;
  /** Remote only: statements per request in executeMany / batch; default 500. */
  readonly chunkSize?: number;
}

export type ResolvedLibsql =
  | { readonly mode: 'embedded'; readonly settings: LibsqlEmbeddedSettings }
  | { readonly mode: 'remote'; readonly settings: LibsqlRemoteSettings };

const SYNC = new Set(['OFF', 'NORMAL', 'FULL', 'EXTRA']);
const invalid = (message: string) => new OrchError('ORCH_INVALID_CONFIG', message, { kind: 'operational' });

function positiveInt(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw invalid(`libsql option ${name} must be a non-negative integer (got ${JSON.stringify(value)}).`);
  return n;
}

/**
 * Resolve a libsql URL the way libsql reads it: `file:path.db` / `file:///abs.db` / `file::memory:`
 * open an embedded file; `libsql://host` is a remote sqld or Turso database (TLS unless `?tls=0`,
 * which needs an explicit port).
 *
 * @example
 * resolveLibsqlOptions(parseStoreUrl('libsql://127.0.0.1:8080?tls=0'), {}).mode; // 'remote'
 */
export function resolveLibsqlOptions(
  url: ParsedUrl | undefined,
  config: StoreConfig & LibsqlOptions,
): ResolvedLibsql {
  if (!url)
    throw invalid('The libsql store needs a URL (libsql://host or file:path.db), or an injected client.');
  const params = { ...url.params };
  if (url.scheme === 'file' || (url.scheme === 'libsql' && !url.host)) {
    if (url.scheme === 'libsql') {
      throw new OrchError(
        'ORCH_INVALID_URL',
        `"${url.redacted}" has no host: use libsql://host for a server, or file:path.db for an embedded file.`,
      );
    }
    const syncRaw = String(config.synchronous ?? params.synchronous ?? 'FULL').toUpperCase();
    const modeParam = params.mode;
    if (modeParam !== undefined && modeParam !== 'inline' && modeParam !== 'worker')
      throw invalid(`libsql URL parameter mode must be "inline" or "worker" (got "${modeParam}").`);
    const memory = url.path === ':memory:';
    // An in-memory database is private to its connection: inline unless asked (it then gets its one worker).
    const worker =
      typeof config.worker === 'boolean' ? config.worker : modeParam ? modeParam === 'worker' : !memory;
    if (!SYNC.has(syncRaw))
      throw invalid(`libsql option synchronous must be one of ${[...SYNC].join(', ')}.`);
    return {
      mode: 'embedded',
      settings: {
        path: url.path === ':memory:' ? ':memory:' : resolve(url.path),
        busyTimeoutMs:
          positiveInt(config.busyTimeoutMs ?? params.busy_timeout ?? config.timeoutMs, 'busyTimeoutMs') ??
          5000,
        synchronous: syncRaw as LibsqlEmbeddedSettings['synchronous'],
        statementCacheSize: 256,
        mode: worker ? 'worker' : 'inline',
      },
    };
  }
  const authToken = config.authToken ?? params.authToken ?? params.auth_token;
  if (authToken !== undefined && typeof authToken !== 'string')
    throw invalid('libsql option authToken must be a string.');
  registerSecret(authToken);
  delete params.authToken;
  delete params.auth_token;
  if (config.tls === false) params.tls = '0';
  const query = new URLSearchParams(params).toString();
  const hostPart = url.host!.includes(':') ? `[${url.host}]` : url.host!;
  const base = `libsql://${hostPart}${url.port !== undefined ? `:${url.port}` : ''}${url.path ? `/${url.path}` : ''}`;
  const clientUrl = query ? `${base}?${query}` : base;
  return {
    mode: 'remote',
    settings: {
      url: clientUrl,
      redacted: clientUrl,
      ...(authToken ? { authToken } : {}),
      chunkSize: positiveInt(config.chunkSize, 'chunkSize') ?? 500,
    },
  };
}
