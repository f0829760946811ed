import { AdapterBase } from '../adapter/adapter-base.js';
import type { DriverErrorContext } from '../adapter/driver-error-context.js';
import { isOrchError, OrchError } from '../errors/orch-error.js';
import type { Filter, FilterNode, Metadata } from '../filter/filter.js';
import { filterOperators, normalizeFilter } from '../filter/normalize-filter.js';
import { traceOperation } from '../tracing/store-tracing.js';
import { validateText } from '../util/well-formed.js';
import { validateMetadata } from './metadata.js';
import { scoreFromDistance } from './scoring.js';
import {
  validateCollectionName,
  validateDimension,
  validateMetric,
  validateRecordId,
  validateTopK,
  validateVector,
} from './validation.js';
import type {
  CollectionInfo,
  CollectionOptions,
  DeleteSelector,
  Include,
  StoredVectorRecord,
  VectorCapabilities,
  VectorMatch,
  VectorQuery,
  VectorRecord,
  VectorStore,
} from './vector-store.js';

/** A record after validation: plain number array, metadata checked. */
export interface NormalizedVectorRecord {
  readonly id: string;
  readonly vector: number[];
  readonly metadata?: Metadata;
  readonly document?: string;
}

/** A query after validation, as the `doQuery` hook receives it. */
export interface NormalizedVectorQuery {
  readonly vector: number[];
  readonly topK: number;
  readonly filter: FilterNode | undefined;
  readonly include: Required<Include>;
}

/** What `doQuery` returns: the score is computed by the base from the distance. */
export type RawVectorMatch = Omit<VectorMatch, 'score'>;

export type NormalizedDeleteSelector = { readonly ids: readonly string[] } | { readonly filter: FilterNode };

const DEFAULT_QUERY_INCLUDE: Required<Include> = Object.freeze({
  vectors: false,
  metadata: true,
  documents: true,
});
const DEFAULT_GET_INCLUDE: Required<Include> = { vectors: true, metadata: true, documents: true };

/**
 * The shared front half of every vector store: validation, the filter capability check,
 * chunking, score normalization, the closed-state guard and error normalization. Extend it and
 * implement the `do*` hooks, which receive only validated input.
 */
export abstract class VectorStoreBase extends AdapterBase implements VectorStore {
  readonly kind = 'vector' as const;
  abstract override readonly scheme: string;
  abstract readonly capabilities: VectorCapabilities;
  readonly #collections = new Map<string, CollectionInfo>();

  /** Create the collection if absent; return what is stored (which may differ from `wanted`). */
  protected abstract doEnsureCollection(wanted: CollectionInfo): Promise<CollectionInfo>;
  protected abstract doDescribeCollection(name: string): Promise<CollectionInfo | null>;
  protected abstract doListCollections(): Promise<CollectionInfo[]>;
  protected abstract doDropCollection(name: string): Promise<boolean>;
  /** Called with at most `capabilities.maxBatchSize` records, ids unique. */
  protected abstract doUpsert(
    collection: CollectionInfo,
    records: readonly NormalizedVectorRecord[],
  ): Promise<void>;
  /**
   * Return at most topK matches ordered by distance ascending (best first), ties by id, as objects
   * of the hook's own making: the base adds `score` to them in place.
   */
  protected abstract doQuery(
    collection: CollectionInfo,
    query: NormalizedVectorQuery,
  ): Promise<RawVectorMatch[]>;
  protected abstract doGet(
    collection: CollectionInfo,
    ids: readonly string[],
    include: Required<Include>,
  ): Promise<StoredVectorRecord[]>;
  protected abstract doDelete(collection: CollectionInfo, selector: NormalizedDeleteSelector): Promise<void>;
  protected abstract doCount(collection: CollectionInfo, filter: FilterNode | undefined): Promise<number>;

  /**
   * Turn a driver error into an OrchError (put the engine's code in `details.driverCode`).
   * Override to map engine-specific failures; the same signature on every base.
   */
  protected mapDriverError(err: unknown, context: DriverErrorContext): OrchError {
    const message = err instanceof Error ? err.message : String(err);
    return new OrchError('ORCH_QUERY_FAILED', `Vector ${context.operation} failed: ${message}`, {
      kind: 'vector',
      cause: err,
    });
  }

  async ensureCollection(name: string, options: CollectionOptions): Promise<CollectionInfo> {
    validateCollectionName(name);
    if (typeof options !== 'object' || options === null) {
      throw new OrchError('ORCH_INVALID_INPUT', 'ensureCollection needs options: { dimension, metric? }.', {
        kind: 'vector',
      });
    }
    const wanted: CollectionInfo = {
      name,
      dimension: validateDimension(options.dimension),
      metric: validateMetric(options.metric),
    };
    const stored = await this.#run('ensureCollection', () => this.doEnsureCollection(wanted));
    this.#collections.set(name, stored);
    if (stored.dimension !== wanted.dimension) {
      throw new OrchError(
        'ORCH_DIMENSION_MISMATCH',
        `Collection "${name}" exists with dimension ${stored.dimension}, not ${wanted.dimension}. Use another name or drop it first.`,
        { kind: 'vector', details: { expected: stored.dimension, actual: wanted.dimension } },
      );
    }
    if (stored.metric !== wanted.metric) {
      throw new OrchError(
        'ORCH_CONFLICT',
        `Collection "${name}" exists with metric ${stored.metric}, not ${wanted.metric}.`,
        {
          kind: 'vector',
          details: { expected: stored.metric, actual: wanted.metric },
        },
      );
    }
    return stored;
  }

  async describeCollection(name: string): Promise<CollectionInfo | null> {
    validateCollectionName(name);
    const info = await this.#run('describeCollection', () => this.doDescribeCollection(name));
    if (info) this.#collections.set(name, info);
    else this.#collections.delete(name);
    return info;
  }

  async listCollections(): Promise<CollectionInfo[]> {
    const all = await this.#run('listCollections', () => this.doListCollections());
    return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async dropCollection(name: string): Promise<boolean> {
    validateCollectionName(name);
    this.#collections.delete(name);
    return this.#run('dropCollection', () => this.doDropCollection(name));
  }

  async upsert(collection: string, records: readonly VectorRecord[]): Promise<void> {
    if (!Array.isArray(records))
      throw new OrchError('ORCH_INVALID_INPUT', 'upsert expects an array of records.', { kind: 'vector' });
    const info = await this.requireCollection(collection);
    const seen = new Set<string>();
    const normalized = records.map((record, i): NormalizedVectorRecord => {
      const where = `upsert("${collection}") record ${i}`;
      if (typeof record !== 'object' || record === null)
        throw new OrchError('ORCH_INVALID_INPUT', `${where}: not an object.`, { kind: 'vector' });
      const id = validateRecordId(record.id, where);
      if (seen.has(id))
        throw new OrchError('ORCH_INVALID_INPUT', `${where}: id "${id}" appears twice in one upsert.`, {
          kind: 'vector',
        });
      seen.add(id);
      const vector = validateVector(record.vector, info, `${where} (id "${id}")`);
      const out: { id: string; vector: number[]; metadata?: Metadata; document?: string } = { id, vector };
      if (record.metadata !== undefined)
        out.metadata = validateMetadata(record.metadata, `${where} (id "${id}")`);
      if (record.document !== undefined) {
        if (typeof record.document !== 'string')
          throw new OrchError('ORCH_INVALID_INPUT', `${where}: document must be a string.`, {
            kind: 'vector',
          });
        out.document = validateText(record.document, `${where} (id "${id}"): document`, 'vector');
      }
      return out;
    });
    const size = Math.max(1, this.capabilities.maxBatchSize);
    for (let start = 0; start < normalized.length; start += size) {
      const chunk = normalized.slice(start, start + size);
      await this.#run('upsert', () => this.doUpsert(info, chunk), { written: start }, chunk.length);
    }
  }

  async query(collection: string, query: VectorQuery): Promise<VectorMatch[]> {
    if (typeof query !== 'object' || query === null)
      throw new OrchError('ORCH_INVALID_INPUT', 'query expects { vector, topK }.', { kind: 'vector' });
    const info = this.#cachedCollection(collection) ?? (await this.requireCollection(collection));
    const normalized: NormalizedVectorQuery = {
      vector: validateVector(query.vector, info, `query("${collection}")`),
      topK: validateTopK(query.topK),
      filter: this.#filter(query.filter),
      include:
        query.include === undefined ? DEFAULT_QUERY_INCLUDE : { ...DEFAULT_QUERY_INCLUDE, ...query.include },
    };
    const matches = (await this.#run('query', () => this.doQuery(info, normalized))) as VectorMatch[];
    // The hook's objects are its own fresh ones: the score is added in place, not by a copy.
    for (const m of matches) (m as { score: number }).score = scoreFromDistance(info.metric, m.distance);
    return matches;
  }

  async get(collection: string, ids: readonly string[], include?: Include): Promise<StoredVectorRecord[]> {
    const info = await this.requireCollection(collection);
    const unique = this.#ids(ids, 'get');
    if (unique.length === 0) return [];
    const found = await this.#run('get', () =>
      this.doGet(info, unique, { ...DEFAULT_GET_INCLUDE, ...include }),
    );
    const byId = new Map(found.map((r) => [r.id, r]));
    return unique.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  async delete(collection: string, selector: DeleteSelector): Promise<void> {
    const info = await this.requireCollection(collection);
    const hasIds = typeof selector === 'object' && selector !== null && 'ids' in selector;
    const hasFilter = typeof selector === 'object' && selector !== null && 'filter' in selector;
    if (hasIds === hasFilter)
      throw new OrchError('ORCH_INVALID_INPUT', 'delete expects exactly one of { ids } or { filter }.', {
        kind: 'vector',
      });
    if (hasIds) {
      const ids = this.#ids((selector as { ids: readonly string[] }).ids, 'delete');
      if (ids.length === 0) return;
      await this.#run('delete', () => this.doDelete(info, { ids }));
      return;
    }
    const filter = this.#filter((selector as { filter: Filter }).filter);
    if (!filter) {
      throw new OrchError(
        'ORCH_INVALID_INPUT',
        'delete with an empty filter would delete everything; use dropCollection for that.',
        {
          kind: 'vector',
        },
      );
    }
    await this.#run('delete', () => this.doDelete(info, { filter }));
  }

  async count(collection: string, filter?: Filter): Promise<number> {
    const info = await this.requireCollection(collection);
    const node = this.#filter(filter);
    return this.#run('count', () => this.doCount(info, node));
  }

  /** The stored description of a collection, or `ORCH_NOT_FOUND`. */
  protected async requireCollection(name: string): Promise<CollectionInfo> {
    validateCollectionName(name);
    await this.ready();
    const cached = this.#collections.get(name);
    if (cached) return cached;
    const info = await this.#call('describeCollection', () => this.doDescribeCollection(name));
    if (!info) {
      throw new OrchError(
        'ORCH_NOT_FOUND',
        `Collection "${name}" does not exist; call ensureCollection("${name}", { dimension }) first.`,
        {
          kind: 'vector',
          details: { collection: name },
        },
      );
    }
    this.#collections.set(name, info);
    return info;
  }

  /**
   * The cached description, without a turn of the event loop, when connected and known; undefined
   * sends the caller to {@link VectorStoreBase.requireCollection}.
   */
  #cachedCollection(name: string): CollectionInfo | undefined {
    // Only valid names are ever cached, so a hit needs no validation.
    return this.isReady ? this.#collections.get(name) : undefined;
  }

  /** Forget cached collection descriptions (after an external drop, say). */
  protected forgetCollection(name?: string): void {
    if (name === undefined) this.#collections.clear();
    else this.#collections.delete(name);
  }

  #filter(filter: Filter | undefined): FilterNode | undefined {
    const node = normalizeFilter(filter);
    if (!this.capabilities.filterExists && filterOperators(node).has('$exists')) {
      throw new OrchError(
        'ORCH_UNSUPPORTED_FILTER',
        `The ${this.scheme} vector store cannot evaluate $exists.`,
        { kind: 'vector' },
      );
    }
    return node;
  }

  #ids(ids: readonly string[], operation: string): string[] {
    if (!Array.isArray(ids))
      throw new OrchError('ORCH_INVALID_INPUT', `${operation} expects an array of ids.`, { kind: 'vector' });
    return [...new Set(ids.map((id, i) => validateRecordId(id, `${operation} id ${i}`)))];
  }

  /** Call a hook: connected first, published on the tracing channel, driver errors mapped. */
  #run<T>(
    operation: string,
    fn: () => Promise<T>,
    progress?: Record<string, unknown>,
    inputCount?: number,
  ): Promise<T> {
    const event = { kind: this.kind, scheme: this.scheme, operation };
    return traceOperation(
      inputCount === undefined ? event : { ...event, inputCount },
      () => this.#call(operation, fn, progress),
      resultCount,
    );
  }

  async #call<T>(operation: string, fn: () => Promise<T>, progress?: Record<string, unknown>): Promise<T> {
    if (!this.isReady) await this.ready();
    try {
      return await fn();
    } catch (err) {
      if (isOrchError(err)) {
        if (err.code === 'ORCH_NOT_FOUND') this.#collections.clear();
        throw progress ? err.withDetails(progress) : err;
      }
      const mapped = this.mapDriverError(err, { operation });
      throw progress ? mapped.withDetails(progress) : mapped;
    }
  }
}

/** Records returned, or the count itself. */
function resultCount(result: unknown): number | undefined {
  if (Array.isArray(result)) return result.length;
  if (typeof result === 'number') return result;
  return undefined;
}
