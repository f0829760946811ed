import { createHash, randomBytes } from 'node:crypto';
import type {
  Include,
  Metadata,
  NormalizedVectorRecord,
  StoredVectorRecord,
  VectorMetric,
} from '@orch/core/adapter-kit';
import type { PineconeRecord, RecordMetadata } from '@pinecone-database/pinecone';

/** Pinecone's names for orch's metrics. */
export type PineconeMetric = 'cosine' | 'euclidean' | 'dotproduct';

const TO_PINECONE: Readonly<Record<VectorMetric, PineconeMetric>> = {
  cosine: 'cosine',
  l2: 'euclidean',
  ip: 'dotproduct',
};

export function toPineconeMetric(metric: VectorMetric): PineconeMetric {
  return TO_PINECONE[metric];
}

/** orch's metric for a Pinecone index metric, or `undefined` for one orch does not know. */
export function fromPineconeMetric(metric: string | undefined): VectorMetric | undefined {
  switch (metric) {
    case 'cosine':
      return 'cosine';
    case 'euclidean':
      return 'l2';
    case 'dotproduct':
      return 'ip';
    default:
      return undefined;
  }
}

/**
 * The metric's distance as orch defines it, from the score Pinecone reports:
 * - cosine: Pinecone's score is the cosine similarity; distance = 1 − score;
 * - euclidean: Pinecone's score is the SQUARED Euclidean distance; distance = √score;
 * - dotproduct: Pinecone's score is the dot product; distance = 1 − score.
 * orch's normalized score is then derived from the distance by core (`scoreFromDistance`).
 */
export function distanceFromScore(metric: VectorMetric, score: number): number {
  switch (metric) {
    case 'cosine':
    case 'ip':
      return 1 - score;
    case 'l2':
      return Math.sqrt(Math.max(0, score));
  }
}

/**
 * The metadata key under which a record's `document` is stored when it fits in the record's
 * 40 KB of metadata. orch metadata keys start with a letter or "_" and contain no ":", so no user
 * key can collide with the `orch:` keys, and no orch filter can name them.
 */
export const DOCUMENT_KEY = 'orch:document';
/** Set instead of {@link DOCUMENT_KEY} when the document did not fit: the number of parts… */
export const DOCUMENT_PARTS_KEY = 'orch:document_parts';
/** …and the version of the part records that hold it. */
export const DOCUMENT_VERSION_KEY = 'orch:document_version';
/** Metadata of a part record (in the collection's document namespace). */
export const PART_RECORD_KEY = 'orch:record';
export const PART_VERSION_KEY = 'orch:version';
export const PART_INDEX_KEY = 'orch:part';
export const PART_TEXT_KEY = 'orch:text';
/** Every key the adapter adds to metadata starts with this; no orch metadata key can. */
export const RESERVED_PREFIX = 'orch:';

/** Pinecone's limit on a record's metadata: 40 KB (40,960 bytes of JSON), the document included. */
export const MAX_PINECONE_METADATA_BYTES = 40 * 1024;
/** The longest document the store accepts, in bytes of JSON text (then split into up to 55 parts). */
export const MAX_DOCUMENT_BYTES = 2_000_000;
/**
 * JSON bytes of document text per part record: the part's other metadata (a 512-character id
 * at worst 3,072 bytes of JSON, and the part keys) stays under 40,960 bytes with it.
 */
export const PART_TEXT_BYTES = 37_000;

/** Bytes of one code point in JSON text (UTF-8, with JSON's escapes). */
function jsonCodePointBytes(code: number): number {
  if (code === 0x22 || code === 0x5c) return 2;
  if (code < 0x20)
    return code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d ? 2 : 6;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code < 0x10000) return 3;
  return 4;
}

/** Bytes of `text` as a JSON string, quotes included. */
export function jsonStringBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text));
}

/**
 * Split a document into parts of at most `maxBytes` bytes of JSON each, never inside a code
 * point (so a surrogate pair stays whole), in order.
 */
export function splitDocument(text: string, maxBytes = PART_TEXT_BYTES): string[] {
  const parts: string[] = [];
  let start = 0;
  let bytes = 2;
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i)!;
    const units = code > 0xffff ? 2 : 1;
    const size = jsonCodePointBytes(code);
    if (bytes + size > maxBytes && i > start) {
      parts.push(text.slice(start, i));
      start = i;
      bytes = 2;
    }
    bytes += size;
    i += units;
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * Pinecone refuses dense vectors whose components are all zero; orch accepts them for `l2` and
 * `ip` (cosine refuses them itself). Such a vector is sent as `[2^-100, 0, …, 0]` instead: the
 * distance to any other vector changes by at most 2^-100 · |v| (far below float32 precision), the
 * value is exact in float32, and reading the record back gives the zeros again.
 */
export const ZERO_VECTOR_STANDIN = 2 ** -100;

/**
 * The values to send for `vector`: the vector itself, or the stand-in for an all-zero vector. Its
 * JSON size bound (see {@link valuesJsonBound}) is measured in the same pass and remembered for
 * request planning.
 */
export function toPineconeValues(vector: number[]): number[] {
  let nonZero = false;
  let bytes = 2;
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i]!;
    if (x !== 0) nonZero = true;
    bytes += numberJsonBound(x) + 1;
  }
  if (!nonZero) return vector.map((_, i) => (i === 0 ? ZERO_VECTOR_STANDIN : 0));
  MEASURED.set(vector, bytes);
  return vector;
}

/** The JSON size bounds already computed for value arrays. */
const MEASURED = new WeakMap<readonly number[], number>();

/** The vector as orch stored it (zeros for the stand-in). */
export function fromPineconeValues(values: readonly number[] | undefined): number[] {
  const out = values ? Array.from(values) : [];
  if (out.length === 0 || out[0] !== ZERO_VECTOR_STANDIN) return out;
  for (let i = 1; i < out.length; i++) if (out[i] !== 0) return out;
  out[0] = 0;
  return out;
}

/** Pinecone metadata for a record: orch's metadata plus the document under {@link DOCUMENT_KEY}. */
export function toPineconeMetadata(
  metadata: Metadata | undefined,
  document: string | undefined,
): RecordMetadata | undefined {
  if (document === undefined) return metadata;
  return { ...metadata, [DOCUMENT_KEY]: document };
}

/** The JSON size in bytes of a record's Pinecone metadata (what the 40 KB limit is measured on). */
export function metadataBytes(metadata: RecordMetadata | undefined): number {
  return metadata === undefined ? 0 : Buffer.byteLength(JSON.stringify(metadata));
}

/** The id of part `k` of a spilled document (any record id, up to 512 characters, fits). */
export function partId(id: string, version: string, k: number): string {
  return `${createHash('sha256').update(id).digest('hex').slice(0, 32)}:${version}:${k}`;
}

/** The vector part records carry: a unit vector (they are never searched, only fetched). */
export function partValues(dimension: number): number[] {
  const values = new Array<number>(dimension).fill(0);
  values[0] = 1;
  return values;
}

/** A record as sent: the record itself, and the part records of its document if it spilled. */
export interface OutgoingRecord {
  readonly record: PineconeRecord;
  readonly parts: readonly PineconeRecord[];
  readonly version?: string;
}

/**
 * A record in Pinecone's shape. Its document goes inline under {@link DOCUMENT_KEY} when
 * metadata and document fit in 40,960 bytes of JSON; otherwise it is split into part records
 * (for the collection's document namespace) and the record carries only their count and version.
 */
export function toPineconeRecord(
  record: NormalizedVectorRecord,
  dimension: number,
  newVersion: () => string = () => randomBytes(6).toString('hex'),
): OutgoingRecord {
  const values = toPineconeValues(record.vector);
  const inline = toPineconeMetadata(record.metadata, record.document);
  if (inline === undefined) return { record: { id: record.id, values }, parts: [] };
  if (record.document === undefined || metadataBytes(inline) <= MAX_PINECONE_METADATA_BYTES)
    return { record: { id: record.id, values, metadata: inline }, parts: [] };
  const version = newVersion();
  const texts = splitDocument(record.document);
  const unit = partValues(dimension);
  const parts = texts.map((text, k) => ({
    id: partId(record.id, version, k),
    values: unit,
    metadata: {
      [PART_RECORD_KEY]: record.id,
      [PART_VERSION_KEY]: version,
      [PART_INDEX_KEY]: k,
      [PART_TEXT_KEY]: text,
    },
  }));
  return {
    record: {
      id: record.id,
      values,
      metadata: { ...record.metadata, [DOCUMENT_PARTS_KEY]: texts.length, [DOCUMENT_VERSION_KEY]: version },
    },
    parts,
    version,
  };
}

/**
 * A fetched or matched Pinecone record as orch returns it, with only the fields asked for.
 * `spilledDocument` is the document reassembled from part records, when it did not fit inline.
 */
export function fromPineconeRecord(
  id: string,
  values: readonly number[] | undefined,
  metadata: RecordMetadata | undefined,
  include: Required<Include>,
  spilledDocument?: string,
): StoredVectorRecord {
  const out: { id: string; vector?: number[]; metadata?: Metadata; document?: string } = { id };
  if (include.vectors) out.vector = fromPineconeValues(values);
  if (include.metadata) {
    const own: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(metadata ?? {}))
      if (!key.startsWith(RESERVED_PREFIX)) own[key] = value;
    out.metadata = own as Metadata;
  }
  if (include.documents) {
    const inline = metadata?.[DOCUMENT_KEY];
    if (typeof inline === 'string') out.document = inline;
    else if (spilledDocument !== undefined) out.document = spilledDocument;
  }
  return out;
}

/** The part records of a spilled document, as `{ parts, version }`, or undefined when inline. */
export function spilledParts(
  metadata: RecordMetadata | undefined,
): { parts: number; version: string } | undefined {
  const parts = metadata?.[DOCUMENT_PARTS_KEY];
  const version = metadata?.[DOCUMENT_VERSION_KEY];
  return typeof parts === 'number' && typeof version === 'string' ? { parts, version } : undefined;
}

/** Pinecone's request limits, the smaller reading where its documentation is ambiguous. */
export const LIMITS = {
  /** Records per upsert request. */
  upsertRecords: 1000,
  /** Request body bytes per upsert: "2 MB", read as 2,000,000 (under 2 MiB too). */
  upsertBytes: 2_000_000,
  /** Ids per fetch or delete request. */
  idsPerRequest: 1000,
  /** Bytes of `ids=…&` query string per fetch (the ids travel in the URL). */
  fetchQueryBytes: 8_000,
  /** Response bytes of a query: "4 MB", read as 4,000,000. */
  queryResponseBytes: 4_000_000,
  /** Dense index dimension. */
  maxDimension: 20_000,
  /** Namespace name length. */
  namespaceLength: 512,
  /** Records per fetch_by_metadata page when counting with a filter (the service allows 10,000). */
  countPage: 1000,
} as const;

/**
 * The longest JSON text of one vector component plus its comma: a JavaScript number prints in at
 * most 25 characters (`-0.0000012345678901234567`). Used where the values are not known yet.
 */
const MAX_COMPONENT_BYTES = 26;

/**
 * The longest JSON text a number of `x`'s magnitude can have. JavaScript prints the shortest
 * text that reads back as the same double: at most 17 significant digits, in fixed notation from
 * 1e-6 up to 1e21 and in exponent notation outside. So in [0.1, 1) at most `0.` + 17 digits, in
 * [0.01, 0.1) one leading zero more, and so on: a bound within a character or two of the real
 * length for the usual embedding values, found with a few comparisons instead of printing.
 */
export function numberJsonBound(x: number): number {
  const sign = x < 0 ? 1 : 0;
  const a = x < 0 ? -x : x;
  if (a >= 0.1) {
    if (a < 1) return sign + 19;
    if (a < 1e17) return sign + 18; // 17 digits and a point
    if (a < 1e21) return sign + 21; // an integer of up to 21 digits
    return sign + 24; // d.dddddddddddddddde+XXX
  }
  if (a === 0) return 1;
  if (a >= 0.01) return sign + 20;
  if (a >= 0.001) return sign + 21;
  if (a >= 0.0001) return sign + 22;
  if (a >= 0.00001) return sign + 23;
  if (a >= 0.000001) return sign + 24;
  return sign + 24; // d.dddddddddddddddde-XXX
}

/** An upper bound of `JSON.stringify(values).length`, brackets included. */
export function valuesJsonBound(values: readonly number[]): number {
  const known = MEASURED.get(values);
  if (known !== undefined) return known;
  let bytes = 2;
  for (let i = 0; i < values.length; i++) bytes += numberJsonBound(values[i]!) + 1;
  return bytes;
}

/** `{"id":,"values":[],"metadata":}` plus the comma between records. */
const RECORD_OVERHEAD_BYTES = 40;
/** `{"vectors":[],"namespace":}` */
const ENVELOPE_BYTES = 30;

/**
 * An upper bound of the JSON size of one record in an upsert body: id and metadata measured
 * exactly, the values by {@link valuesJsonBound} (printing them would cost as much as the
 * client's own serialization).
 */
export function recordJsonBound(
  record: PineconeRecord,
  metadataSize = metadataBytes(record.metadata),
): number {
  return (
    RECORD_OVERHEAD_BYTES +
    Buffer.byteLength(JSON.stringify(record.id)) +
    (record.values ? valuesJsonBound(record.values) : 0) +
    metadataSize
  );
}

/**
 * Split records into upsert requests of at most {@link LIMITS.upsertRecords} records and
 * {@link LIMITS.upsertBytes} bytes of JSON body, in order.
 */
export function planUpsertBatches(
  records: readonly PineconeRecord[],
  namespace: string,
  limits: { records: number; bytes: number } = { records: LIMITS.upsertRecords, bytes: LIMITS.upsertBytes },
): PineconeRecord[][] {
  const envelope = ENVELOPE_BYTES + Buffer.byteLength(JSON.stringify(namespace));
  const batches: PineconeRecord[][] = [];
  let current: PineconeRecord[] = [];
  let size = envelope;
  for (const record of records) {
    const bytes = recordJsonBound(record);
    if (current.length > 0 && (current.length >= limits.records || size + bytes > limits.bytes)) {
      batches.push(current);
      current = [];
      size = envelope;
    }
    current.push(record);
    size += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Split ids for fetch: at most 1,000 per request and at most {@link LIMITS.fetchQueryBytes} of URL. */
export function planFetchBatches(ids: readonly string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const id of ids) {
    const bytes = 5 + encodeURIComponent(id).length; // `ids=` + id + `&`
    if (
      current.length > 0 &&
      (current.length >= LIMITS.idsPerRequest || size + bytes > LIMITS.fetchQueryBytes)
    ) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(id);
    size += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Consecutive slices of at most `size` items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * An estimate, from above for the parts that vary, of a query response's size: per match a
 * typical id and score (600 bytes), the values when asked for and up to 40 KB of metadata when
 * asked for. Over {@link LIMITS.queryResponseBytes} the store asks for ids and scores only and
 * fetches values and metadata separately (Pinecone refuses a query result over 4 MB).
 */
export function queryResponseBound(
  topK: number,
  dimension: number,
  withValues: boolean,
  withMetadata: boolean,
): number {
  const perMatch =
    600 +
    (withValues ? dimension * MAX_COMPONENT_BYTES : 0) +
    (withMetadata ? MAX_PINECONE_METADATA_BYTES + 16 : 0);
  return 200 + topK * perMatch;
}
