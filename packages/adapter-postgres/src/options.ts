import { OrchError, type ParsedUrl, storeOptionsShape, z } from '@orch/core/adapter-kit';
import pg from 'pg';

/** Where a store gets its connections: an injected pool or client, or a pool it creates. */
const injected = z.custom<pg.Pool | pg.Client>((v) => v instanceof pg.Pool || v instanceof pg.Client, {
  error: 'must be a pg.Pool or a pg.Client',
});

/** Options of a `postgres:` store, besides the URL (its query parameters go to pg as they are). */
export const postgresOptionsSchema = z
  .object({
    ...storeOptionsShape,
    /** An existing pool or client; it stays yours: the store never ends it. */
    client: injected.optional(),
    /** Most connections the store's own pool opens. Default 10. */
    poolSize: z.number().int().min(1).max(1000).optional(),
    /** How long to wait for a connection (from the pool or the server). Default 10 000 ms. */
    connectionTimeoutMs: z.number().int().positive().optional(),
    /** How long an idle pooled connection is kept. Default 30 000 ms; 0 keeps them. */
    idleTimeoutMs: z.number().int().nonnegative().optional(),
    /** The server aborts a statement that runs longer (`statement_timeout`). Defaults to `timeoutMs`. */
    statementTimeoutMs: z.number().int().positive().optional(),
    applicationName: z.string().min(1).max(63).optional(),
    /** TLS: `true`, or the options of Node's `tls.connect` (ca, cert, key, rejectUnauthorized …). */
    ssl: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
    /** Vector tables are named `<tablePrefix><collection>`. Default `orch_vec_`. */
    tablePrefix: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,29}$/, 'must be a lower-case SQL identifier of at most 30 characters')
      .optional(),
    /** Build an HNSW index on new vector collections (approximate search). Default: exact search, no index. */
    vectorIndex: z.enum(['none', 'hnsw']).optional(),
    /** HNSW build and search parameters (pgvector's `m`, `ef_construction`, `hnsw.ef_search`). */
    hnsw: z
      .object({
        m: z.number().int().min(2).max(100).optional(),
        efConstruction: z.number().int().min(4).max(1000).optional(),
        efSearch: z.number().int().min(1).max(1000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** What a `postgres:` store accepts besides its URL. */
export type PostgresOptions = z.input<typeof postgresOptionsSchema>;

/** The options after validation and defaults, as the stores use them. */
export interface ResolvedPostgresOptions {
  readonly client: pg.Pool | pg.Client | undefined;
  readonly poolConfig: pg.PoolConfig;
  readonly tablePrefix: string;
  readonly vectorIndex: 'none' | 'hnsw';
  readonly hnsw: { readonly m: number; readonly efConstruction: number; readonly efSearch: number };
}

/**
 * The pg pool configuration for a URL and options. The URL goes to pg as its connection string,
 * so its query parameters (`sslmode`, `application_name`, `options`, …) mean what they mean to
 * PostgreSQL; options given here win over the URL.
 */
export function resolvePostgresOptions(
  url: ParsedUrl | undefined,
  options: z.output<typeof postgresOptionsSchema>,
): ResolvedPostgresOptions {
  if (!url && !options.client) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      'A postgres store needs a URL (postgres://user@host/db) or a client.',
      {
        kind: 'operational',
      },
    );
  }
  const statementTimeout = options.statementTimeoutMs ?? options.timeoutMs;
  const poolConfig: pg.PoolConfig = {
    ...(url ? { connectionString: url.href } : {}),
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    ...(statementTimeout ? { statement_timeout: statementTimeout } : {}),
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
    ...(options.username ? { user: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
    ...(options.ssl !== undefined ? { ssl: options.ssl as pg.PoolConfig['ssl'] } : {}),
  };
  return {
    client: options.client,
    poolConfig,
    tablePrefix: options.tablePrefix ?? 'orch_vec_',
    vectorIndex: options.vectorIndex ?? 'none',
    hnsw: {
      m: options.hnsw?.m ?? 16,
      efConstruction: options.hnsw?.efConstruction ?? 64,
      efSearch: options.hnsw?.efSearch ?? 100,
    },
  };
}
