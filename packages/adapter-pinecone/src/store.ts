import {
  type CollectionInfo,
  type FilterNode,
  type Include,
  isOrchError,
  type NormalizedDeleteSelector,
  type NormalizedVectorQuery,
  type NormalizedVectorRecord,
  OrchError,
  type RawVectorMatch,
  type StoredVectorRecord,
  type VectorCapabilities,
  type VectorMetric,
  type VectorRecord,
  VectorStoreBase,
} from '@orch/core/adapter-kit';
import type { Index, Pinecone, PineconeRecord, RecordMetadata } from '@pinecone-database/pinecone';
import {
  chunk,
  compareMatches,
  DOCUMENT_PARTS_KEY,
  distanceFromScore,
  fromPineconeMetric,
  fromPineconeRecord,
  isInMatchOrder,
  jsonStringBytes,
  LIMITS,
  MAX_DOCUMENT_BYTES,
  type OutgoingRecord,
  PART_INDEX_KEY,
  PART_RECORD_KEY,
  PART_TEXT_KEY,
  PART_VERSION_KEY,
  partId,
  planFetchBatches,
  queryResponseBound,
  type SpilledRecord,
  spilledRecords,
  toPineconeMetric,
  toPineconeValues,
} from './conversion.js';
import { toPineconeFilter } from './filter.js';
import {
  COLLECTION_TAG,
  collectionNamespace,
  documentNamespace,
  indexFor,
  indexNameFor,
  type Layout,
  registryNamespace,
} from './layout.js';
import type { PineconeCaller } from './pinecone.js';
import { type BatchSource, listedBatches, type UpsertBatch, UpsertBatches } from './upsert-batches.js';

/** Everything a {@link PineconeVectorStore} is built from (the adapter's `create` assembles it). */
export interface PineconeStoreSettings {
  readonly layout: Layout;
  readonly client: Pinecone;
  /** The client was the caller's: the store never closes or reconfigures it. */
  readonly injected: boolean;
  /** Data-plane host of the URL's index (`namespaces` mapping); otherwise from describeIndex. */
  readonly indexHost?: string | undefined;
  readonly caller: PineconeCaller;
  /** Create a missing index in ensureCollection (serverless, `cloud` / `region`). */
  readonly createIndexes: boolean;
  readonly cloud: string;
  readonly region: string;
  /** How long ensureCollection waits for a new index to be ready. */
  readonly indexReadyTimeoutMs: number;
  /** Upsert requests of one call in flight at once (1: one after the other). */
  readonly upsertConcurrency: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A described index and the data-plane handle for it. */
interface IndexState {
  readonly name: string;
  readonly dimension: number;
  readonly metric: VectorMetric;
  readonly tags: Readonly<Record<string, string>>;
  readonly ready: boolean;
  readonly host: string;
  readonly handle: Index;
}

/** Where a collection's records live. */
interface Target {
  readonly index: IndexState;
  readonly namespace: string;
  /** Part records of documents too large for their record's metadata. */
  readonly documents: string;
}

/** A fetched record. */
interface FetchedRecord {
  readonly id: string;
  readonly values?: number[];
  readonly metadata?: RecordMetadata;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How often a new or deleted index is polled while it changes state. */
const POLL_MS = 500;

/**
 * A vector store on Pinecone through the official client. See the package README for how
 * collections map to indexes and namespaces, the filter translation and the limits checked.
 *
 * @example
 * const vectors = await createAdapter('vector', { url: 'pinecone://tasks', apiKey: process.env.PINECONE_API_KEY });
 * await vectors.ensureCollection('notes', { dimension: 1536 });
 */
export class PineconeVectorStore extends VectorStoreBase {
  readonly scheme = 'pinecone';
  readonly capabilities: VectorCapabilities = {
    metrics: ['cosine', 'l2', 'ip'],
    filterExists: true,
    // Pinecone applies writes asynchronously: a read right after a write may not see it yet.
    eventualConsistency: true,
    maxBatchSize: LIMITS.upsertRecords,
    documents: true,
  };
  readonly #settings: PineconeStoreSettings;
  readonly #indexes = new Map<string, IndexState>();

  constructor(settings: PineconeStoreSettings) {
    super();
    this.#settings = settings;
  }

  /** How collections map onto Pinecone for this store. */
  get layout(): Layout {
    return this.#settings.layout;
  }

  protected async doConnect(): Promise<void> {
    // One authenticated round trip, so a refused key fails here (ORCH_AUTH_FAILED), not later.
    const { layout, caller, client } = this.#settings;
    if (layout.mapping === 'namespaces') await this.#describe(layout.index);
    else await caller.call('listIndexes', () => client.listIndexes());
  }

  protected async doClose(): Promise<void> {
    // The official client holds no connections of its own to close; an injected one is the
    // caller's anyway. Forget what this store described.
    this.#indexes.clear();
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    const { layout, caller, client } = this.#settings;
    const base = { engine: 'pinecone', mapping: layout.mapping, namespace: layout.namespace };
    if (layout.mapping === 'indexes') {
      const list = await caller.call('listIndexes', () => client.listIndexes());
      const collections = (list.indexes ?? []).filter(
        (m) => this.#collectionOf(m.name, m.tags) !== undefined,
      );
      return { ...base, indexPrefix: layout.index, collections: collections.length };
    }
    const index = await this.#describe(layout.index, { fresh: true });
    if (!index) return { ...base, index: layout.index, exists: false };
    const stats = await caller.call('describeIndexStats', () => index.handle.describeIndexStats());
    return {
      ...base,
      index: layout.index,
      exists: true,
      dimension: index.dimension,
      metric: index.metric,
      records: stats.totalRecordCount ?? 0,
    };
  }

  /** Also checks the document size limit on the whole input before anything is sent. */
  override async upsert(collection: string, records: readonly VectorRecord[]): Promise<void> {
    if (Array.isArray(records)) checkDocumentSizes(collection, records);
    return super.upsert(collection, records);
  }

  protected async doEnsureCollection(wanted: CollectionInfo): Promise<CollectionInfo> {
    if (wanted.dimension > LIMITS.maxDimension) {
      throw new OrchError(
        'ORCH_INVALID_INPUT',
        `Collection "${wanted.name}": Pinecone dense indexes have at most ${LIMITS.maxDimension} dimensions, not ${wanted.dimension}.`,
        { kind: 'vector', details: { dimension: wanted.dimension, max: LIMITS.maxDimension } },
      );
    }
    const { layout } = this.#settings;
    if (layout.mapping === 'indexes') {
      const name = indexFor(layout, wanted.name);
      const index =
        (await this.#describe(name, { fresh: true })) ??
        (await this.#createMissing(name, wanted, { [COLLECTION_TAG]: wanted.name }));
      if (this.#collectionOf(index.name, index.tags) !== wanted.name) {
        throw new OrchError(
          'ORCH_CONFLICT',
          `Collection "${wanted.name}" maps to Pinecone index "${name}", which exists but does not hold it (its tag ${COLLECTION_TAG} is ${JSON.stringify(index.tags[COLLECTION_TAG] ?? null)}). Delete that index or use another index prefix.`,
          { kind: 'vector', details: { index: name, collection: wanted.name } },
        );
      }
      return { name: wanted.name, dimension: index.dimension, metric: index.metric };
    }
    const index =
      (await this.#describe(layout.index, { fresh: true })) ??
      (await this.#createMissing(layout.index, wanted, {}));
    const existing = await this.#registered(index, wanted.name);
    if (existing) return existing;
    if (index.dimension !== wanted.dimension) {
      throw new OrchError(
        'ORCH_DIMENSION_MISMATCH',
        `Collection "${wanted.name}" needs dimension ${wanted.dimension}, but Pinecone index "${index.name}" has dimension ${index.dimension}: every collection of a pinecone://${index.name} store is a namespace of that index and shares its dimension and metric. Use another index for this collection (another URL, or mapping=indexes for one index per collection).`,
        {
          kind: 'vector',
          details: { index: index.name, expected: index.dimension, actual: wanted.dimension },
        },
      );
    }
    if (index.metric !== wanted.metric) {
      throw new OrchError(
        'ORCH_CONFLICT',
        `Collection "${wanted.name}" needs metric ${wanted.metric}, but Pinecone index "${index.name}" uses ${index.metric} (Pinecone: ${toPineconeMetric(index.metric)}): every collection of a pinecone://${index.name} store is a namespace of that index and shares its dimension and metric. Use another index for this collection (another URL, or mapping=indexes for one index per collection).`,
        { kind: 'vector', details: { index: index.name, expected: index.metric, actual: wanted.metric } },
      );
    }
    await this.#register(index, wanted.name);
    return { name: wanted.name, dimension: index.dimension, metric: index.metric };
  }

  protected async doDescribeCollection(name: string): Promise<CollectionInfo | null> {
    const { layout } = this.#settings;
    if (layout.mapping === 'indexes') {
      const index = await this.#describe(indexFor(layout, name), { fresh: true });
      if (!index || this.#collectionOf(index.name, index.tags) !== name) return null;
      return { name, dimension: index.dimension, metric: index.metric };
    }
    const index = await this.#describe(layout.index);
    return index ? this.#unlessGone(null, () => this.#registered(index, name)) : null;
  }

  protected async doListCollections(): Promise<CollectionInfo[]> {
    const { layout, caller, client } = this.#settings;
    if (layout.mapping === 'indexes') {
      const list = await caller.call('listIndexes', () => client.listIndexes());
      return (list.indexes ?? []).flatMap((model) => {
        const name = this.#collectionOf(model.name, model.tags);
        const metric = fromPineconeMetric(model.metric);
        if (name === undefined || metric === undefined || model.dimension === undefined) return [];
        return [{ name, dimension: model.dimension, metric }];
      });
    }
    const index = await this.#describe(layout.index);
    if (!index) return [];
    const namespace = registryNamespace(layout);
    const names: string[] = [];
    return this.#unlessGone([], async () => {
      let paginationToken: string | undefined;
      do {
        const token = paginationToken;
        const page = await this.#orEmpty(index, 'list', { vectors: [], pagination: undefined }, () =>
          index.handle.listPaginated({ namespace, limit: 100, ...(token ? { paginationToken: token } : {}) }),
        );
        for (const v of page.vectors ?? []) if (v.id) names.push(v.id);
        paginationToken = page.pagination?.next;
      } while (paginationToken);
      return names.map((name) => ({ name, dimension: index.dimension, metric: index.metric }));
    });
  }

  protected async doDropCollection(name: string): Promise<boolean> {
    const { layout, caller, client } = this.#settings;
    if (layout.mapping === 'indexes') {
      const indexName = indexFor(layout, name);
      const index = await this.#describe(indexName, { fresh: true });
      if (!index || this.#collectionOf(index.name, index.tags) !== name) return false;
      this.#indexes.delete(indexName);
      try {
        await caller.call('deleteIndex', () => client.deleteIndex(indexName));
      } catch (err) {
        if (isOrchError(err, 'ORCH_NOT_FOUND')) return false;
        throw err;
      }
      return true;
    }
    const index = await this.#describe(layout.index);
    if (!index || !(await this.#unlessGone(null, () => this.#registered(index, name)))) return false;
    const namespace = collectionNamespace(layout, name);
    await this.#orEmpty(index, 'deleteAll', undefined, () => index.handle.deleteAll({ namespace }));
    const documents = documentNamespace(layout, name);
    await this.#ignoreNotFound('deleteAll', () => index.handle.deleteAll({ namespace: documents }));
    await this.#orEmpty(index, 'delete', undefined, () =>
      index.handle.deleteMany({ ids: [name], namespace: registryNamespace(layout) }),
    );
    return true;
  }

  protected async doUpsert(info: CollectionInfo, records: readonly NormalizedVectorRecord[]): Promise<void> {
    const target = await this.#target(info);
    const batches = new UpsertBatches(records, info.dimension, target.namespace);
    const spilled: OutgoingRecord[] = [];
    const sent = await this.#send(target, target.namespace, batches, async (batch) => {
      if (batch.spilled.length === 0) return;
      // Parts first, so a record never points at parts that are not written yet.
      const parts = batch.spilled.flatMap((o) => o.parts);
      const written = await this.#send(target, target.documents, listedBatches(parts, target.documents));
      if (written.failure !== undefined) throw written.failure;
      spilled.push(...batch.spilled);
    });
    if (sent.failure !== undefined) {
      throw this.#gone(target.index, sent.failure).withDetails({ recordsSentInChunk: sent.sent });
    }
    // The parts of the versions these records replaced.
    for (const group of chunk(spilled, LIMITS.idsPerRequest)) {
      const filter = {
        $and: [
          { [PART_RECORD_KEY]: { $in: group.map((o) => o.record.id) } },
          { [PART_VERSION_KEY]: { $nin: group.map((o) => o.version!) } },
        ],
      };
      await this.#ignoreNotFound('upsert', () =>
        target.index.handle.deleteMany({ filter, namespace: target.documents }),
      );
    }
  }

  /**
   * Upsert the requests `batches` yields into one namespace, at most `upsertConcurrency` of them
   * in flight. While a request is in flight its worker has the next one prepared, so orch's
   * conversion overlaps the service's work instead of adding to the caller's wait. `before` runs
   * ahead of each request (a failure there counts as the request's). After a failure no new
   * request starts; the ones in flight finish. Reports how many records the successful requests
   * carried, and the first failure.
   */
  async #send(
    target: Target,
    namespace: string,
    batches: BatchSource,
    before?: (batch: UpsertBatch) => Promise<void>,
  ): Promise<{ sent: number; failure?: unknown }> {
    const { caller, upsertConcurrency } = this.#settings;
    let sent = 0;
    let failure: unknown;
    let exhausted = false;
    const worker = async (): Promise<void> => {
      while (failure === undefined && !exhausted) {
        let batch: UpsertBatch | undefined;
        try {
          batch = batches.take();
          if (batch === undefined) {
            exhausted = true;
            break;
          }
          await before?.(batch);
        } catch (err) {
          failure ??= err;
          break;
        }
        const records = batch.records;
        const request = caller
          .call('upsert', () =>
            target.index.handle.upsert({ records: records as PineconeRecord[], namespace }),
          )
          .then(
            () => undefined,
            (err: unknown) => ({ err }),
          );
        // After the client has serialized this request and handed it to the socket.
        await new Promise<void>((resolve) => setImmediate(resolve));
        try {
          if (failure === undefined) batches.prepare();
        } catch (err) {
          failure ??= err;
        }
        const outcome = await request;
        if (outcome === undefined) sent += records.length;
        else failure ??= outcome.err;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, upsertConcurrency) }, worker));
    return failure === undefined ? { sent } : { sent, failure };
  }

  protected async doQuery(info: CollectionInfo, query: NormalizedVectorQuery): Promise<RawVectorMatch[]> {
    const filter = query.filter && toPineconeFilter(query.filter); // refused before anything is sent
    const target = await this.#target(info);
    const { index, namespace } = target;
    const { include } = query;
    const wantValues = include.vectors;
    const wantMetadata = include.metadata || include.documents;
    const inline =
      queryResponseBound(query.topK, info.dimension, wantValues, wantMetadata) <= LIMITS.queryResponseBytes;
    const response = await this.#orEmpty(index, 'query', { matches: [], namespace }, () =>
      index.handle.query({
        vector: toPineconeValues(query.vector),
        topK: query.topK,
        namespace,
        includeValues: inline && wantValues,
        includeMetadata: inline && wantMetadata,
        ...(filter ? { filter } : {}),
      }),
    );
    const matches = response.matches ?? [];
    // A result that might pass Pinecone's 4 MB limit: ids and scores first, then a fetch.
    const fetched =
      !inline && (wantValues || wantMetadata)
        ? await this.#fetch(
            index,
            namespace,
            matches.map((m) => m.id),
          )
        : undefined;
    const spilled = include.documents ? spilledRecords(fetched ? [...fetched.values()] : matches) : [];
    const documents = spilled.length > 0 ? await this.#spilledDocuments(target, spilled) : undefined;
    const out: RawVectorMatch[] = [];
    for (const match of matches) {
      if (typeof match.score !== 'number') {
        throw new OrchError('ORCH_QUERY_FAILED', `Pinecone returned match "${match.id}" without a score.`, {
          kind: 'vector',
          details: { driverCode: 'NO_SCORE' },
        });
      }
      const source = fetched ? fetched.get(match.id) : match;
      if (!source) continue; // deleted between the query and the fetch
      out.push(
        fromPineconeRecord(
          match.id,
          source.values,
          source.metadata,
          include,
          documents?.get(match.id),
          distanceFromScore(info.metric, match.score),
        ) as RawVectorMatch,
      );
    }
    // Pinecone answers best first, so the sort (which also orders ties by id) is usually not needed.
    if (!isInMatchOrder(out)) out.sort(compareMatches);
    return out;
  }

  protected async doGet(
    info: CollectionInfo,
    ids: readonly string[],
    include: Required<Include>,
  ): Promise<StoredVectorRecord[]> {
    const target = await this.#target(info);
    const found = [...(await this.#fetch(target.index, target.namespace, ids)).values()];
    const spilled = include.documents ? spilledRecords(found) : [];
    const documents = spilled.length > 0 ? await this.#spilledDocuments(target, spilled) : undefined;
    return found.map((r) => fromPineconeRecord(r.id, r.values, r.metadata, include, documents?.get(r.id)));
  }

  protected async doDelete(info: CollectionInfo, selector: NormalizedDeleteSelector): Promise<void> {
    const target = await this.#target(info);
    const { index, namespace } = target;
    if ('ids' in selector) {
      for (const ids of chunk(selector.ids, LIMITS.idsPerRequest)) {
        await this.#orEmpty(index, 'delete', undefined, () => index.handle.deleteMany({ ids, namespace }));
        await this.#deleteParts(target, ids);
      }
      return;
    }
    const filter = toPineconeFilter(selector.filter);
    // Which of the records to delete have their document in part records (usually none).
    const owners: string[] = [];
    await this.#pages(
      target,
      namespace,
      { $and: [filter, { [DOCUMENT_PARTS_KEY]: { $exists: true } }] },
      (page) => owners.push(...Object.keys(page)),
      'delete',
    );
    await this.#orEmpty(index, 'delete', undefined, () => index.handle.deleteMany({ filter, namespace }));
    for (const ids of chunk(owners, LIMITS.idsPerRequest)) await this.#deleteParts(target, ids);
  }

  /** Delete every part record (any version) of these records' documents. */
  async #deleteParts(target: Target, ids: readonly string[]): Promise<void> {
    const filter = { [PART_RECORD_KEY]: { $in: [...ids] } };
    await this.#ignoreNotFound('delete', () =>
      target.index.handle.deleteMany({ filter, namespace: target.documents }),
    );
  }

  protected async doCount(info: CollectionInfo, filter: FilterNode | undefined): Promise<number> {
    const pineconeFilter = filter && toPineconeFilter(filter);
    const { index, namespace } = await this.#target(info);
    const { caller } = this.#settings;
    if (!pineconeFilter) {
      // Exact per-namespace counts from the index stats (Pinecone serverless refuses a filter there).
      const stats = await caller
        .call('describeIndexStats', () => index.handle.describeIndexStats())
        .catch((err: unknown) => {
          throw this.#gone(index, err);
        });
      const namespaces = stats.namespaces ?? {};
      const entry = namespaces[namespace] ?? (namespace === '' ? namespaces.__default__ : undefined);
      return entry?.recordCount ?? 0;
    }
    // With a filter: page through fetch_by_metadata (exact; it transfers the matching records).
    let count = 0;
    await this.#pages({ index, namespace, documents: '' }, namespace, pineconeFilter, (page) => {
      count += Object.keys(page).length;
    });
    return count;
  }

  /** Every page of fetch_by_metadata for `filter` in `namespace`. */
  async #pages(
    target: Target,
    namespace: string,
    filter: Record<string, unknown>,
    onPage: (records: Record<string, FetchedRecord>) => void,
    operation = 'count',
  ): Promise<void> {
    let paginationToken: string | undefined;
    do {
      const token = paginationToken;
      const page = await this.#orEmpty(target.index, operation, { records: {}, namespace }, () =>
        target.index.handle.fetchByMetadata({
          filter,
          namespace,
          limit: LIMITS.countPage,
          ...(token ? { paginationToken: token } : {}),
        }),
      );
      onPage(page.records ?? {});
      paginationToken = page.pagination?.next;
    } while (paginationToken);
  }

  /** The documents of these records (from {@link spilledRecords}), reassembled, by record id. */
  async #spilledDocuments(target: Target, wanted: readonly SpilledRecord[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const ids = wanted.flatMap((w) => Array.from({ length: w.parts }, (_, k) => partId(w.id, w.version, k)));
    const parts = await this.#fetch(target.index, target.documents, ids);
    for (const w of wanted) {
      const texts: string[] = [];
      for (let k = 0; k < w.parts; k++) {
        const meta = parts.get(partId(w.id, w.version, k))?.metadata;
        const text = meta?.[PART_TEXT_KEY];
        if (typeof text !== 'string' || meta?.[PART_RECORD_KEY] !== w.id || meta?.[PART_INDEX_KEY] !== k) {
          throw new OrchError(
            'ORCH_QUERY_FAILED',
            `The document of record "${w.id}" is stored in ${w.parts} part records and part ${k} is not readable yet (Pinecone is eventually consistent; retry), or was deleted.`,
            {
              kind: 'vector',
              retriable: true,
              details: { id: w.id, part: k, driverCode: 'DOCUMENT_PART_MISSING' },
            },
          );
        }
        texts.push(text);
      }
      out.set(w.id, texts.join(''));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------

  /** The collection an index holds in `indexes` mapping (from its tag, checked against its name). */
  #collectionOf(indexName: string, tags: Readonly<Record<string, string>> | undefined): string | undefined {
    const { layout } = this.#settings;
    if (layout.mapping !== 'indexes') return undefined;
    const name = tags?.[COLLECTION_TAG];
    return name !== undefined && indexNameFor(layout.index, name) === indexName ? name : undefined;
  }

  /** Describe an index (cached unless `fresh`); `null` when it does not exist. */
  async #describe(name: string, options: { fresh?: boolean } = {}): Promise<IndexState | null> {
    if (!options.fresh) {
      const cached = this.#indexes.get(name);
      if (cached) return cached;
    }
    const { caller, client, indexHost, layout } = this.#settings;
    let model: Awaited<ReturnType<Pinecone['describeIndex']>>;
    try {
      model = await caller.call('describeIndex', () => client.describeIndex(name));
    } catch (err) {
      if (isOrchError(err, 'ORCH_NOT_FOUND')) {
        this.#indexes.delete(name);
        return null;
      }
      throw err;
    }
    const metric = fromPineconeMetric(model.metric);
    if (model.vectorType === 'sparse' || model.dimension === undefined || metric === undefined) {
      throw new OrchError(
        'ORCH_CONFLICT',
        `Pinecone index "${name}" is not a dense index with a cosine, euclidean or dotproduct metric (vector type ${model.vectorType}, metric ${model.metric}); orch stores need one.`,
        { kind: 'vector', details: { index: name } },
      );
    }
    const cached = this.#indexes.get(name);
    const host = layout.mapping === 'namespaces' && indexHost ? indexHost : model.host;
    const state: IndexState = {
      name,
      dimension: model.dimension,
      metric,
      tags: { ...(model.tags ?? {}) },
      ready: model.status?.ready === true,
      host,
      handle: cached && cached.host === host ? cached.handle : client.index({ name, host }),
    };
    this.#indexes.set(name, state);
    return state;
  }

  /** A collection's index does not exist: create it with the collection's shape, if allowed. */
  async #createMissing(
    name: string,
    wanted: CollectionInfo,
    tags: Record<string, string>,
  ): Promise<IndexState> {
    if (!this.#settings.createIndexes) {
      throw new OrchError(
        'ORCH_NOT_FOUND',
        `Pinecone index "${name}" does not exist: create it (dimension ${wanted.dimension}, metric ${toPineconeMetric(wanted.metric)}${Object.keys(tags).length > 0 ? `, tag ${COLLECTION_TAG}=${wanted.name}` : ''}) or allow the store to (createIndexes: true).`,
        { kind: 'vector', details: { index: name } },
      );
    }
    return this.#createIndex(name, wanted, tags);
  }

  /**
   * Create a serverless index and wait until it is ready. A 409 (created meanwhile by someone
   * else, or a deleted index of that name still terminating) is waited out.
   */
  async #createIndex(name: string, shape: CollectionInfo, tags: Record<string, string>): Promise<IndexState> {
    const { caller, client, cloud, region, indexReadyTimeoutMs } = this.#settings;
    const sleep = this.#settings.sleep ?? defaultSleep;
    const deadline = Date.now() + indexReadyTimeoutMs;
    for (;;) {
      try {
        await caller.call('createIndex', () =>
          client.createIndex({
            name,
            dimension: shape.dimension,
            metric: toPineconeMetric(shape.metric),
            spec: { serverless: { cloud, region } },
            deletionProtection: 'disabled',
            ...(Object.keys(tags).length > 0 ? { tags } : {}),
          }),
        );
      } catch (err) {
        if (!isOrchError(err, 'ORCH_CONFLICT')) throw err;
      }
      // Ours, or someone else's created meanwhile: wait until it is ready. `null`: it was a
      // deleted index still terminating, and is gone now: create it again.
      const ready = await this.#waitReady(name, deadline, sleep);
      if (ready) return ready;
      await sleep(POLL_MS);
    }
  }

  async #waitReady(
    name: string,
    deadline: number,
    sleep: (ms: number) => Promise<void>,
  ): Promise<IndexState | null> {
    for (;;) {
      const state = await this.#describe(name, { fresh: true });
      if (state?.ready) return state;
      if (Date.now() + POLL_MS > deadline) {
        throw new OrchError(
          'ORCH_TIMEOUT',
          `Pinecone index "${name}" was not ready within ${this.#settings.indexReadyTimeoutMs} ms (indexReadyTimeoutMs).`,
          { kind: 'vector', details: { index: name, driverCode: 'INDEX_NOT_READY' } },
        );
      }
      if (!state) return null;
      await sleep(POLL_MS);
    }
  }

  /** The registry record of a collection (`namespaces` mapping). */
  async #registered(index: IndexState, name: string): Promise<CollectionInfo | null> {
    const namespace = registryNamespace(this.#settings.layout);
    const found = await this.#fetch(index, namespace, [name]);
    return found.has(name) ? { name, dimension: index.dimension, metric: index.metric } : null;
  }

  async #register(index: IndexState, name: string): Promise<void> {
    const namespace = registryNamespace(this.#settings.layout);
    const values = new Array<number>(index.dimension).fill(0);
    values[0] = 1;
    const record: PineconeRecord = {
      id: name,
      values,
      metadata: {
        [COLLECTION_TAG]: name,
        orch_dimension: index.dimension,
        orch_metric: index.metric,
        orch_created_at: new Date().toISOString(),
      },
    };
    await this.#settings.caller
      .call('ensureCollection', () => index.handle.upsert({ records: [record], namespace }))
      .catch((err: unknown) => {
        throw this.#gone(index, err);
      });
  }

  /** Where a collection's records live; without a turn of the event loop once its index is known. */
  #target(info: CollectionInfo): Target | Promise<Target> {
    const { layout } = this.#settings;
    const indexName = indexFor(layout, info.name);
    const cached = this.#indexes.get(indexName);
    if (cached) return this.#targetIn(cached, info.name);
    return this.#describe(indexName).then((index) => {
      if (!index) throw notFound(info.name);
      return this.#targetIn(index, info.name);
    });
  }

  #targetIn(index: IndexState, collection: string): Target {
    const { layout } = this.#settings;
    return {
      index,
      namespace: collectionNamespace(layout, collection),
      documents: documentNamespace(layout, collection),
    };
  }

  /** Records by id, in chunks that fit the URL; missing ids are left out. */
  async #fetch(
    index: IndexState,
    namespace: string,
    ids: readonly string[],
  ): Promise<Map<string, FetchedRecord>> {
    const out = new Map<string, FetchedRecord>();
    for (const batch of planFetchBatches(ids)) {
      const response = await this.#orEmpty(index, 'fetch', { records: {}, namespace }, () =>
        index.handle.fetch({ ids: batch, namespace }),
      );
      for (const [id, record] of Object.entries(response.records ?? {})) {
        out.set(id, {
          id,
          ...(record.values ? { values: record.values } : {}),
          ...(record.metadata ? { metadata: record.metadata } : {}),
        });
      }
    }
    return out;
  }

  /**
   * Run a data-plane call; a 404 there means either "no such namespace" (Pinecone serverless
   * answers so for an empty namespace: then `empty`) or "no such index" (then ORCH_NOT_FOUND).
   * The two share status and error class, so a 404 is followed by a describeIndexStats of the
   * index: if that succeeds, the namespace was empty.
   */
  async #orEmpty<T>(index: IndexState, operation: string, empty: T, fn: () => Promise<T>): Promise<T> {
    const { caller } = this.#settings;
    try {
      return await caller.call(operation, fn);
    } catch (err) {
      if (!isOrchError(err, 'ORCH_NOT_FOUND')) throw err;
      try {
        await caller.call('describeIndexStats', () => index.handle.describeIndexStats());
      } catch (probe) {
        if (isOrchError(probe, 'ORCH_NOT_FOUND')) throw this.#gone(index, err);
        throw probe;
      }
      return empty;
    }
  }

  /**
   * Run a data-plane call on the adapter's own namespaces (document parts), where a 404 means
   * the namespace is empty: the record namespace of the same index was reached just before.
   */
  async #ignoreNotFound(operation: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await this.#settings.caller.call(operation, fn);
    } catch (err) {
      if (!isOrchError(err, 'ORCH_NOT_FOUND')) throw err;
    }
  }

  /** `fallback` when `fn` finds the index gone (read paths that answer "nothing" then). */
  async #unlessGone<T>(fallback: T, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isOrchError(err, 'ORCH_NOT_FOUND')) return fallback;
      throw err;
    }
  }

  /** A 404 from the data plane: the index is gone, so the collection is too. */
  #gone(index: IndexState, err: unknown): OrchError {
    if (!isOrchError(err) || err.code !== 'ORCH_NOT_FOUND') return err as OrchError;
    this.#indexes.delete(index.name);
    this.forgetCollection();
    return new OrchError(
      'ORCH_NOT_FOUND',
      `Pinecone index "${index.name}" no longer exists, so its collections are gone.`,
      { kind: 'vector', cause: err, details: { ...err.details, index: index.name } },
    );
  }
}

function notFound(name: string): OrchError {
  return new OrchError('ORCH_NOT_FOUND', `Collection "${name}" does not exist.`, {
    kind: 'vector',
    details: { collection: name },
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Documents over {@link MAX_DOCUMENT_BYTES} are refused for the whole input before the first
 * request, so a too large document in the last chunk writes nothing. Malformed records are left
 * to the base's validation, which names them precisely.
 */
function checkDocumentSizes(collection: string, records: readonly VectorRecord[]): void {
  records.forEach((record, i) => {
    if (!isPlainObject(record) || typeof record.document !== 'string') return;
    if (record.document.length * 6 + 2 <= MAX_DOCUMENT_BYTES) return; // cannot be over: skip measuring
    const bytes = jsonStringBytes(record.document);
    if (bytes <= MAX_DOCUMENT_BYTES) return;
    const id = typeof record.id === 'string' ? record.id : String(record.id);
    const shown = id.length > 64 ? `${id.slice(0, 64)}…` : id;
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `upsert("${collection}") record ${i} (id "${shown}"): the document takes ${bytes} bytes of JSON; the pinecone store keeps documents of at most ${MAX_DOCUMENT_BYTES} bytes. Nothing was written.`,
      { kind: 'vector', details: { index: i, bytes, limit: MAX_DOCUMENT_BYTES } },
    );
  });
}
