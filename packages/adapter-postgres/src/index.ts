import { defineAdapter, registerAdapter } from '@orch/core/adapter-kit';
import { postgresOptionsSchema, resolvePostgresOptions } from './options.js';
import { PostgresOperationalStore } from './postgres-operational-store.js';

export type { PostgresOptions } from './options.js';
export { PostgresOperationalStore, type PostgresStoreInit } from './postgres-operational-store.js';

/** The registration for `postgres:` and `postgresql:` URLs: the operational kind. */
export const postgresAdapter = defineAdapter({
  name: '@orch/adapter-postgres',
  schemes: ['postgres', 'postgresql'],
  kind: ['operational'],
  options: postgresOptionsSchema,
  create({ url, scheme, options }) {
    return new PostgresOperationalStore({ options: resolvePostgresOptions(url, options), scheme });
  },
});

/**
 * Register `postgres:` and `postgresql:` again (importing this package already does; call it when
 * a bundler dropped the import's side effect).
 *
 * @example
 * import { register } from '@orch/adapter-postgres';
 * register();
 */
export function register(): void {
  registerAdapter(postgresAdapter);
}

register();
