import { defineAdapter, registerAdapter } from '@orch/core/adapter-kit';
import { postgresOptionsSchema, resolvePostgresOptions } from './options.js';
import { PgVectorStore } from './pgvector-store.js';
import { PostgresOperationalStore } from './postgres-operational-store.js';

export type { PostgresOptions } from './options.js';
export { PgVectorStore, type PgVectorStoreInit } from './pgvector-store.js';
export { PostgresOperationalStore, type PostgresStoreInit } from './postgres-operational-store.js';

/**
 * The registration for `postgres:` and `postgresql:` URLs: the operational store, and the vector
 * store on pgvector (the same URL for both puts them on one server).
 */
export const postgresAdapter = defineAdapter({
  name: '@orch/adapter-postgres',
  schemes: ['postgres', 'postgresql'],
  kind: ['operational', 'vector'],
  options: postgresOptionsSchema,
  create({ kind, url, scheme, options }) {
    const resolved = resolvePostgresOptions(url, options);
    return kind === 'vector'
      ? new PgVectorStore({ options: resolved, scheme })
      : new PostgresOperationalStore({ options: resolved, scheme });
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
