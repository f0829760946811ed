import type { Adapter } from '../adapter/adapter.js';
import type { Filter, Metadata } from '../filter/filter.js';

/**
 * Distance metric of a collection. For every backend orch reports the same numbers:
 * - `cosine`: distance = 1 − cosine similarity (0…2), score = cosine similarity (−1…1)
 * - `l2`: distance = Euclidean distance (not squared), score = 1 / (1 + distance)
 * - `ip`: distance = 1 − dot product, score = dot product
 * Higher score is always better; results are ordered by score, best first.
 */
export type VectorMetric = 'cosine' | 'l2' | 'ip';

export interface CollectionOptions {
  /** Number of components of every vector in the collection (1 to 65536). */
  readonly dimension: number;
  /** Defaults to `cosine`. */
  readonly metric?: VectorMetric;
}

export interface CollectionInfo {
  readonly name: string;
  readonly dimension: number;
  readonly metric: VectorMetric;
}

/** A vector as accepted on input. */
export type VectorInput = readonly number[] | Float32Array | Float64Array;

export interface VectorRecord {
  /** Application id, 1 to 512 characters. */
  readonly id: string;
  readonly vector: VectorInput;
  /** Flat scalar metadata. Replaced as a whole on upsert. */
  readonly metadata?: Metadata;
  /** The text the vector was made from. */
  readonly document?: string;
}

/** A record as read back. Fields not requested through `include` are absent. */
export interface StoredVectorRecord {
  readonly id: string;
  readonly vector?: number[];
  readonly metadata?: Metadata;
  readonly document?: string;
}

export interface Include {
  readonly vectors?: boolean;
  readonly metadata?: boolean;
  readonly documents?: boolean;
}

export interface VectorQuery {
  readonly vector: VectorInput;
  /** Number of results, 1 to 10000. */
  readonly topK: number;
  readonly filter?: Filter;
  /** Defaults to metadata and documents, no vectors. */
  readonly include?: Include;
}

export interface VectorMatch extends StoredVectorRecord {
  /** Normalized similarity, higher is better, defined per metric in {@link VectorMetric}. */
  readonly score: number;
  /** The metric's distance, lower is better, defined per metric in {@link VectorMetric}. */
  readonly distance: number;
}

export type DeleteSelector = { readonly ids: readonly string[] } | { readonly filter: Filter };

export interface VectorCapabilities {
  readonly metrics: readonly VectorMetric[];
  /** `$exists` in filters. */
  readonly filterExists: boolean;
  /** Writes become visible to reads after a delay (hosted indexes); tests then poll. */
  readonly eventualConsistency: boolean;
  /** Records per request the engine accepts; the store chunks larger upserts itself. */
  readonly maxBatchSize: number;
  /** Stores `document` text alongside the vector. */
  readonly documents: boolean;
}

/**
 * Embeddings with metadata, in named collections of fixed dimension and metric.
 *
 * @example
 * const vectors = await createAdapter('vector', 'memory:');
 * await vectors.ensureCollection('tasks', { dimension: 3 });
 * await vectors.upsert('tasks', [{ id: 't1', vector: [1, 0, 0], metadata: { status: 'open' } }]);
 * const hits = await vectors.query('tasks', { vector: [1, 0, 0], topK: 5, filter: { status: 'open' } });
 */
export interface VectorStore extends Adapter {
  readonly kind: 'vector';
  readonly capabilities: VectorCapabilities;
  /**
   * Create the collection, or check an existing one: a different dimension rejects with
   * `ORCH_DIMENSION_MISMATCH`, a different metric with `ORCH_CONFLICT`.
   */
  ensureCollection(name: string, options: CollectionOptions): Promise<CollectionInfo>;
  /** `null` when there is no such collection. */
  describeCollection(name: string): Promise<CollectionInfo | null>;
  listCollections(): Promise<CollectionInfo[]>;
  /** Drop the collection and its records; false when it did not exist. */
  dropCollection(name: string): Promise<boolean>;
  /**
   * Insert or replace records (a replaced record keeps nothing of the old one). Idempotent.
   * Ids must be unique within one call. Vectors are validated before anything is written.
   */
  upsert(collection: string, records: readonly VectorRecord[]): Promise<void>;
  query(collection: string, query: VectorQuery): Promise<VectorMatch[]>;
  /** Records for the ids that exist, in the order asked; missing ids are left out. */
  get(collection: string, ids: readonly string[], include?: Include): Promise<StoredVectorRecord[]>;
  delete(collection: string, selector: DeleteSelector): Promise<void>;
  count(collection: string, filter?: Filter): Promise<number>;
}
