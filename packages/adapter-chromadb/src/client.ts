import { OrchError, type ParsedUrl, registerSecret } from '@orch/core/adapter-kit';
import { AdminClient, ChromaClient } from 'chromadb';
import { ChromaTimeoutError } from './errors.js';

/** Where and how to reach the server, resolved from the URL and the options. Credential-free except `headers`. */
export interface ChromaSettings {
  readonly host: string;
  readonly port: number;
  readonly ssl: boolean;
  readonly tenant: string;
  readonly database: string;
  /** Sent with every request (the auth header among them): never print it. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The connection options `create` passes on (already validated by the options schema). */
export interface ChromaConnectionOptions {
  readonly tenant?: string | undefined;
  readonly database?: string | undefined;
  readonly token?: string | undefined;
  readonly apiKey?: string | undefined;
  readonly authHeader?: 'authorization' | 'x-chroma-token' | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

export const DEFAULT_TENANT = 'default_tenant';
export const DEFAULT_DATABASE = 'default_database';
const DEFAULT_PORT = { http: 8000, https: 443 } as const;
/** Header names whose values are credentials: registered as secrets so no message shows them. */
const SECRET_HEADER = /auth|token|key|secret|cookie|session|password/i;

function invalidConfig(message: string): OrchError {
  return new OrchError('ORCH_INVALID_CONFIG', message, { kind: 'vector' });
}

/**
 * Resolve host, port, TLS, tenant, database and headers. URL forms: `chromadb://host[:port]`
 * (HTTP, port 8000 by default) and `chromadb+https://host[:port]` (TLS, port 443), with an
 * optional path `/database` or `/tenant/database`. Credentials: a token (option `token`, or
 * `apiKey`, or a URL password without a user name), sent as `Authorization: Bearer <token>` or,
 * with `authHeader: 'x-chroma-token'`, as `X-Chroma-Token: <token>`; or a user name and password
 * (URL or options), sent as HTTP Basic auth. Every credential is registered as a secret.
 */
export function resolveSettings(url: ParsedUrl, options: ChromaConnectionOptions): ChromaSettings {
  const ssl = url.scheme === 'chromadb+https';
  if (!url.host) throw invalidConfig(`"${url.redacted}" names no host: use chromadb://host:port.`);
  const segments = url.path === '' ? [] : url.path.split('/');
  if (segments.length > 2 || segments.some((s) => s === ''))
    throw invalidConfig(`"${url.redacted}": the path is /database or /tenant/database, got "/${url.path}".`);
  const [pathTenant, pathDatabase] =
    segments.length === 2 ? [segments[0], segments[1]] : [undefined, segments[0]];
  const tenant = pick('tenant', pathTenant, options.tenant) ?? DEFAULT_TENANT;
  const database = pick('database', pathDatabase, options.database) ?? DEFAULT_DATABASE;
  for (const key of Object.keys(url.params))
    throw invalidConfig(`"${url.redacted}": unknown URL parameter "${key}"; pass options instead.`);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (SECRET_HEADER.test(name)) registerSecret(value);
    headers[name.toLowerCase()] = value;
  }
  const username = pick('username', url.username, options.username);
  const urlToken = url.username === undefined ? url.password : undefined;
  const password = pick('password', url.username === undefined ? undefined : url.password, options.password);
  if (options.token !== undefined && options.apiKey !== undefined && options.token !== options.apiKey)
    throw invalidConfig('Give the Chroma token once: as `token` or as `apiKey`, not both.');
  const token = pick('token', urlToken, options.token ?? options.apiKey);
  if (token !== undefined && (username !== undefined || password !== undefined))
    throw invalidConfig('Give either a token or a user name and password for Chroma, not both.');
  if ((username === undefined) !== (password === undefined))
    throw invalidConfig('Chroma basic auth needs both a user name and a password.');
  const authHeader = options.authHeader ?? 'authorization';
  if (token !== undefined) {
    registerSecret(token);
    if (authHeader === 'x-chroma-token') headers['x-chroma-token'] = token;
    else headers.authorization = `Bearer ${token}`;
  } else if (username !== undefined && password !== undefined) {
    if (options.authHeader === 'x-chroma-token')
      throw invalidConfig('authHeader "x-chroma-token" carries a token; basic auth uses Authorization.');
    registerSecret(password);
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    registerSecret(basic);
    headers.authorization = `Basic ${basic}`;
  }
  for (const value of Object.values(headers)) if (value.startsWith('Bearer ')) registerSecret(value);

  return {
    host: url.host,
    port: url.port ?? (ssl ? DEFAULT_PORT.https : DEFAULT_PORT.http),
    ssl,
    tenant,
    database,
    headers,
  };
}

/** The one value of a setting given in the URL and/or the options; both must agree. */
function pick(
  name: string,
  fromUrl: string | undefined,
  fromOptions: string | undefined,
): string | undefined {
  if (fromUrl !== undefined && fromOptions !== undefined && fromUrl !== fromOptions)
    throw invalidConfig(`Chroma ${name} is given twice (URL and options) with different values.`);
  return fromUrl ?? fromOptions;
}

/** A client for the settings; the adapter owns it. */
export function createChromaClient(settings: ChromaSettings): ChromaClient {
  return new ChromaClient({
    // An IPv6 literal needs its brackets back in the URL the client builds.
    host: settings.host.includes(':') ? `[${settings.host}]` : settings.host,
    port: settings.port,
    ssl: settings.ssl,
    tenant: settings.tenant,
    database: settings.database,
    headers: { ...settings.headers },
  });
}

/** An admin client on the same server with the same headers (to check the database exists). */
export function createAdminClient(settings: ChromaSettings): AdminClient {
  return new AdminClient({
    host: settings.host.includes(':') ? `[${settings.host}]` : settings.host,
    port: settings.port,
    ssl: settings.ssl,
    headers: { ...settings.headers },
  });
}

/**
 * Duck-typed, so a client from another copy of `chromadb` (another version in the application's
 * tree) is accepted too.
 */
export function isChromaClient(value: unknown): value is ChromaClient {
  if (value instanceof ChromaClient) return true;
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.heartbeat === 'function' &&
    typeof c.getCollection === 'function' &&
    typeof c.createCollection === 'function' &&
    typeof c.deleteCollection === 'function' &&
    typeof c.listCollections === 'function'
  );
}

/**
 * Reject with {@link ChromaTimeoutError} when `promise` takes longer than `ms`. The chromadb client
 * takes no per-request signal, so the request itself runs on; the caller gets a typed, retriable
 * answer in time.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ChromaTimeoutError(operation, ms)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
