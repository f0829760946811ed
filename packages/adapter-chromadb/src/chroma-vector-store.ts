import {
  backoffDelay,
  type CollectionInfo,
  type DriverErrorContext,
  type FilterNode,
  type Include,
  isOrchError,
  type Metadata,
  type NormalizedDeleteSelector,
  type NormalizedVectorQuery,
  type NormalizedVectorRecord,
  OrchError,
  type RawVectorMatch,
  type StoredVectorRecord,
  type VectorCapabilities,
  VectorStoreBase,
} from '@orch/core/adapter-kit';
import type { ChromaClient, Metadata as ChromaMetadata, Collection, Where } from 'chromadb';

type ChromaInclude = 'distances' | 'documents' | 'embeddings' | 'metadatas';

import { type ChromaSettings, createAdminClient, createChromaClient, withTimeout } from './client.js';
import {
  collectionInfo,
  collectionMetadata,
  fromChromaMetadata,
  spaceFor,
  storedKeys,
  toChromaMetadata,
  toOrchDistance,
} from './conversion.js';
import { mapChromaError } from './errors.js';
import { toChromaWhere } from './filter.js';

/** Used until the server's pre-flight checks say otherwise (Chroma 1.5 reports 5461). */
export const DEFAULT_MAX_BATCH_SIZE = 1000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRIES = 2;
const RETRY_BACKOFF = { baseMs: 100, maxMs: 2_000 } as const;
const LIST_PAGE = 100;

export interface ChromaVectorStoreOptions {
  /** `chromadb` or `chromadb+https`. Default `chromadb`. */
  readonly scheme?: string;
  /** Where to connect; the store creates (and closes) its own client. Ignored with `client`. */
  readonly settings?: ChromaSettings;
  /** An injected client: the store uses it as configured and never closes it. */
  readonly client?: ChromaClient;
  /** Per request, in milliseconds. Default 30 000. */
  readonly timeoutMs?: number;
  /** Retries of a request that failed retriably (network, timeout, 5xx, 429). Default 2. */
  readonly retries?: number;
  /** Cap on records per write request, below the server's own `max_batch_size`. */
  readonly maxBatchSize?: number;
}

/**
 * An orch vector store on a Chroma server, through the official `chromadb` client. Collections
 * carry their dimension and metric in their metadata and are created with no embedding function
 * (orch sends vectors; nothing is downloaded). Filters are translated to Chroma `where` clauses
 * with exactly the reference evaluator's results (see `toChromaWhere`); writes are split at the
 * server's `max_batch_size`; failed requests that may succeed later are retried with backoff.
 *
 * @example
 * import '@orch/adapter-chromadb';
 * const store = await createAdapter('vector', 'chromadb://localhost:8000');
 */
export class ChromaVectorStore extends VectorStoreBase {
  readonly scheme: string;
  capabilities: VectorCapabilities = {
    metrics: ['cosine', 'l2', 'ip'],
    filterExists: true,
    eventualConsistency: false,
    maxBatchSize: DEFAULT_MAX_BATCH_SIZE,
    documents: true,
  };
  readonly #injected: ChromaClient | undefined;
  readonly #settings: ChromaSettings | undefined;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #batchCap: number | undefined;
  readonly #handles = new Map<string, Collection>();
  #client: ChromaClient | undefined;
  #serverMaxBatchSize: number | undefined;

  constructor(options: ChromaVectorStoreOptions) {
    super();
    if (!options.client && !options.settings)
      throw new OrchError('ORCH_INVALID_CONFIG', 'ChromaVectorStore needs a URL or a client.', {
        kind: 'vector',
      });
    this.scheme = options.scheme ?? 'chromadb';
    this.#injected = options.client;
    this.#settings = options.client ? undefined : options.settings;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retries = options.retries ?? DEFAULT_RETRIES;
    this.#batchCap = options.maxBatchSize;
    if (this.#batchCap !== undefined) this.#setBatchSize(this.#batchCap);
  }

  protected async doConnect(): Promise<void> {
    this.#client ??= this.#injected ?? createChromaClient(this.#settings!);
    const client = this.#client;
    await this.#request('connect', () => client.heartbeat());
    const serverMax = await this.#request('connect', () => client.getMaxBatchSize());
    this.#serverMaxBatchSize = serverMax > 0 ? serverMax : undefined;
    this.#setBatchSize(
      Math.min(
        this.#batchCap ?? Number.POSITIVE_INFINITY,
        serverMax > 0 ? serverMax : DEFAULT_MAX_BATCH_SIZE,
      ),
    );
    const settings = this.#settings;
    if (!settings) return; // an injected client's tenant and database are the caller's business
    try {
      // A missing tenant or database would otherwise surface later as "collection not found"
      // (reads of a missing database answer as if it were empty).
      const admin = createAdminClient(settings);
      await this.#request('connect', () =>
        admin.getDatabase({ name: settings.database, tenant: settings.tenant }),
      );
    } catch (err) {
      // A token scoped to one database may not be allowed to describe it: the next request tells.
      if (isOrchError(err, 'ORCH_AUTH_FAILED') && err.details.status === 403) return;
      if (!isOrchError(err, 'ORCH_NOT_FOUND')) throw err;
      throw new OrchError(
        'ORCH_INVALID_CONFIG',
        `Chroma has no database "${settings.database}" in tenant "${settings.tenant}"; create it, or set the tenant and database options.`,
        { kind: 'vector', cause: err, details: { driverCode: err.details.driverCode, status: 404 } },
      );
    }
  }

  protected async doClose(): Promise<void> {
    // The chromadb client holds no connection of its own (it uses fetch); an injected one is the
    // caller's either way. Drop the references so nothing is used after close.
    this.#handles.clear();
    this.#client = undefined;
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    const client = this.#connected();
    const [, version] = await Promise.all([
      this.#request('health', () => client.heartbeat(), undefined, 0),
      this.#request('health', () => client.version(), undefined, 0),
    ]);
    return {
      engine: 'chroma',
      version,
      tenant: this.#tenant(),
      database: this.#database(),
      maxBatchSize: this.capabilities.maxBatchSize,
      ...(this.#serverMaxBatchSize !== undefined ? { serverMaxBatchSize: this.#serverMaxBatchSize } : {}),
    };
  }

  protected override mapDriverError(err: unknown, context: DriverErrorContext): OrchError {
    return mapChromaError(err, context);
  }

  protected async doEnsureCollection(wanted: CollectionInfo): Promise<CollectionInfo> {
    const existing = await this.#fetch(wanted.name);
    if (existing) return this.#describe(existing);
    const client = this.#connected();
    try {
      const created = await this.#request(
        'ensureCollection',
        () =>
          client.createCollection({
            name: wanted.name,
            embeddingFunction: null,
            configuration: { hnsw: { space: spaceFor(wanted.metric) } },
            metadata: collectionMetadata(wanted),
          }),
        wanted.name,
      );
      return this.#describe(created);
    } catch (err) {
      // Created meanwhile by someone else (or by our own retried request): describe that one.
      if (!isOrchError(err, 'ORCH_CONFLICT')) throw err;
      const raced = await this.#fetch(wanted.name);
      if (!raced) throw err;
      return this.#describe(raced);
    }
  }

  protected async doDescribeCollection(name: string): Promise<CollectionInfo | null> {
    const found = await this.#fetch(name);
    return found ? this.#describe(found) : null;
  }

  protected async doListCollections(): Promise<CollectionInfo[]> {
    const client = this.#connected();
    const out: CollectionInfo[] = [];
    for (let offset = 0; ; offset += LIST_PAGE) {
      const page = await this.#request('listCollections', () =>
        client.listCollections({ limit: LIST_PAGE, offset }),
      );
      for (const collection of page) {
        // Collections orch did not create are not orch's to list.
        const info = collectionInfo(collection);
        if (!info) continue;
        this.#handles.set(info.name, collection);
        out.push(info);
      }
      if (page.length < LIST_PAGE) return out;
    }
  }

  protected async doDropCollection(name: string): Promise<boolean> {
    const client = this.#connected();
    this.#handles.delete(name);
    try {
      await this.#request('dropCollection', () => client.deleteCollection({ name }), name);
      return true;
    } catch (err) {
      if (isOrchError(err, 'ORCH_NOT_FOUND')) return false;
      throw err;
    }
  }

  protected async doUpsert(info: CollectionInfo, records: readonly NormalizedVectorRecord[]): Promise<void> {
    const ids = records.map((r) => r.id);
    // Chroma's upsert merges metadata into the stored record and keeps a stored document when none
    // is sent; orch's replaces the whole record. Records that would keep something are deleted
    // first; the others are replaced in place (no moment where they are missing).
    const existing = await this.#onCollection(info, 'upsert', (c) =>
      c.get({ ids, include: ['metadatas', 'documents'] }),
    );
    if (existing.ids.length > 0) {
      const incoming = new Map(records.map((r) => [r.id, r]));
      const stale: string[] = [];
      existing.ids.forEach((id, i) => {
        const next = incoming.get(id);
        if (!next) return;
        const keys = new Set(Object.keys(next.metadata ?? {}));
        const keepsKey = storedKeys(existing.metadatas[i]).some((k) => !keys.has(k));
        const keepsDocument = next.document === undefined && (existing.documents[i] ?? null) !== null;
        if (keepsKey || keepsDocument) stale.push(id);
      });
      if (stale.length > 0) await this.#onCollection(info, 'upsert', (c) => c.delete({ ids: stale }));
    }
    // The client refuses a documents list with holes: records with and without one go separately.
    const withDocument = records.filter((r) => r.document !== undefined);
    const without = records.filter((r) => r.document === undefined);
    for (const group of [withDocument, without]) {
      if (group.length === 0) continue;
      const payload = {
        ids: group.map((r) => r.id),
        embeddings: group.map((r) => r.vector),
        metadatas: group.map((r) => toChromaMetadata(r.metadata)) as ChromaMetadata[],
        ...(group === withDocument ? { documents: group.map((r) => r.document!) } : {}),
      };
      await this.#onCollection(info, 'upsert', (c) => c.upsert(payload));
    }
  }

  protected async doQuery(info: CollectionInfo, query: NormalizedVectorQuery): Promise<RawVectorMatch[]> {
    const where = toChromaWhere(query.filter);
    if (where === false) return [];
    const include: ChromaInclude[] = ['distances'];
    if (query.include.metadata) include.push('metadatas');
    if (query.include.documents) include.push('documents');
    if (query.include.vectors) include.push('embeddings');
    const result = await this.#onCollection(info, 'query', (c) =>
      c.query({
        queryEmbeddings: [query.vector],
        nResults: query.topK,
        include,
        ...(where === true ? {} : { where: where as Where }),
      }),
    );
    const ids = result.ids[0] ?? [];
    const matches = ids.map((id, i): RawVectorMatch => {
      const out: {
        id: string;
        distance: number;
        metadata?: Metadata;
        document?: string;
        vector?: number[];
      } = { id, distance: toOrchDistance(info.metric, result.distances[0]?.[i] ?? Number.NaN) };
      if (query.include.metadata) out.metadata = fromChromaMetadata(result.metadatas[0]?.[i]);
      const document = result.documents[0]?.[i];
      if (query.include.documents && typeof document === 'string') out.document = document;
      const vector = result.embeddings[0]?.[i];
      if (query.include.vectors && vector) out.vector = Array.from(vector);
      return out;
    });
    return matches.sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  protected async doGet(
    info: CollectionInfo,
    ids: readonly string[],
    include: Required<Include>,
  ): Promise<StoredVectorRecord[]> {
    const fields: ChromaInclude[] = [];
    if (include.metadata) fields.push('metadatas');
    if (include.documents) fields.push('documents');
    if (include.vectors) fields.push('embeddings');
    const result = await this.#onCollection(info, 'get', (c) => c.get({ ids: [...ids], include: fields }));
    return result.ids.map((id, i) => {
      const out: { id: string; vector?: number[]; metadata?: Metadata; document?: string } = { id };
      const vector = result.embeddings[i];
      if (include.vectors && vector) out.vector = Array.from(vector);
      if (include.metadata) out.metadata = fromChromaMetadata(result.metadatas[i]);
      const document = result.documents[i];
      if (include.documents && typeof document === 'string') out.document = document;
      return out;
    });
  }

  protected async doDelete(info: CollectionInfo, selector: NormalizedDeleteSelector): Promise<void> {
    if ('ids' in selector) {
      await this.#deleteIds(info, selector.ids);
      return;
    }
    const where = toChromaWhere(selector.filter);
    if (where === false) return;
    if (where === true) {
      // Chroma's delete needs ids or a where clause; a filter that holds for every record is both.
      const all = await this.#onCollection(info, 'delete', (c) => c.get({ include: [] }));
      await this.#deleteIds(info, all.ids);
      return;
    }
    await this.#onCollection(info, 'delete', (c) => c.delete({ where: where as Where }));
  }

  protected async doCount(info: CollectionInfo, filter: FilterNode | undefined): Promise<number> {
    const where = toChromaWhere(filter);
    if (where === false) return 0;
    if (where === true) return this.#onCollection(info, 'count', (c) => c.count());
    // The client's count() takes no where clause: count the ids that match.
    const matched = await this.#onCollection(info, 'count', (c) =>
      c.get({ where: where as Where, include: [] }),
    );
    return matched.ids.length;
  }

  async #deleteIds(info: CollectionInfo, ids: readonly string[]): Promise<void> {
    const size = this.capabilities.maxBatchSize;
    for (let start = 0; start < ids.length; start += size) {
      const chunk = ids.slice(start, start + size);
      await this.#onCollection(info, 'delete', (c) => c.delete({ ids: chunk }));
    }
  }

  /**
   * Run `fn` on the collection's handle. A cached handle whose collection was dropped (and maybe
   * re-created) by someone else answers 404: look the name up once more before giving up.
   */
  async #onCollection<T>(
    info: CollectionInfo,
    operation: string,
    fn: (c: Collection) => Promise<T>,
  ): Promise<T> {
    const cached = this.#handles.get(info.name);
    const handle = cached ?? (await this.#handle(info));
    try {
      return await this.#request(operation, () => fn(handle), info.name);
    } catch (err) {
      if (!cached || !isOrchError(err, 'ORCH_NOT_FOUND')) throw err;
      this.#handles.delete(info.name);
      const fresh = await this.#handle(info);
      return this.#request(operation, () => fn(fresh), info.name);
    }
  }

  async #handle(info: CollectionInfo): Promise<Collection> {
    const found = await this.#fetch(info.name);
    if (!found) {
      this.forgetCollection(info.name);
      throw new OrchError('ORCH_NOT_FOUND', `Collection "${info.name}" does not exist.`, {
        kind: 'vector',
        details: { collection: info.name },
      });
    }
    const now = this.#describe(found);
    if (now.dimension !== info.dimension || now.metric !== info.metric) {
      this.forgetCollection(info.name);
      this.#handles.delete(info.name);
      throw new OrchError(
        'ORCH_CONFLICT',
        `Collection "${info.name}" was re-created on the server with dimension ${now.dimension} and metric ${now.metric} (this store knew ${info.dimension}, ${info.metric}); call the operation again.`,
        { kind: 'vector', details: { collection: info.name } },
      );
    }
    return found;
  }

  /** The collection by name, or null; the handle is cached. */
  async #fetch(name: string): Promise<Collection | null> {
    const client = this.#connected();
    try {
      const found = await this.#request('getCollection', () => client.getCollection({ name }), name);
      this.#handles.set(name, found);
      return found;
    } catch (err) {
      if (isOrchError(err, 'ORCH_NOT_FOUND')) {
        this.#handles.delete(name);
        return null;
      }
      throw err;
    }
  }

  #describe(collection: Collection): CollectionInfo {
    const info = collectionInfo(collection);
    if (info) return info;
    this.#handles.delete(collection.name);
    throw new OrchError(
      'ORCH_CONFLICT',
      `Chroma collection "${collection.name}" was not created by orch (its metadata has no orch:dimension or a record layout this version does not know), so orch will not use it; pick another name.`,
      { kind: 'vector', details: { collection: collection.name } },
    );
  }

  /** One request: time-limited, mapped to an OrchError, retried with backoff when retriable. */
  async #request<T>(
    operation: string,
    fn: () => Promise<T>,
    collection?: string,
    retries = this.#retries,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await withTimeout(fn(), this.#timeoutMs, operation);
      } catch (err) {
        const mapped = mapChromaError(err, { operation, collection });
        if (!mapped.retriable || attempt >= retries || this.closed) {
          throw attempt > 0 ? mapped.withDetails({ attempts: attempt + 1 }) : mapped;
        }
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, RETRY_BACKOFF)));
      }
    }
  }

  #setBatchSize(size: number): void {
    this.capabilities = { ...this.capabilities, maxBatchSize: Math.max(1, Math.floor(size)) };
  }

  #connected(): ChromaClient {
    if (!this.#client)
      throw new OrchError('ORCH_CONNECTION_FAILED', 'The Chroma store is not connected.', { kind: 'vector' });
    return this.#client;
  }

  #tenant(): string | undefined {
    return this.#settings?.tenant ?? this.#client?.tenant;
  }

  #database(): string | undefined {
    return this.#settings?.database ?? this.#client?.database;
  }
}
