import {
  defineAdapter,
  OrchError,
  type ParsedUrl,
  registerAdapter,
  registerSecret,
  storeOptionsShape,
  z,
} from '@orch/core/adapter-kit';
import type { Pinecone } from '@pinecone-database/pinecone';
import { LIMITS } from './conversion.js';
import { INDEX_NAME, type Layout, MAX_INDEX_NAME_LENGTH, MAX_PREFIX_LENGTH, type Mapping } from './layout.js';
import { createClient, isPineconeClient, PineconeCaller } from './pinecone.js';
import { PineconeVectorStore } from './store.js';

export { DOCUMENT_KEY, distanceFromScore, fromPineconeMetric, toPineconeMetric } from './conversion.js';
export { mapPineconeError } from './errors.js';
export { toPineconeFilter } from './filter.js';
export { indexNameFor, type Layout, type Mapping } from './layout.js';
export { PineconeVectorStore } from './store.js';

/** Default per-request timeout. */
const DEFAULT_TIMEOUT_MS = 30_000;
/** The longest URL namespace: a collection namespace `NS:collection` must fit in 512 characters. */
const MAX_URL_NAMESPACE_LENGTH = LIMITS.namespaceLength - 64;
const URL_PARAMS = ['namespace', 'mapping'] as const;

const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+/, { error: 'must be an http:// or https:// URL (include the scheme)' });

/**
 * The options of a `pinecone:` store besides its URL (checked strictly: a misspelt key is
 * ORCH_INVALID_CONFIG).
 */
export const pineconeOptions = z
  .object({
    ...storeOptionsShape,
    username: z.undefined({ error: 'pinecone: authenticate with apiKey (or PINECONE_API_KEY)' }).optional(),
    password: z.undefined({ error: 'pinecone: authenticate with apiKey (or PINECONE_API_KEY)' }).optional(),
    /** The API key; default `PINECONE_API_KEY`. Never printed. */
    apiKey: z.string().min(1).optional(),
    /** A `Pinecone` client of your own: used as it is and never closed. */
    client: z
      .custom<Pinecone>(isPineconeClient, {
        error: 'must be a Pinecone client (new Pinecone({ … }) from @pinecone-database/pinecone)',
      })
      .optional(),
    /** The control plane; default `PINECONE_CONTROLLER_HOST`, else the client's `https://api.pinecone.io`. */
    controllerHostUrl: httpUrl.optional(),
    /** Data-plane host of the URL's index (skips the host lookup); `namespaces` mapping only. */
    indexHost: httpUrl.optional(),
    /** Namespace prefix (`namespaces`) or namespace (`indexes`); also `?namespace=` in the URL. */
    namespace: z.string().min(1).max(MAX_URL_NAMESPACE_LENGTH).optional(),
    /** How collections map onto Pinecone; also `?mapping=` in the URL. Default `namespaces`. */
    mapping: z.enum(['namespaces', 'indexes']).optional(),
    /** Retries of a request answered 429 or 5xx. Default 3. */
    maxRetries: z.number().int().min(0).max(10).default(3),
    /** Backoff between those retries (core's `backoffDelay`). Default `{ baseMs: 200, maxMs: 10000 }`. */
    retryBackoff: z
      .object({
        baseMs: z.number().int().min(0).optional(),
        maxMs: z.number().int().min(0).optional(),
        jitter: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional(),
    /**
     * Upsert requests of one call in flight at once. Default 1: one after the other, as the raw
     * client is usually driven; more overlaps each request's wait for the service (a remote one).
     */
    upsertConcurrency: z.number().int().min(1).max(16).default(1),
    /** Wait for an index this store created to become ready. Default 300,000 ms. */
    indexReadyTimeoutMs: z.number().int().positive().default(300_000),
    /** Create the index(es) a collection needs when missing. Default true. */
    createIndexes: z.boolean().default(true),
    /** Where created indexes live (serverless spec). */
    cloud: z.enum(['aws', 'gcp', 'azure']).default('aws'),
    region: z.string().min(1).default('us-east-1'),
  })
  .strict();

/** Options of a `pinecone:` store as written in a store config. */
export type PineconeStoreOptions = z.input<typeof pineconeOptions>;

function invalidUrl(url: ParsedUrl, why: string): OrchError {
  return new OrchError('ORCH_INVALID_URL', `"${url.redacted}": ${why}`, { kind: 'vector' });
}

function invalidConfig(why: string): OrchError {
  return new OrchError('ORCH_INVALID_CONFIG', `@orch/adapter-pinecone: ${why}`, { kind: 'vector' });
}

/** Read the URL and the options that may also be URL parameters; options and URL must agree. */
function resolveLayout(url: ParsedUrl, options: z.output<typeof pineconeOptions>): Layout {
  if (url.password !== undefined || url.username !== undefined) {
    throw invalidUrl(
      url,
      'a pinecone: URL carries no credentials; pass the API key as the apiKey option or PINECONE_API_KEY.',
    );
  }
  if (url.port !== undefined || url.path !== '') {
    throw invalidUrl(
      url,
      'expected pinecone://INDEX-NAME (no port, no path); hosts go in controllerHostUrl / indexHost.',
    );
  }
  const unknown = Object.keys(url.params).filter((k) => !(URL_PARAMS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw invalidUrl(
      url,
      `unknown parameter(s) ${unknown.join(', ')}; a pinecone: URL takes ${URL_PARAMS.join(' and ')}.`,
    );
  }
  const fromUrl = url.params.mapping;
  if (fromUrl !== undefined && fromUrl !== 'namespaces' && fromUrl !== 'indexes') {
    throw invalidUrl(url, `mapping must be "namespaces" or "indexes", not ${JSON.stringify(fromUrl)}.`);
  }
  if (fromUrl !== undefined && options.mapping !== undefined && fromUrl !== options.mapping) {
    throw invalidConfig(`the URL says mapping=${fromUrl} but the options say ${options.mapping}.`);
  }
  const mapping: Mapping = (fromUrl as Mapping | undefined) ?? options.mapping ?? 'namespaces';
  const urlNamespace = url.params.namespace;
  if (urlNamespace !== undefined && options.namespace !== undefined && urlNamespace !== options.namespace) {
    throw invalidConfig('the URL and the options name different namespaces.');
  }
  const namespace = urlNamespace ?? options.namespace ?? '';
  if (namespace.length > MAX_URL_NAMESPACE_LENGTH || /[\0#]/.test(namespace)) {
    throw invalidUrl(
      url,
      `the namespace must be at most ${MAX_URL_NAMESPACE_LENGTH} characters, without "#" (the adapter's own namespaces use it) or NUL.`,
    );
  }
  const index = url.host ?? '';
  const max = mapping === 'namespaces' ? MAX_INDEX_NAME_LENGTH : MAX_PREFIX_LENGTH;
  const what = mapping === 'namespaces' ? 'the index name' : 'the index name prefix (mapping=indexes)';
  if (index === '' || index.length > max || !INDEX_NAME.test(index)) {
    throw invalidUrl(
      url,
      `${what} must be 1 to ${max} lower-case letters, digits or "-", starting and ending with a letter or digit (e.g. pinecone://my-index).`,
    );
  }
  if (mapping === 'indexes' && options.indexHost !== undefined) {
    throw invalidConfig(
      'indexHost names the host of one index; with mapping=indexes every collection has its own.',
    );
  }
  return { mapping, index, namespace };
}

/** The registration for `pinecone:` (vector stores). */
export const pineconeAdapter = defineAdapter({
  name: '@orch/adapter-pinecone',
  schemes: ['pinecone'],
  kind: 'vector',
  options: pineconeOptions,
  create({ url, options }) {
    if (!url) {
      throw invalidConfig(
        'a pinecone store needs a URL naming its index (pinecone://my-index), with an injected client too.',
      );
    }
    const layout = resolveLayout(url, options);
    const injected = options.client;
    let client: Pinecone;
    if (injected) {
      if (options.apiKey !== undefined || options.controllerHostUrl !== undefined) {
        throw invalidConfig('with an injected client, configure the API key and host on that client.');
      }
      registerSecret(injected.getConfig().apiKey);
      client = injected;
    } else {
      const apiKey = options.apiKey ?? process.env.PINECONE_API_KEY;
      if (!apiKey) {
        throw invalidConfig('no API key: pass the apiKey option or set PINECONE_API_KEY.');
      }
      registerSecret(apiKey);
      client = createClient({
        apiKey,
        controllerHostUrl: options.controllerHostUrl ?? (process.env.PINECONE_CONTROLLER_HOST || undefined),
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
    }
    const caller = new PineconeCaller({
      maxRetries: options.maxRetries,
      backoff: { baseMs: 200, maxMs: 10_000, ...options.retryBackoff },
      // The adapter's own client aborts each request in its fetch; an injected one gets a deadline.
      callTimeoutMs: injected ? options.timeoutMs : undefined,
      clientRetries: injected !== undefined,
    });
    return new PineconeVectorStore({
      layout,
      client,
      injected: injected !== undefined,
      indexHost: options.indexHost,
      caller,
      createIndexes: options.createIndexes,
      cloud: options.cloud,
      region: options.region,
      indexReadyTimeoutMs: options.indexReadyTimeoutMs,
      upsertConcurrency: options.upsertConcurrency,
    });
  },
});

/**
 * The store config for a `pinecone:` store on a local `@orch/pinecone-emulator` (or any server
 * speaking Pinecone's REST API at `emulatorUrl`), for tests: `createAdapter('vector',
 * emulatorStoreConfig(emulator.url, { index: 'tasks' }))`.
 */
export function emulatorStoreConfig(
  emulatorUrl: string,
  options: { index?: string; namespace?: string; mapping?: Mapping; apiKey?: string } = {},
): { url: string } & PineconeStoreOptions {
  const params = new URLSearchParams();
  if (options.namespace !== undefined) params.set('namespace', options.namespace);
  if (options.mapping !== undefined) params.set('mapping', options.mapping);
  const query = params.size > 0 ? `?${params.toString()}` : '';
  return {
    url: `pinecone://${options.index ?? 'orch'}${query}`,
    apiKey: options.apiKey ?? 'orch-emulator-key',
    controllerHostUrl: emulatorUrl,
    maxRetries: 0,
  };
}

/**
 * Register `pinecone:` again (importing this package already does; call it when a bundler
 * dropped the import's side effect).
 *
 * @example
 * import { register } from '@orch/adapter-pinecone';
 * register();
 */
export function register(): void {
  registerAdapter(pineconeAdapter);
}

register();
