import type { ResolvedPostgresOptions } from './options.js';

/**
 * The engine key (see `Adapter.engineKey` in @orch/core) of a PostgreSQL store: the connection
 * string without its password, plus the user given as an option. Stores configured with the same
 * URL and user run on the same database, with the same search path, so one store's statements
 * can run in the other's transaction. An injected client, or a pool configured without a URL,
 * is the application's business: never shared.
 *
 * @example
 * engineKeyOf(resolved); // 'postgres:postgres://orch@db:5432/orch'
 */
export function engineKeyOf(options: ResolvedPostgresOptions): string | undefined {
  const { connectionString, user } = options.poolConfig;
  if (options.client !== undefined || connectionString === undefined) return undefined;
  const url = new URL(connectionString);
  url.password = '';
  if (user !== undefined) url.username = encodeURIComponent(user);
  return `postgres:${url.href}`;
}
