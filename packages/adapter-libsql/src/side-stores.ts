import { type AdapterFactoryContext, OrchError, type StoreConfig } from '@orch/core';
import { libsqlVectorFunctions, SqlGraphStore, SqlVectorStore } from '@orch/sql-stores';
import type { LibsqlEmbeddedStore } from './embedded.js';
import type { LibsqlRemoteStore } from './remote.js';

/**
 * Create an unconnected vector (libsql native vector functions; exact search unless
 * `vectorIndex: 'diskann'` / `?vector_index=diskann`) or graph store
 * for a libsql URL. The store opens its own libsql connection on first use (embedded file,
 * `:memory:`, or remote sqld / Turso) and closes it on `close()`; its tables live beside yours.
 *
 * @example
 * const vectors = await createAdapter('vector', 'file:tasks.db');
 * await vectors.ensureCollection('tasks', { dimension: 384 });
 */
export function createLibsqlSideStore(
  context: AdapterFactoryContext,
  openOperational: (context: AdapterFactoryContext) => LibsqlEmbeddedStore | LibsqlRemoteStore,
): SqlVectorStore | SqlGraphStore {
  const config = context.config as StoreConfig & { tablePrefix?: unknown; vectorIndex?: unknown };
  if (config.client !== undefined) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `An injected client is supported for the operational kind only; give the ${context.kind} store a libsql: or file: URL.`,
      { kind: context.kind },
    );
  }
  const { vector_index: vectorIndexParam, ...params } = context.url?.params ?? {};
  const vectorIndex = config.vectorIndex ?? vectorIndexParam ?? 'exact';
  if (vectorIndex !== 'exact' && vectorIndex !== 'diskann') {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `libsql option vectorIndex must be "exact" (default) or "diskann" (got ${JSON.stringify(vectorIndex)}).`,
      { kind: context.kind },
    );
  }
  // Built now so a bad URL or option fails at createAdapter, not at the first query. The
  // connection never sees vector_index: a remote server refuses unknown URL parameters.
  const url = context.url ? { ...context.url, params } : context.url;
  const operational = openOperational({ ...context, url, kind: 'operational' });
  const executor = async () => {
    await operational.connect();
    return operational;
  };
  const tablePrefix = config.tablePrefix === undefined ? {} : { tablePrefix: config.tablePrefix as string };
  if (context.kind === 'vector') {
    return new SqlVectorStore({
      executor,
      scheme: context.scheme,
      functions: libsqlVectorFunctions,
      ownsExecutor: true,
      approximateIndex: vectorIndex === 'diskann',
      ...tablePrefix,
    });
  }
  return new SqlGraphStore({ executor, scheme: context.scheme, ownsExecutor: true, ...tablePrefix });
}
