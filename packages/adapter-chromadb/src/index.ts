import { defineAdapter, OrchError, registerAdapter, storeOptionsShape, z } from '@orch/core/adapter-kit';
import type { ChromaClient } from 'chromadb';
import { ChromaVectorStore } from './chroma-vector-store.js';
import { isChromaClient, resolveSettings } from './client.js';

export {
  ChromaVectorStore,
  type ChromaVectorStoreOptions,
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
} from './chroma-vector-store.js';
export { type ChromaSettings, DEFAULT_DATABASE, DEFAULT_TENANT } from './client.js';
export {
  type ChromaFilter,
  type ChromaWhere,
  PRESENCE_PREFIX,
  presenceKey,
  toChromaWhere,
} from './filter.js';

const name = z.string().min(1).max(512);

/**
 * Options of a `chromadb:` / `chromadb+https:` vector store besides the URL. Strict: a misspelt
 * key is ORCH_INVALID_CONFIG naming it.
 */
const chromaOptions = z
  .object({
    ...storeOptionsShape,
    /** Chroma tenant (default `default_tenant`); also `/tenant/database` in the URL path. */
    tenant: name.optional(),
    /** Chroma database (default `default_database`); also `/database` in the URL path. */
    database: name.optional(),
    /** A token, sent as `Authorization: Bearer …` or, with `authHeader: 'x-chroma-token'`, as `X-Chroma-Token`. */
    token: z.string().min(1).optional(),
    authHeader: z.enum(['authorization', 'x-chroma-token']).optional(),
    /** More headers for every request (a proxy's, say); values of auth-like names are treated as secrets. */
    headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/), z.string()).optional(),
    /** Retries of a request that failed retriably (network, timeout, 5xx, 429). Default 2. */
    retries: z.number().int().min(0).max(10).optional(),
    /** Records per write request, at most the server's `max_batch_size` (which is the default). */
    maxBatchSize: z.number().int().positive().optional(),
    client: z
      .custom<ChromaClient>(isChromaClient, { error: 'must be a ChromaClient from the chromadb package' })
      .optional(),
  })
  .strict();

type ChromaOptions = z.infer<typeof chromaOptions>;

const CONNECTION_KEYS = [
  'tenant',
  'database',
  'token',
  'apiKey',
  'authHeader',
  'headers',
  'username',
  'password',
] as const;

/** The registration for `chromadb:` (HTTP) and `chromadb+https:` (TLS) vector stores. */
export const chromaAdapter = defineAdapter<ChromaOptions>({
  name: '@orch/adapter-chromadb',
  schemes: ['chromadb', 'chromadb+https'],
  kind: 'vector',
  options: chromaOptions,
  create({ url, scheme, options }) {
    const common = {
      scheme,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      ...(options.maxBatchSize !== undefined ? { maxBatchSize: options.maxBatchSize } : {}),
    };
    if (options.client) {
      const clash = CONNECTION_KEYS.filter((k) => options[k] !== undefined);
      if (clash.length > 0 || url?.password !== undefined || (url && url.path !== ''))
        throw new OrchError(
          'ORCH_INVALID_CONFIG',
          `@orch/adapter-chromadb: an injected ChromaClient brings its own connection settings; configure ${clash.length > 0 ? clash.join(', ') : 'the tenant, database and credentials'} on the client instead.`,
          { kind: 'vector' },
        );
      return new ChromaVectorStore({ ...common, client: options.client });
    }
    if (!url)
      throw new OrchError(
        'ORCH_INVALID_CONFIG',
        '@orch/adapter-chromadb needs a URL (chromadb://host:8000) or an injected client.',
        { kind: 'vector' },
      );
    return new ChromaVectorStore({ ...common, settings: resolveSettings(url, options) });
  },
});

/**
 * Register `chromadb:` and `chromadb+https:` again (importing this package already does; call it
 * when a bundler dropped the import's side effect).
 *
 * @example
 * import { register } from '@orch/adapter-chromadb';
 * register();
 */
export function register(): void {
  registerAdapter(chromaAdapter);
}

register();
