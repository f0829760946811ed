import type { CollectionInfo, Metadata, VectorMetric } from '@orch/core/adapter-kit';
import { PRESENCE_PREFIX, presenceKey } from './filter.js';

/** Chroma's HNSW spaces have the same names as orch's metrics. */
export type ChromaSpace = 'cosine' | 'l2' | 'ip';

/** Collection metadata keys this adapter writes (":" keeps them apart from user keys). */
export const COLLECTION_DIMENSION = 'orch:dimension';
export const COLLECTION_METRIC = 'orch:metric';
export const COLLECTION_FORMAT = 'orch:format';
/** Version of the record layout (the {@link PRESENCE_PREFIX} markers). */
export const FORMAT_VERSION = 2;

export function spaceFor(metric: VectorMetric): ChromaSpace {
  return metric;
}

/** The metadata a collection is created with, read back by {@link collectionInfo}. */
export function collectionMetadata(info: CollectionInfo): Record<string, string | number> {
  return {
    [COLLECTION_DIMENSION]: info.dimension,
    [COLLECTION_METRIC]: info.metric,
    [COLLECTION_FORMAT]: FORMAT_VERSION,
  };
}

/** What a Chroma collection object exposes that this adapter reads. */
export interface ChromaCollectionLike {
  readonly name: string;
  readonly metadata?: Record<string, unknown> | null | undefined;
  readonly configuration?: { readonly hnsw?: { readonly space?: unknown } | null } | null | undefined;
}

/**
 * The orch description of a Chroma collection, or `undefined` when orch did not create it (no
 * dimension in its metadata, or a record layout this version does not know). The metric comes from
 * the HNSW configuration the server reports, which is what it really ranks by.
 */
export function collectionInfo(collection: ChromaCollectionLike): CollectionInfo | undefined {
  const meta = collection.metadata ?? {};
  const dimension = meta[COLLECTION_DIMENSION];
  if (typeof dimension !== 'number' || !Number.isInteger(dimension) || dimension < 1) return undefined;
  if (meta[COLLECTION_FORMAT] !== FORMAT_VERSION) return undefined;
  const space = collection.configuration?.hnsw?.space ?? meta[COLLECTION_METRIC];
  if (space !== 'cosine' && space !== 'l2' && space !== 'ip') return undefined;
  return { name: collection.name, dimension, metric: space };
}

/**
 * orch's distance from what Chroma reports. Chroma computes in float32: cosine `1 - cos` and ip
 * `1 - dot` are orch's definitions already; l2 is the squared Euclidean distance, so take the root.
 * Rounding can make a distance of zero slightly negative; it is clamped (a negative squared
 * distance would otherwise give NaN).
 */
export function toOrchDistance(metric: VectorMetric, reported: number): number {
  switch (metric) {
    case 'l2':
      return Math.sqrt(Math.max(0, reported));
    case 'cosine':
      return Math.min(2, Math.max(0, reported));
    case 'ip':
      return reported;
  }
}

/** Record metadata as sent to Chroma: the user's keys plus a presence marker each, or null for none. */
export function toChromaMetadata(metadata: Metadata | undefined): Record<string, unknown> | null {
  if (!metadata) return null;
  const keys = Object.keys(metadata);
  // Chroma refuses empty metadata objects: a record without keys has none.
  if (keys.length === 0) return null;
  const out: Record<string, unknown> = { ...metadata };
  for (const key of keys) out[presenceKey(key)] = true;
  return out;
}

/** Record metadata as read back: the markers removed, `{}` for a record without metadata. */
export function fromChromaMetadata(metadata: Record<string, unknown> | null | undefined): Metadata {
  const out: Record<string, string | number | boolean> = {};
  if (!metadata) return out;
  for (const [key, value] of Object.entries(metadata)) {
    if (key.startsWith(PRESENCE_PREFIX)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[key] = value;
  }
  return out;
}

/** The user keys of a stored record. */
export function storedKeys(metadata: Record<string, unknown> | null | undefined): string[] {
  if (!metadata) return [];
  return Object.keys(metadata).filter((k) => !k.startsWith(PRESENCE_PREFIX));
}
