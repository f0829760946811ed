import {
  type CollectionInfo,
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

interface StoredRecord {
  readonly vector: Float64Array;
  readonly metadata: Metadata | undefined;
  readonly document: string | undefined;
}

interface Collection {
  readonly info: CollectionInfo;
  readonly records: Map<string, StoredRecord>;
}

/**
 * The reference vector store: exact brute-force search in plain JavaScript with the filter
 * language's reference evaluator. Correct by construction, cheap for unit tests, and the yardstick
 * the testkit measures other backends against. Each instance holds its own data.
 *
 * @example
 * const vectors = await createAdapter('vector', 'memory:');
 * await vectors.ensureCollection('tasks', { dimension: 2, metric: 'l2' });
 */
export class MemoryVectorStore extends VectorStoreBase {
  readonly scheme = 'memory';
  readonly capabilities: VectorCapabilities = {
    metrics: ['cosine', 'l2', 'ip'],
    filterExists: true,
    eventualConsistency: false,
    maxBatchSize: 10_000,
    documents: true,
  };
  readonly #collections = new Map<string, Collection>();

  protected async doConnect(): Promise<void> {}

  protected async doClose(): Promise<void> {
    this.#collections.clear();
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    return { engine: 'memory', collections: this.#collections.size };
  }

  protected async doEnsureCollection(wanted: CollectionInfo): Promise<CollectionInfo> {
    const existing = this.#collections.get(wanted.name);
    if (existing) return existing.info;
    this.#collections.set(wanted.name, { info: { ...wanted }, records: new Map() });
    return wanted;
  }

  protected async doDescribeCollection(name: string): Promise<CollectionInfo | null> {
    return this.#collections.get(name)?.info ?? null;
  }

  protected async doListCollections(): Promise<CollectionInfo[]> {
    return [...this.#collections.values()].map((c) => c.info);
  }

  protected async doDropCollection(name: string): Promise<boolean> {
    return this.#collections.delete(name);
  }

  protected async doUpsert(info: CollectionInfo, records: readonly NormalizedVectorRecord[]): Promise<void> {
    const target = this.#records(info);
    for (const r of records) {
      target.set(r.id, {
        vector: Float64Array.from(r.vector),
        metadata: r.metadata ? { ...r.metadata } : undefined,
        document: r.document,
      });
    }
  }

  protected async doQuery(info: CollectionInfo, query: NormalizedVectorQuery): Promise<RawVectorMatch[]> {
    const scored: { id: string; record: StoredRecord; distance: number }[] = [];
    for (const [id, record] of this.#records(info)) {
      if (!matchesFilter(query.filter, record.metadata)) continue;
      scored.push({ id, record, distance: distanceBetween(info.metric, query.vector, record.vector) });
    }
    scored.sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return scored
      .slice(0, query.topK)
      .map(({ id, record, distance }) => ({ ...project(id, record, query.include), distance }));
  }

  protected async doGet(
    info: CollectionInfo,
    ids: readonly string[],
    include: Required<Include>,
  ): Promise<StoredVectorRecord[]> {
    const records = this.#records(info);
    return ids.flatMap((id) => {
      const record = records.get(id);
      return record ? [project(id, record, include)] : [];
    });
  }

  protected async doDelete(info: CollectionInfo, selector: NormalizedDeleteSelector): Promise<void> {
    const records = this.#records(info);
    if ('ids' in selector) {
      for (const id of selector.ids) records.delete(id);
      return;
    }
    for (const [id, record] of records)
      if (matchesFilter(selector.filter, record.metadata)) records.delete(id);
  }

  protected async doCount(info: CollectionInfo, filter: FilterNode | undefined): Promise<number> {
    const records = this.#records(info);
    if (!filter) return records.size;
    let n = 0;
    for (const record of records.values()) if (matchesFilter(filter, record.metadata)) n++;
    return n;
  }

  #records(info: CollectionInfo): Map<string, StoredRecord> {
    const collection = this.#collections.get(info.name);
    if (!collection) {
      // The base caches descriptions; a drop through another handle is caught here.
      this.forgetCollection(info.name);
      throw notFound(info.name);
    }
    return collection.records;
  }
}

function project(id: string, record: StoredRecord, include: Required<Include>): StoredVectorRecord {
  const out: { id: string; vector?: number[]; metadata?: Metadata; document?: string } = { id };
  if (include.vectors) out.vector = Array.from(record.vector);
  if (include.metadata) out.metadata = { ...(record.metadata ?? {}) };
  if (include.documents && record.document !== undefined) out.document = record.document;
  return out;
}

function notFound(name: string): OrchError {
  return new OrchError('ORCH_NOT_FOUND', `Collection "${name}" does not exist.`, {
    kind: 'vector',
    details: { collection: name },
  });
}
