import type { EmbeddedSettings } from './options.js';

/**
 * The engine key (see `Adapter.engineKey` in @orch/core) of an embedded database: the engine and
 * the absolute file path, plus whether connections load the vector extension (a connection
 * without it cannot run the vector store's statements, so it must not be handed them).
 * Undefined for `:memory:`, which lives inside one connection and is never shared.
 *
 * @example
 * engineKeyOf('better-sqlite3', settings); // 'better-sqlite3:/data/orch.db'
 */
export function engineKeyOf(driverName: string, settings: EmbeddedSettings): string | undefined {
  if (settings.path === ':memory:') return undefined;
  return `${driverName}:${settings.path}${settings.connection.vectorExtension ? '' : '#novec'}`;
}
