import { createHash } from 'node:crypto';

/**
 * How orch collections map onto Pinecone:
 *
 * - `namespaces` (the default, `pinecone://INDEX?namespace=NS`): one index per store URL, and
 *   each collection is a namespace of it (`NS:collection`, or `collection` without `NS`). An index
 *   has one dimension and one metric, so every collection of the store must have that dimension
 *   and metric. Which collections exist is recorded in the namespace `NS:__orch_collections`
 *   (one record per collection), because Pinecone keeps no empty namespaces.
 * - `indexes` (`pinecone://PREFIX?mapping=indexes`): each collection is an index of its own,
 *   named `PREFIX-collection` (lower-cased, with a hash when the name had to change), tagged
 *   `orch_collection=<name>`, its records in namespace `NS` (default: the default namespace).
 *   Collections may then differ in dimension and metric.
 */
export type Mapping = 'namespaces' | 'indexes';

export interface Layout {
  readonly mapping: Mapping;
  /** `namespaces`: the index; `indexes`: the prefix of index names. */
  readonly index: string;
  /** The URL's namespace (`""` when none). */
  readonly namespace: string;
}

/** Pinecone's rule for index names. */
export const INDEX_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
export const MAX_INDEX_NAME_LENGTH = 45;
/** Longest prefix in `indexes` mapping (leaves room for a readable name and a hash). */
export const MAX_PREFIX_LENGTH = 20;
/** Tag naming the collection an index holds (`indexes` mapping). */
export const COLLECTION_TAG = 'orch_collection';
/** Name of the registry namespace, after the URL namespace's `NS:` (no collection can be named so). */
export const REGISTRY_NAMESPACE = '__orch_collections';
/** Between the URL namespace and a collection name (collection names cannot contain it). */
export const NAMESPACE_SEPARATOR = ':';

function withPrefix(layout: Layout, name: string): string {
  return layout.namespace === '' ? name : `${layout.namespace}${NAMESPACE_SEPARATOR}${name}`;
}

/** The namespace holding a collection's records. */
export function collectionNamespace(layout: Layout, collection: string): string {
  return layout.mapping === 'namespaces' ? withPrefix(layout, collection) : layout.namespace;
}

/** Appended to a collection's namespace for the part records of its large documents. */
export const DOCUMENT_NAMESPACE_SUFFIX = '#orch_documents';

/**
 * The namespace holding the parts of a collection's documents that did not fit in their
 * record's metadata (URL namespaces cannot contain "#", so no store's data lives there).
 */
export function documentNamespace(layout: Layout, collection: string): string {
  return `${collectionNamespace(layout, collection)}${DOCUMENT_NAMESPACE_SUFFIX}`;
}

/** The namespace of the collection registry (`namespaces` mapping). */
export function registryNamespace(layout: Layout): string {
  return withPrefix(layout, REGISTRY_NAMESPACE);
}

/** The index holding a collection. */
export function indexFor(layout: Layout, collection: string): string {
  return layout.mapping === 'namespaces' ? layout.index : indexNameFor(layout.index, collection);
}

/**
 * The index of a collection in `indexes` mapping: `prefix-name` when the name is already a valid
 * index name part (lower-case letters, digits, "-") and fits in 45 characters; otherwise a
 * lower-cased, shortened form plus 8 hex digits of the name's SHA-256, so that `Tasks` and
 * `tasks`, or two long names with one start, never share an index.
 */
export function indexNameFor(prefix: string, collection: string): string {
  const plain = `${prefix}-${collection}`;
  if (/^[a-z0-9-]+$/.test(collection) && plain.length <= MAX_INDEX_NAME_LENGTH && INDEX_NAME.test(plain))
    return plain;
  const hash = createHash('sha256').update(collection).digest('hex').slice(0, 8);
  const room = MAX_INDEX_NAME_LENGTH - prefix.length - hash.length - 2;
  const slug = collection
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, room)
    .replace(/-+$/, '');
  return slug === '' ? `${prefix}-${hash}` : `${prefix}-${slug}-${hash}`;
}
