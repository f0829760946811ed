/**
 * The data plane of one index (Pinecone API 2026-04, `db_data_2026-04.oas.yaml`): upsert, query, fetch,
 * fetch by metadata, delete, update, list and describe_index_stats. Request fields are read in the
 * spec's camelCase and, like the service's JSON gateway, also in their proto snake_case names.
 */
import { badRequest, notEmulated, notFound } from './errors.js';
import { compileFilter, isPlainObject, type Predicate } from './filter.js';
import {
  compareIds,
  LIMITS,
  type Metadata,
  validateId,
  validateMetadata,
  validateNamespace,
  validateValues,
} from './metadata.js';
import type { EmulatedIndex, Metric, StoredRecord } from './state.js';

type Body = Record<string, unknown>;

/** The usage block of read responses (a placeholder: the emulator does not meter read units). */
const USAGE = { readUnits: 1 } as const;

/** Reads an optional field by its camelCase name or its snake_case alias; `null` counts as absent. */
function field(body: Body, camel: string, snake?: string): unknown {
  const value = body[camel];
  if (value !== undefined && value !== null) return value;
  if (snake === undefined) return undefined;
  const alias = body[snake];
  return alias === null ? undefined : alias;
}

function optionalBoolean(body: Body, camel: string, snake: string): boolean {
  const value = field(body, camel, snake);
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw badRequest(`${camel} must be a boolean, got ${JSON.stringify(value)}`);
  return value;
}

function optionalFilter(body: Body): Predicate | undefined {
  const filter = field(body, 'filter');
  return filter === undefined ? undefined : compileFilter(filter);
}

function rejectSparse(value: unknown, what: string): void {
  if (value !== undefined) notEmulatedSparse(what);
}

function notEmulatedSparse(what: string): never {
  throw notEmulated(`Sparse vector values (${what})`);
}

function requireNonZero(values: number[], id: string): void {
  if (!values.some((v) => v !== 0)) {
    throw badRequest(`Dense vectors must contain at least one non-zero value (vector ID '${id}')`);
  }
}

function copyRecord(record: StoredRecord, values: boolean, metadata: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: record.id };
  if (values) out.values = [...record.values];
  if (metadata && record.metadata) out.metadata = structuredClone(record.metadata);
  return out;
}

/** `POST /vectors/upsert`: `{ vectors, namespace? }` → `{ upsertedCount }`. All-or-nothing. */
export function upsert(index: EmulatedIndex, body: Body): unknown {
  const vectors = field(body, 'vectors');
  if (vectors === undefined) throw badRequest('Missing required field: vectors');
  if (!Array.isArray(vectors)) throw badRequest('vectors must be an array of vectors');
  if (vectors.length === 0) throw badRequest('vectors must contain at least 1 vector');
  if (vectors.length > LIMITS.maxUpsertRecords) {
    throw badRequest(
      `Request contains ${vectors.length} vectors; the maximum is ${LIMITS.maxUpsertRecords} vectors per upsert request`,
    );
  }
  const namespace = validateNamespace(field(body, 'namespace'));
  const { dimension } = index.config;
  const prepared: StoredRecord[] = vectors.map((vector: unknown) => {
    if (!isPlainObject(vector)) throw badRequest('Every element of vectors must be an object');
    const id = validateId(vector.id);
    rejectSparse(field(vector, 'sparseValues', 'sparse_values'), 'upsert');
    const raw = field(vector, 'values');
    if (raw === undefined) {
      throw badRequest(`Vector ID '${id}' has no values: records in a dense index need dense values`);
    }
    const values = validateValues(raw, dimension);
    requireNonZero(values, id);
    const metadata = validateMetadata(vector.metadata);
    return { id, values: [...values], metadata: metadata && structuredClone(metadata) };
  });
  const records = index.recordsForWrite(namespace);
  for (const record of prepared) records.set(record.id, record);
  return { upsertedCount: prepared.length };
}

/** The score Pinecone reports: cosine similarity, dot product, or squared euclidean distance. */
export function score(metric: Metric, a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  let squared = 0;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    normA += x * x;
    normB += y * y;
    squared += (x - y) * (x - y);
  }
  if (metric === 'dotproduct') return dot;
  if (metric === 'euclidean') return squared;
  return normA === 0 || normB === 0 ? 0 : dot / (Math.sqrt(normA) * Math.sqrt(normB));
}

/**
 * `POST /query`: exact top-k over one namespace, by `vector` or by the `id` of a stored record, with an
 * optional metadata filter. Cosine and dotproduct rank higher scores first, euclidean lower (squared
 * distance) first; equal scores are ordered by id.
 */
export function query(index: EmulatedIndex, body: Body): unknown {
  const topK = field(body, 'topK', 'top_k');
  if (topK === undefined) throw badRequest('Missing required field: topK');
  if (typeof topK !== 'number' || !Number.isInteger(topK)) {
    throw badRequest(`topK must be an integer, got ${JSON.stringify(topK)}`);
  }
  if (topK < LIMITS.minTopK || topK > LIMITS.maxTopK) {
    throw badRequest(
      `Invalid value for topK: ${topK}. topK must be in the range [${LIMITS.minTopK}, ${LIMITS.maxTopK}]`,
    );
  }
  if (field(body, 'queries') !== undefined) throw notEmulated('The deprecated `queries` field of query');
  rejectSparse(field(body, 'sparseVector', 'sparse_vector'), 'query');
  const namespace = validateNamespace(field(body, 'namespace'));
  const includeValues = optionalBoolean(body, 'includeValues', 'include_values');
  const includeMetadata = optionalBoolean(body, 'includeMetadata', 'include_metadata');
  const predicate = optionalFilter(body);
  const vector = field(body, 'vector');
  const id = field(body, 'id');
  if (vector !== undefined && id !== undefined) {
    throw badRequest('A query takes either `vector` or `id`, not both');
  }
  if (vector === undefined && id === undefined) {
    throw badRequest('No query provided: pass `vector` or `id`');
  }
  const records = index.records(namespace);
  let target: readonly number[] | undefined;
  if (vector !== undefined) {
    target = validateValues(vector, index.config.dimension, 'Query vector');
  } else {
    target = records?.get(validateId(id))?.values;
  }
  const { metric } = index.config;
  const scored: { record: StoredRecord; score: number }[] = [];
  if (target && records) {
    for (const record of records.values()) {
      if (predicate && !predicate(record.metadata)) continue;
      scored.push({ record, score: score(metric, target, record.values) });
    }
  }
  const direction = metric === 'euclidean' ? 1 : -1;
  scored.sort((a, b) => direction * (a.score - b.score) || compareIds(a.record.id, b.record.id));
  const matches = scored.slice(0, topK).map(({ record, score }) => {
    const match: Record<string, unknown> = {
      id: record.id,
      score,
      values: includeValues ? [...record.values] : [],
    };
    if (includeMetadata && record.metadata) match.metadata = structuredClone(record.metadata);
    return match;
  });
  const response = { results: [], matches, namespace, usage: USAGE };
  const size = Buffer.byteLength(JSON.stringify(response), 'utf8');
  if (size > LIMITS.maxQueryResultBytes) {
    throw badRequest(
      `Query result size ${size} bytes exceeds the maximum of 4MB: lower topK or exclude values or metadata`,
    );
  }
  return response;
}

function validateIdList(ids: unknown, operation: string): string[] {
  if (!Array.isArray(ids)) throw badRequest('ids must be an array of strings');
  if (ids.length > LIMITS.maxIdsPerRequest) {
    throw badRequest(
      `Request contains ${ids.length} IDs; the maximum is ${LIMITS.maxIdsPerRequest} IDs per ${operation} request`,
    );
  }
  return ids.map((id) => validateId(id));
}

/** `GET /vectors/fetch?ids=…&namespace=…` → only the records found, keyed by id. */
export function fetch(index: EmulatedIndex, params: URLSearchParams): unknown {
  const ids = params.getAll('ids');
  if (ids.length === 0) throw badRequest('Missing required parameter: ids (at least 1 ID)');
  const valid = validateIdList(ids, 'fetch');
  const namespace = validateNamespace(params.get('namespace') ?? undefined);
  const records = index.records(namespace);
  const vectors: Record<string, unknown> = {};
  for (const id of valid) {
    const record = records?.get(id);
    if (record) vectors[id] = copyRecord(record, true, true);
  }
  return { vectors, namespace, usage: USAGE };
}

/**
 * `POST /vectors/delete`: exactly one of `ids` (1–1000), `deleteAll: true` or `filter`, in one namespace.
 * A namespace holding no records answers 404 "Namespace not found", as serverless indexes do.
 */
export function remove(index: EmulatedIndex, body: Body): unknown {
  const ids = field(body, 'ids');
  const deleteAll = field(body, 'deleteAll', 'delete_all');
  if (deleteAll !== undefined && typeof deleteAll !== 'boolean') {
    throw badRequest(`deleteAll must be a boolean, got ${JSON.stringify(deleteAll)}`);
  }
  const filter = field(body, 'filter');
  const hasIds = Array.isArray(ids) ? ids.length > 0 : ids !== undefined;
  const modes = [hasIds, deleteAll === true, filter !== undefined].filter(Boolean).length;
  if (modes === 0) throw badRequest('A delete request needs one of: ids, deleteAll: true, or filter');
  if (modes > 1) throw badRequest('ids, deleteAll and filter are mutually exclusive in a delete request');
  const valid = hasIds ? validateIdList(ids, 'delete') : undefined;
  const predicate = filter === undefined ? undefined : compileFilter(filter);
  const namespace = validateNamespace(field(body, 'namespace'));
  const records = index.records(namespace);
  if (!records) throw notFound('Namespace not found');
  if (valid) {
    for (const id of valid) records.delete(id);
  } else if (predicate) {
    for (const [id, record] of records) if (predicate(record.metadata)) records.delete(id);
  } else {
    records.clear();
  }
  index.prune();
  return {};
}

function mergeMetadata(current: Metadata | undefined, patch: Metadata): Metadata {
  const merged = validateMetadata({ ...current, ...patch });
  return structuredClone(merged ?? {});
}

/**
 * `POST /vectors/update`: by `id` (new `values` and/or `setMetadata` merged into the record's metadata;
 * an unknown id changes nothing and answers 200) or by `filter` (`setMetadata` on every matching record,
 * `dryRun` only counts them) → `{}` or `{ matchedRecords }`.
 */
export function update(index: EmulatedIndex, body: Body): unknown {
  const id = field(body, 'id');
  const filter = field(body, 'filter');
  if (id !== undefined && filter !== undefined) {
    throw badRequest('An update takes either `id` or `filter`, not both');
  }
  if (id === undefined && filter === undefined) {
    throw badRequest('An update needs `id` (one record) or `filter` (records matching it)');
  }
  rejectSparse(field(body, 'sparseValues', 'sparse_values'), 'update');
  const namespace = validateNamespace(field(body, 'namespace'));
  const rawValues = field(body, 'values');
  const patch = validateMetadata(field(body, 'setMetadata', 'set_metadata'));
  const dryRun = optionalBoolean(body, 'dryRun', 'dry_run');
  if (id !== undefined) {
    const recordId = validateId(id);
    const values = rawValues === undefined ? undefined : validateValues(rawValues, index.config.dimension);
    if (values) requireNonZero(values, recordId);
    if (!values && !patch) throw badRequest('An update by id needs `values` or `setMetadata`');
    const record = index.records(namespace)?.get(recordId);
    if (!record || dryRun) return {};
    const metadata = patch ? mergeMetadata(record.metadata, patch) : record.metadata;
    if (values) record.values = [...values];
    record.metadata = metadata;
    return {};
  }
  if (rawValues !== undefined) throw badRequest('Vector values cannot be updated by metadata filter');
  if (!patch) throw badRequest('An update by filter needs `setMetadata`');
  const predicate = compileFilter(filter);
  const matched = [...(index.records(namespace)?.values() ?? [])].filter((r) => predicate(r.metadata));
  if (!dryRun) {
    const merged = matched.map((record) => mergeMetadata(record.metadata, patch));
    matched.forEach((record, i) => {
      record.metadata = merged[i];
    });
  }
  return { matchedRecords: matched.length };
}

const TOKEN_PREFIX = 'emu1:';

function encodeToken(lastId: string): string {
  return Buffer.from(TOKEN_PREFIX + lastId, 'utf8').toString('base64url');
}

function decodeToken(token: unknown): string | undefined {
  if (token === undefined || token === '') return undefined;
  if (typeof token !== 'string') throw badRequest('paginationToken must be a string');
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (!decoded.startsWith(TOKEN_PREFIX)) throw badRequest('Invalid pagination token');
  return decoded.slice(TOKEN_PREFIX.length);
}

function parseLimit(value: unknown): number {
  if (value === undefined || value === '') return 100;
  const limit = typeof value === 'string' ? Number(value) : value;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw badRequest(`limit must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return limit;
}

/** Sorted records of a namespace after a token, with a prefix and/or a filter, one page at a time. */
function page(
  index: EmulatedIndex,
  namespace: string,
  options: { prefix?: string; predicate?: Predicate; limit: number; after: string | undefined },
): { records: StoredRecord[]; next: string | undefined } {
  const { prefix, predicate, limit, after } = options;
  const candidates = [...(index.records(namespace)?.values() ?? [])].filter(
    (record) =>
      (prefix === undefined || record.id.startsWith(prefix)) &&
      (after === undefined || compareIds(record.id, after) > 0) &&
      (predicate === undefined || predicate(record.metadata)),
  );
  candidates.sort((a, b) => compareIds(a.id, b.id));
  const records = candidates.slice(0, limit);
  const last = records.at(-1);
  return { records, next: candidates.length > limit && last ? encodeToken(last.id) : undefined };
}

/**
 * `GET /vectors/list?prefix=&limit=&paginationToken=&namespace=`: ids in bitwise "C" order, 100 per page
 * by default, with `pagination.next` while more remain.
 */
export function list(index: EmulatedIndex, params: URLSearchParams): unknown {
  const namespace = validateNamespace(params.get('namespace') ?? undefined);
  const prefix = params.get('prefix') ?? undefined;
  const { records, next } = page(index, namespace, {
    prefix: prefix === '' ? undefined : prefix,
    limit: parseLimit(params.get('limit') ?? undefined),
    after: decodeToken(params.get('paginationToken') ?? undefined),
  });
  return {
    vectors: records.map((record) => ({ id: record.id })),
    ...(next === undefined ? {} : { pagination: { next } }),
    namespace,
    usage: USAGE,
  };
}

/** `POST /vectors/fetch_by_metadata`: records matching a filter, in id order, paginated. */
export function fetchByMetadata(index: EmulatedIndex, body: Body): unknown {
  const namespace = validateNamespace(field(body, 'namespace'));
  const { records, next } = page(index, namespace, {
    predicate: optionalFilter(body),
    limit: parseLimit(field(body, 'limit')),
    after: decodeToken(field(body, 'paginationToken', 'pagination_token')),
  });
  const vectors: Record<string, unknown> = {};
  for (const record of records) vectors[record.id] = copyRecord(record, true, true);
  return { vectors, namespace, usage: USAGE, ...(next === undefined ? {} : { pagination: { next } }) };
}

/**
 * `POST /describe_index_stats` → per-namespace counts. Serverless indexes reject a metadata filter here
 * (the spec says so), and so does the emulator.
 */
export function describeIndexStats(index: EmulatedIndex, body: Body): unknown {
  if (field(body, 'filter') !== undefined) {
    throw badRequest(
      'Serverless and starter indexes do not support describing index stats with metadata filtering.',
    );
  }
  const namespaces: Record<string, { vectorCount: number }> = {};
  let total = 0;
  const names = [...index.namespaces.keys()].sort(compareIds);
  for (const name of names) {
    const count = index.namespaces.get(name)?.size ?? 0;
    if (count === 0) continue;
    namespaces[name] = { vectorCount: count };
    total += count;
  }
  return {
    namespaces,
    dimension: index.config.dimension,
    indexFullness: 0,
    totalVectorCount: total,
    metric: index.config.metric,
    vectorType: 'dense',
  };
}
