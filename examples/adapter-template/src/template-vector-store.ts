import {
  type CollectionInfo,
  type DriverErrorContext,
  distanceBetween,
  type FilterNode,
  type Include,
  type Metadata,
  matchesFilter,
  type NormalizedDeleteSelector,
  type NormalizedVectorQuery,
  type NormalizedVectorRecord,
  OrchError,
  type RawVectorMatch,
  type StoredVectorRecord,
  type VectorCapabilities,
  VectorStoreBase,
} from '@orch/core/adapter-kit';
import { TemplateClient, type TemplateIndex } from './client.js';
import { toMetadata, toOrchDistance } from './conversion.js';
import { mapTemplateError } from './errors.js';

export interface TemplateVectorStoreOptions {
  /** An injected client: the store uses it and never disconnects it. */
  readonly client?: TemplateClient;
}

/**
 * A vector store for the template engine. `VectorStoreBase` has already validated every input
 * (ids, dimensions, NaN, metadata, filters) by the time a `do*` hook runs, so each hook only
 * talks to the engine and converts.
 *
 * @example
 * import 'orch-adapter-template';
 * const store = await createAdapter('vector', 'template://local');
 */
export class TemplateVectorStore extends VectorStoreBase {
  readonly scheme = 'template';
  readonly capabilities: VectorCapabilities = {
    metrics: ['cosine', 'l2', 'ip'],
    filterExists: true,
    eventualConsistency: false,
    maxBatchSize: 100,
    documents: true,
  };
  readonly #injected: TemplateClient | undefined;
  #client: TemplateClient | undefined;

  constructor(options: TemplateVectorStoreOptions = {}) {
    super();
    this.#injected = options.client;
  }

  protected async doConnect(): Promise<void> {
    this.#client = this.#injected ?? new TemplateClient();
    await this.#client.ping();
  }

  protected async doClose(): Promise<void> {
    // Close only what this store created: an injected client belongs to the caller.
    if (!this.#injected) await this.#client?.disconnect();
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    return { engine: 'template', version: (await this.client().ping()).version };
  }

  protected override mapDriverError(err: unknown, context: DriverErrorContext): OrchError {
    return mapTemplateError(err, context.operation);
  }

  protected async doEnsureCollection(wanted: CollectionInfo): Promise<CollectionInfo> {
    const index = await this.client().createIndex(wanted.name, wanted.dimension, wanted.metric);
    return { name: wanted.name, dimension: index.dimension, metric: index.space };
  }

  protected async doDescribeCollection(name: string): Promise<CollectionInfo | null> {
    const index = await this.client().getIndex(name);
    return index ? { name, dimension: index.dimension, metric: index.space } : null;
  }

  protected async doListCollections(): Promise<CollectionInfo[]> {
    const names = await this.client().listIndexes();
    const infos = await Promise.all(names.map((n) => this.doDescribeCollection(n)));
    return infos.filter((i): i is CollectionInfo => i !== null);
  }

  protected async doDropCollection(name: string): Promise<boolean> {
    return this.client().deleteIndex(name);
  }

  protected async doUpsert(info: CollectionInfo, records: readonly NormalizedVectorRecord[]): Promise<void> {
    const index = await this.index(info);
    for (const r of records) {
      index.items.set(r.id, {
        values: Float32Array.from(r.vector),
        attributes: { ...(r.metadata ?? {}) },
        ...(r.document !== undefined ? { text: r.document } : {}),
      });
    }
  }

  protected async doQuery(info: CollectionInfo, query: NormalizedVectorQuery): Promise<RawVectorMatch[]> {
    const index = await this.index(info);
    // The toy engine has no native filtering, so the filter is evaluated before ranking: the
    // result is still exact and never holds fewer than topK when at least topK records match.
    const hits: RawVectorMatch[] = [];
    for (const [id, item] of index.items) {
      const metadata = toMetadata(item.attributes);
      if (!matchesFilter(query.filter, metadata)) continue;
      const engine =
        info.metric === 'l2'
          ? distanceBetween('l2', query.vector, item.values) ** 2
          : distanceBetween(info.metric, query.vector, item.values);
      hits.push({ ...this.project(id, item, query.include), distance: toOrchDistance(info.metric, engine) });
    }
    hits.sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1));
    return hits.slice(0, query.topK);
  }

  protected async doGet(
    info: CollectionInfo,
    ids: readonly string[],
    include: Required<Include>,
  ): Promise<StoredVectorRecord[]> {
    const index = await this.index(info);
    return ids.flatMap((id) => {
      const item = index.items.get(id);
      return item ? [this.project(id, item, include)] : [];
    });
  }

  protected async doDelete(info: CollectionInfo, selector: NormalizedDeleteSelector): Promise<void> {
    const index = await this.index(info);
    if ('ids' in selector) for (const id of selector.ids) index.items.delete(id);
    else
      for (const [id, item] of index.items)
        if (matchesFilter(selector.filter, toMetadata(item.attributes))) index.items.delete(id);
  }

  protected async doCount(info: CollectionInfo, filter: FilterNode | undefined): Promise<number> {
    const index = await this.index(info);
    let n = 0;
    for (const item of index.items.values()) if (matchesFilter(filter, toMetadata(item.attributes))) n++;
    return n;
  }

  private project(
    id: string,
    item: TemplateIndex['items'] extends Map<string, infer V> ? V : never,
    include: Required<Include>,
  ): StoredVectorRecord {
    const out: { id: string; vector?: number[]; metadata?: Metadata; document?: string } = { id };
    if (include.vectors) out.vector = Array.from(item.values);
    if (include.metadata) out.metadata = toMetadata(item.attributes);
    if (include.documents && item.text !== undefined) out.document = item.text;
    return out;
  }

  private async index(info: CollectionInfo): Promise<TemplateIndex> {
    const index = await this.client().getIndex(info.name);
    if (!index)
      throw new OrchError('ORCH_NOT_FOUND', `Collection "${info.name}" does not exist.`, { kind: 'vector' });
    return index;
  }

  private client(): TemplateClient {
    if (!this.#client)
      throw new OrchError('ORCH_CONNECTION_FAILED', 'template store is not connected.', { kind: 'vector' });
    return this.#client;
  }
}
