import { OrchError, type ParsedUrl, registerSecret } from '@orch/core/adapter-kit';
import type { Config, Driver } from 'neo4j-driver';

/** The URL schemes of Neo4j's drivers: routing (`neo4j`) or direct (`bolt`), plain, TLS or TLS trusting any certificate. */
export const NEO4J_SCHEMES = ['neo4j', 'neo4j+s', 'neo4j+ssc', 'bolt', 'bolt+s', 'bolt+ssc'] as const;
export type Neo4jScheme = (typeof NEO4J_SCHEMES)[number];

export const DEFAULT_PORT = 7687;
export const DEFAULT_USER = 'neo4j';

/** Driver settings orch passes through unchanged (milliseconds, counts). */
export const POOL_OPTION_KEYS = [
  'maxConnectionPoolSize',
  'connectionAcquisitionTimeout',
  'connectionTimeout',
  'maxTransactionRetryTime',
  'maxConnectionLifetime',
  'connectionLivenessCheckTimeout',
  'fetchSize',
] as const;
export type PoolOptionKey = (typeof POOL_OPTION_KEYS)[number];
export type PoolOptions = Partial<Record<PoolOptionKey, number>>;

/** Everything needed to create the store's own driver. Holds the password: never print it. */
export interface Neo4jSettings {
  /** The URL the driver gets: scheme, host, port and routing context; no credentials, no path. */
  readonly url: string;
  /** `scheme://host:port`, for messages and health. */
  readonly address: string;
  /** True for `neo4j:`, `neo4j+s:`, `neo4j+ssc:` (the driver routes); false for `bolt…:` (one server). */
  readonly routing: boolean;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly database: string | undefined;
  readonly config: Config;
}

export interface ConnectionOptions extends PoolOptions {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly database?: string | undefined;
  readonly userAgent?: string | undefined;
}

/** True for `neo4j…` schemes: the driver asks the server for a routing table and routes reads and writes. */
export function isRoutingScheme(scheme: string): boolean {
  return scheme === 'neo4j' || scheme.startsWith('neo4j+');
}

function invalidUrl(url: ParsedUrl, why: string): OrchError {
  return new OrchError('ORCH_INVALID_URL', `"${url.redacted}": ${why}`, { kind: 'graph' });
}

/**
 * Settings from the URL and the options. The user and password come from the URL
 * (`neo4j://user:pass@host`) or the options, not both; the user defaults to `neo4j` when only a
 * password is given. The database comes from the URL path (`bolt://host:7687/tasks`) or the
 * `database` option, not both; without one the server's home database is used. Query parameters
 * are the routing context of `neo4j…` URLs (passed to the driver); direct `bolt…` URLs take none.
 */
export function resolveSettings(url: ParsedUrl, options: ConnectionOptions): Neo4jSettings {
  if (!url.host) throw invalidUrl(url, 'a Neo4j URL needs a host, e.g. neo4j://localhost:7687.');
  const routing = isRoutingScheme(url.scheme);
  if (!routing && Object.keys(url.params).length > 0)
    throw invalidUrl(
      url,
      `${url.scheme}: URLs connect to one server and take no query parameters (a routing context needs neo4j:).`,
    );
  if ((url.username !== undefined || url.password !== undefined) && (options.username || options.password))
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      '@orch/adapter-neo4j: give the user and password in the URL or in the username/password options, not both.',
      { kind: 'graph' },
    );
  const pathDatabase = url.path.replace(/\/+$/, '');
  if (pathDatabase.includes('/')) throw invalidUrl(url, 'the path names one database, e.g. /neo4j.');
  if (pathDatabase !== '' && options.database !== undefined && options.database !== pathDatabase)
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `@orch/adapter-neo4j: the URL names database "${pathDatabase}" and the database option "${options.database}"; give one.`,
      { kind: 'graph' },
    );
  const password = url.password ?? options.password;
  registerSecret(password);
  const user = url.username ?? options.username ?? (password !== undefined ? DEFAULT_USER : undefined);
  const host = url.host.includes(':') ? `[${url.host}]` : url.host;
  const port = url.port ?? DEFAULT_PORT;
  const address = `${url.scheme}://${host}:${port}`;
  const query = new URLSearchParams(url.params).toString();
  const config: Record<string, unknown> = {
    // Integers arrive as bigint; conversion.ts turns safe ones into numbers, so none is rounded.
    useBigInt: true,
    userAgent: options.userAgent ?? 'orch-adapter-neo4j',
  };
  for (const key of POOL_OPTION_KEYS) {
    if (options[key] !== undefined) config[key] = options[key];
  }
  return {
    url: query ? `${address}?${query}` : address,
    address,
    routing,
    user,
    password,
    database: pathDatabase !== '' ? pathDatabase : options.database,
    config: config as Config,
  };
}

/** Duck-typed, so a driver from another copy of neo4j-driver is accepted too. */
export function isNeo4jDriver(value: unknown): value is Driver {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  return (
    typeof d.session === 'function' &&
    typeof d.executeQuery === 'function' &&
    typeof d.verifyConnectivity === 'function' &&
    typeof d.close === 'function'
  );
}
