import { defineAdapter, OrchError, registerAdapter, storeOptionsShape, z } from '@orch/core/adapter-kit';
import type { Driver } from 'neo4j-driver';
import { isNeo4jDriver, NEO4J_SCHEMES, POOL_OPTION_KEYS, resolveSettings } from './client.js';
import { Neo4jGraphStore } from './neo4j-graph-store.js';

export {
  DEFAULT_PORT,
  DEFAULT_USER,
  isRoutingScheme,
  NEO4J_SCHEMES,
  type Neo4jScheme,
  type Neo4jSettings,
  type PoolOptions,
} from './client.js';
export { fromNeo4j, toNeo4jParam } from './conversion.js';
export { mapNeo4jError } from './errors.js';
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_NODE_LABEL,
  MIN_SERVER_VERSION,
  Neo4jGraphStore,
  type Neo4jGraphStoreOptions,
} from './neo4j-graph-store.js';

const { apiKey: _apiKey, ...commonShape } = storeOptionsShape;
const ms = z.number().int().min(0);

/**
 * Options of a `neo4j:` / `bolt:` graph store besides the URL. Strict: a misspelt key is
 * ORCH_INVALID_CONFIG naming it.
 */
const neo4jOptions = z
  .object({
    ...commonShape,
    /** The database (default: the user's home database); also the URL path, `bolt://host:7687/tasks`. */
    database: z.string().min(1).max(63).optional(),
    /** The label every orch node carries, covered by the uniqueness constraint on `id`. Default `OrchNode`. */
    nodeLabel: z
      .string()
      .regex(
        /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
        'must be an identifier: a letter or "_", then letters, digits or "_"',
      )
      .optional(),
    /** Rows per UNWIND statement (a call still runs in one transaction). Default 2000. */
    batchSize: z.number().int().min(1).max(100_000).optional(),
    /** Passed to the driver (see the neo4j-driver Config). */
    maxConnectionPoolSize: z.number().int().positive().optional(),
    connectionAcquisitionTimeout: ms.optional(),
    connectionTimeout: ms.optional(),
    maxTransactionRetryTime: ms.optional(),
    maxConnectionLifetime: ms.optional(),
    connectionLivenessCheckTimeout: ms.optional(),
    fetchSize: z.number().int().min(-1).optional(),
    userAgent: z.string().min(1).optional(),
    client: z.custom<Driver>(isNeo4jDriver, { error: 'must be a Driver from neo4j-driver' }).optional(),
  })
  .strict();

type Neo4jOptions = z.infer<typeof neo4jOptions>;

/** Options an injected driver already fixed: giving them too is a mistake, not a silent no-op. */
const DRIVER_KEYS = ['username', 'password', 'userAgent', ...POOL_OPTION_KEYS] as const;

/** The registration for `neo4j:`, `neo4j+s:`, `neo4j+ssc:` (routing) and `bolt:`, `bolt+s:`, `bolt+ssc:` (direct) graph stores. */
export const neo4jAdapter = defineAdapter<Neo4jOptions>({
  name: '@orch/adapter-neo4j',
  schemes: NEO4J_SCHEMES,
  kind: 'graph',
  options: neo4jOptions,
  create({ url, scheme, options }) {
    const common = {
      scheme,
      ...(options.nodeLabel !== undefined ? { nodeLabel: options.nodeLabel } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    };
    if (options.client) {
      const clash = DRIVER_KEYS.filter((k) => options[k] !== undefined);
      if (clash.length > 0 || url?.username !== undefined || url?.password !== undefined)
        throw new OrchError(
          'ORCH_INVALID_CONFIG',
          `@orch/adapter-neo4j: an injected Driver brings its own connection settings; configure ${clash.length > 0 ? clash.join(', ') : 'the credentials'} on the driver instead.`,
          { kind: 'graph' },
        );
      const database = options.database ?? (url?.path ? url.path : undefined);
      return new Neo4jGraphStore({
        ...common,
        driver: options.client,
        ...(database !== undefined ? { database } : {}),
      });
    }
    if (!url)
      throw new OrchError(
        'ORCH_INVALID_CONFIG',
        '@orch/adapter-neo4j needs a URL (neo4j://localhost:7687, bolt://localhost:7687) or an injected driver.',
        { kind: 'graph' },
      );
    return new Neo4jGraphStore({ ...common, settings: resolveSettings(url, options) });
  },
});

/**
 * Register the Neo4j schemes again (importing this package already does; call it when a bundler
 * dropped the import's side effect).
 *
 * @example
 * import { register } from '@orch/adapter-neo4j';
 * register();
 */
export function register(): void {
  registerAdapter(neo4jAdapter);
}

register();
