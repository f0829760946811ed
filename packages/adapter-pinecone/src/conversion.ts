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

/**
 * Bytes of `text` as a JSON string, quotes included: exactly what
 * `Buffer.byteLength(JSON.stringify(text))` gives (a lone surrogate is escaped as `\uXXXX`),
 * counted without building the JSON text.
 */
export function jsonStringBytes(text: string): number {
  let bytes = 2;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes += c >= 0x20 ? (c === 0x22 || c === 0x5c ? 2 : 1) : jsonCodePointBytes(c);
    } else if (c < 0x800) {
      bytes += 2;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 6; // a lone surrogate: JSON.stringify writes \udXXX
      }
    } else {
      bytes += 3;
    }
  }
  return bytes;
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
 * The values to send for `vector`: the vector itself (not copied: core's validation already
 * made the copy the store owns), or the stand-in for an all-zero vector.
 */
export function toPineconeValues(vector: number[]): number[] {
  // Usually decided by the first component.
  for (let i = 0; i < vector.length; i++) if (vector[i] !== 0) return vector;
  return vector.map((_, i) => (i === 0 ? ZERO_VECTOR_STANDIN : 0));
}

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

/**
 * An upper bound of {@link metadataBytes}, without building the JSON text: keys, strings and
 * booleans are counted exactly, numbers by {@link numberJsonBound}, anything else (not orch
 * metadata, which is flat) by printing it. `extraKey` / `extraValue` count one more entry (the
 * inline document) as if it were in `metadata`. Where the limit matters, a bound over it is
 * followed by the exact {@link metadataBytes}.
 */
export function metadataJsonBound(
  metadata: Readonly<Record<string, unknown>> | undefined,
  extraKey?: string,
  extraValue?: string,
): number {
  let bytes = 1; // `{`, and per entry a `,` or the closing `}`
  let entries = 0;
  if (metadata !== undefined) {
    for (const key of Object.keys(metadata)) {
      const value = metadata[key];
      if (value === undefined) continue; // left out by JSON.stringify
      bytes += jsonStringBytes(key) + 2 + valueJsonBound(value);
      entries++;
    }
  }
  if (extraKey !== undefined && extraValue !== undefined) {
    bytes += jsonStringBytes(extraKey) + 2 + jsonStringBytes(extraValue);
    entries++;
  }
  return metadata === undefined && entries === 0 ? 0 : entries === 0 ? 2 : bytes;
}

function valueJsonBound(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return jsonStringBytes(value);
    case 'number':
      return numberJsonBound(value);
    case 'boolean':
      return value ? 4 : 5;
    default:
      return Buffer.byteLength(JSON.stringify(value) ?? 'null');
  }
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
  /** An upper bound of the record's JSON in an upsert body (see {@link recordJsonBound}). */
  readonly bytes: number;
  readonly parts: readonly PineconeRecord[];
  readonly version?: string;
}

const NO_PARTS: readonly PineconeRecord[] = Object.freeze([]);

/**
 * A record in Pinecone's shape. Its document goes inline under {@link DOCUMENT_KEY} when
 * metadata and document fit in 40,960 bytes of JSON; otherwise it is split into part records
 * (for the collection's document namespace) and the record carries only their count and version.
 * The record's JSON size bound for request planning is measured on the way.
 */
export function toPineconeRecord(
  record: NormalizedVectorRecord,
  dimension: number,
  newVersion: () => string = () => randomBytes(6).toString('hex'),
): OutgoingRecord {
  const { id, metadata, document } = record;
  const values = toPineconeValues(record.vector);
  const fixed = RECORD_OVERHEAD_BYTES + jsonStringBytes(id) + valuesJsonBound(values);
  if (document === undefined) {
    if (metadata === undefined) return { record: { id, values }, bytes: fixed, parts: NO_PARTS };
    return { record: { id, values, metadata }, bytes: fixed + metadataJsonBound(metadata), parts: NO_PARTS };
  }
  // Inline when it fits: the bound decides when it is within the limit, the exact size otherwise.
  // A document longer than the limit in UTF-16 units cannot fit (each takes a byte at least).
  if (document.length <= MAX_PINECONE_METADATA_BYTES) {
    let size = metadataJsonBound(metadata, DOCUMENT_KEY, document);
    let inline: RecordMetadata | undefined;
    if (size > MAX_PINECONE_METADATA_BYTES) {
      inline = toPineconeMetadata(metadata, document);
      size = metadataBytes(inline);
    }
    if (size <= MAX_PINECONE_METADATA_BYTES) {
      inline ??= toPineconeMetadata(metadata, document);
      return { record: { id, values, metadata: inline! }, bytes: fixed + size, parts: NO_PARTS };
    }
  }
  const version = newVersion();
  const texts = splitDocument(document);
  const unit = partValues(dimension);
  const parts = texts.map((text, k) => ({
    id: partId(id, version, k),
    values: unit,
    metadata: {
      [PART_RECORD_KEY]: id,
      [PART_VERSION_KEY]: version,
      [PART_INDEX_KEY]: k,
      [PART_TEXT_KEY]: text,
    },
  }));
  const own = { ...metadata, [DOCUMENT_PARTS_KEY]: texts.length, [DOCUMENT_VERSION_KEY]: version };
  return {
    record: { id, values, metadata: own },
    bytes: fixed + metadataJsonBound(own),
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
  distance?: number,
): StoredVectorRecord & { distance?: number } {
  // Built in its final shape (distance included), not copied into a bigger object afterwards.
  const out: { id: string; distance?: number; vector?: number[]; metadata?: Metadata; document?: string } =
    distance === undefined ? { id } : { id, distance };
  if (include.vectors) out.vector = fromPineconeValues(values);
  if (include.metadata) {
    const own: Record<string, unknown> = {};
    if (metadata !== undefined)
      for (const key of Object.keys(metadata)) if (!key.startsWith(RESERVED_PREFIX)) own[key] = metadata[key];
    out.metadata = own as Metadata;
  }
  if (include.documents) {
    const inline = metadata?.[DOCUMENT_KEY];
    if (typeof inline === 'string') out.document = inline;
    else if (spilledDocument !== undefined) out.document = spilledDocument;
  }
  return out;
}

/** Matches in orch's order: nearest first, ties by id. */
export function compareMatches(
  a: { id: string; distance: number },
  b: { id: string; distance: number },
): number {
  return a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Whether the matches are already in {@link compareMatches} order (Pinecone's answers usually are). */
export function isInMatchOrder(matches: readonly { id: string; distance: number }[]): boolean {
  for (let i = 1; i < matches.length; i++) if (compareMatches(matches[i - 1]!, matches[i]!) > 0) return false;
  return true;
}

/** A record whose document lives in part records: where to find them. */
export interface SpilledRecord {
  readonly id: string;
  readonly parts: number;
  readonly version: string;
}

/** The records among these whose document was spilled into part records (usually none). */
export function spilledRecords(
  records: readonly { id: string; metadata?: RecordMetadata | undefined }[],
): SpilledRecord[] {
  const out: SpilledRecord[] = [];
  for (const r of records) {
    const spilled = spilledParts(r.metadata);
    if (spilled) out.push({ id: r.id, ...spilled });
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
 * The longest JSON text of a number, by its high 16 bits (sign, the 11 exponent bits and the
 * first 4 mantissa bits): `table[h >>> 16]`, `h` the high 32-bit word of the double. JavaScript
 * prints the shortest text that reads back as the same double: at most 17 significant digits, in
 * fixed notation from 1e-6 up to 1e21 and in exponent notation outside. So the length is set by
 * the decimal exponent, which is the same across one sixteenth of a binade except where a power
 * of ten falls inside it: the bound is the real longest text there (`0.` and 17 digits in
 * [0.1, 1), one leading zero more below 0.1, and so on), a character more for values just above
 * a power of ten. One table look-up per component is several times faster than a chain of
 * comparisons, which the processor mispredicts for components falling on both sides of 0.1 at
 * random. Built on first use (a couple of milliseconds).
 */
let boundByHighBits: Uint8Array | undefined;

/** The two words of a double, to read its sign and exponent. */
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: word 1

function buildBoundTable(): Uint8Array {
  const table = new Uint8Array(65536);
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  const bits = new BigUint64Array(f64.buffer);
  /** The table index of a positive double. */
  const bucket = (x: number): number => {
    f64[0] = x;
    return u32[HIGH]! >>> 16;
  };
  /** The next double up (`step` 1) or down (`step` -1) from a positive finite `x`. */
  const neighbour = (x: number, step: 1 | -1): number => {
    f64[0] = x;
    bits[0] = step === 1 ? bits[0]! + 1n : bits[0]! - 1n;
    return f64[0];
  };
  // The decimal point after n digits: x in [10^(n-1), 10^n), for n from -323 (5e-324) to 309.
  // Each n marks the buckets its range touches, one double wider each way (10 ** k may be a
  // rounding of the power of ten, and a double just below a power can print as the power).
  for (let n = -323; n <= 309; n++) {
    let len = 0;
    for (let k = 1; k <= 17; k++) {
      let l: number;
      if (k <= n && n <= 21)
        l = n; // an integer, padded with zeros
      else if (0 < n && n <= 21)
        l = k + 1; // digits with a point
      else if (-6 < n && n <= 0)
        l = 2 - n + k; // 0.000ddd
      else l = (k === 1 ? 1 : k + 1) + 2 + String(Math.abs(n - 1)).length; // d.ddde±X
      if (l > len) len = l;
    }
    const low = 10 ** (n - 1);
    const high = 10 ** n;
    const first = low <= 5e-324 ? 0 : bucket(neighbour(low, -1));
    const last = Number.isFinite(high) ? bucket(neighbour(high, 1)) : 2046 * 16 + 15;
    for (let j = first; j <= last; j++) if (table[j]! < len) table[j] = len;
  }
  // Infinity and NaN would print as null (never sent: core refuses them).
  for (let j = 2047 * 16; j < 2048 * 16; j++) table[j] = 4;
  for (let j = 0; j < 32768; j++) table[j | 32768] = table[j]! + 1; // negative: a minus sign
  return table;
}

/**
 * The longest JSON text a number of `x`'s sign and magnitude can have (see the table above);
 * integers of up to 21 digits exactly (metadata numbers often are).
 */
export function numberJsonBound(x: number): number {
  if (x === 0) return 1;
  if (Number.isInteger(x) && x < 1e21 && x > -1e21) {
    // a / 10 is rounded, but never below a power of ten (exact up to 1e22) that the exact
    // quotient reaches, so the count is never short.
    let digits = 1;
    for (let a = x < 0 ? -x : x; a >= 10; a /= 10) digits++;
    return digits + (x < 0 ? 1 : 0);
  }
  boundByHighBits ??= buildBoundTable();
  F64[0] = x;
  return boundByHighBits[U32[HIGH]! >>> 16]!;
}

/** An upper bound of `JSON.stringify(values).length`, brackets included. */
export function valuesJsonBound(values: readonly number[]): number {
  const n = values.length;
  let bytes = 1 + n; // `[`, and after each component a `,` or the closing `]`
  if (n === 0) return 2;
  const f64 = F64;
  const u32 = U32;
  const high = HIGH;
  boundByHighBits ??= buildBoundTable();
  const table = boundByHighBits;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (x === 0) bytes += 1;
    else {
      f64[0] = x;
      bytes += table[u32[high]! >>> 16]!;
    }
  }
  return bytes;
}

/**
 * `{"id":,"values":,"metadata":}` plus the comma between records: 30 bytes, exactly what the
 * client's `JSON.stringify` adds around a record's id, values and metadata (no `sparseValues`:
 * orch sends dense vectors only).
 */
const RECORD_OVERHEAD_BYTES = 30;
/** `{"vectors":[],"namespace":}` */
const ENVELOPE_BYTES = 30;

/** The JSON size of an upsert body around its records (`{"vectors":[...],"namespace":"…"}`). */
export function upsertEnvelopeBytes(namespace: string): number {
  return ENVELOPE_BYTES + jsonStringBytes(namespace);
}

/**
 * An upper bound of the JSON size of one record in an upsert body: the id measured exactly, the
 * values by {@link valuesJsonBound} and the metadata by {@link metadataJsonBound} (printing them
 * would cost as much as the client's own serialization).
 */
export function recordJsonBound(record: PineconeRecord): number {
  return (
    RECORD_OVERHEAD_BYTES +
    jsonStringBytes(record.id) +
    (record.values ? valuesJsonBound(record.values) : 0) +
    metadataJsonBound(record.metadata)
  );
}

/** The bounds of one upsert request: records, and bytes of JSON body. */
export interface UpsertLimits {
  readonly records: number;
  readonly bytes: number;
}

/** Pinecone's: {@link LIMITS.upsertRecords} records and {@link LIMITS.upsertBytes} bytes. */
export const UPSERT_LIMITS: UpsertLimits = { records: LIMITS.upsertRecords, bytes: LIMITS.upsertBytes };

/**
 * Whether a record of `bytes` must open a new request, after the `count` records of the request
 * so far, which take `size` bytes with the envelope. A request always takes its first record.
 */
export function startsNewRequest(count: number, size: number, bytes: number, limits: UpsertLimits): boolean {
  return count > 0 && (count >= limits.records || size + bytes > limits.bytes);
}

/** Split records into upsert requests within `limits`, in order (see {@link startsNewRequest}). */
export function planUpsertBatches(
  records: readonly PineconeRecord[],
  namespace: string,
  limits: UpsertLimits = UPSERT_LIMITS,
): PineconeRecord[][] {
  const envelope = upsertEnvelopeBytes(namespace);
  const batches: PineconeRecord[][] = [];
  let start = 0;
  let size = envelope;
  for (let i = 0; i < records.length; i++) {
    const bytes = recordJsonBound(records[i]!);
    if (startsNewRequest(i - start, size, bytes, limits)) {
      batches.push(records.slice(start, i));
      start = i;
      size = envelope;
    }
    size += bytes;
  }
  if (records.length > start) batches.push(records.slice(start));
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
