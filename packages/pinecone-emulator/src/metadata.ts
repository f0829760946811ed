import { badRequest } from './errors.js';
import { isPlainObject } from './filter.js';

/** A metadata value Pinecone accepts: string, number, boolean or list of strings. */
export type MetadataValue = string | number | boolean | string[];

/** A record's metadata: a flat JSON object. */
export type Metadata = Record<string, MetadataValue>;

/** Documented limits of Pinecone's data plane that the emulator enforces. */
export const LIMITS = {
  /** Max request body size (upsert batches included): 2 MB. */
  maxRequestBytes: 2 * 1024 * 1024,
  /** Max records per upsert request. */
  maxUpsertRecords: 1000,
  /** Max record ids per fetch or delete request. */
  maxIdsPerRequest: 1000,
  /** Max metadata size per record: 40 KB. */
  maxMetadataBytes: 40 * 1024,
  /** Max length of a record id, in characters. */
  maxIdLength: 512,
  /** Max length of a namespace name, in characters. */
  maxNamespaceLength: 512,
  /** `topK` range of a query. */
  minTopK: 1,
  maxTopK: 10_000,
  /** Max dense vector dimension. */
  maxDimension: 20_000,
  /** Max size of a query result. */
  maxQueryResultBytes: 4 * 1024 * 1024,
} as const;

/**
 * Validates a record's metadata: a JSON object whose values are strings, finite numbers, booleans or
 * lists of strings, at most 40 KB as JSON. `null` or absent metadata means none.
 *
 * @throws {EmulatorApiError} 400 with Pinecone's messages ("Metadata value must be a string, number,
 * boolean or list of strings, got '…' for field '…'", "Metadata size is N bytes, which exceeds the limit
 * of 40960 bytes per vector").
 */
export function validateMetadata(value: unknown): Metadata | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    throw badRequest(`Metadata must be a JSON object, got ${preview(value)}`);
  }
  for (const [key, field] of Object.entries(value)) {
    if (!isMetadataValue(field)) {
      throw badRequest(
        `Metadata value must be a string, number, boolean or list of strings, got '${preview(field)}' for field '${key}'`,
      );
    }
  }
  const size = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (size > LIMITS.maxMetadataBytes) {
    throw badRequest(
      `Metadata size is ${size} bytes, which exceeds the limit of ${LIMITS.maxMetadataBytes} bytes per vector`,
    );
  }
  return value as Metadata;
}

function isMetadataValue(value: unknown): value is MetadataValue {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  return Array.isArray(value) && value.every((element) => typeof element === 'string');
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 20 ? `${text.slice(0, 20)}...` : text;
}

/**
 * Validates a record id: a non-empty string of at most 512 characters without NUL.
 *
 * @throws {EmulatorApiError} 400.
 */
export function validateId(value: unknown, what = 'Vector ID'): string {
  if (typeof value !== 'string') {
    throw badRequest(`${what} must be a string, got ${value === undefined ? 'nothing' : preview(value)}`);
  }
  if (value.length === 0) throw badRequest(`${what} must not be empty`);
  if (codePointLength(value) > LIMITS.maxIdLength) {
    throw badRequest(
      `${what} '${preview(value)}' exceeds the maximum length of ${LIMITS.maxIdLength} characters`,
    );
  }
  if (value.includes('\0')) throw badRequest(`${what} must not contain the NUL character`);
  return value;
}

/** The name Pinecone accepts as an alias of the default namespace. */
export const DEFAULT_NAMESPACE_ALIAS = '__default__';

/**
 * Validates a namespace name (absent means the default namespace `""`, and so does `"__default__"`).
 *
 * @throws {EmulatorApiError} 400 for a non-string, a name over 512 characters or one containing NUL.
 */
export function validateNamespace(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw badRequest(`Namespace must be a string, got ${preview(value)}`);
  if (codePointLength(value) > LIMITS.maxNamespaceLength) {
    throw badRequest(`Namespace name exceeds the maximum length of ${LIMITS.maxNamespaceLength} characters`);
  }
  if (value.includes('\0')) throw badRequest('Namespace name must not contain the NUL character');
  return value === DEFAULT_NAMESPACE_ALIAS ? '' : value;
}

/**
 * Validates dense vector values against the index dimension.
 *
 * @throws {EmulatorApiError} 400 "Vector dimension N does not match the dimension of the index D" (the
 * service's message), or for non-numeric values.
 */
export function validateValues(value: unknown, dimension: number, label = 'Vector'): number[] {
  if (!Array.isArray(value)) {
    throw badRequest(`${label} values must be an array of numbers, got ${preview(value)}`);
  }
  for (const element of value) {
    if (typeof element !== 'number' || !Number.isFinite(element)) {
      throw badRequest(`${label} values must be finite numbers, found ${preview(element)}`);
    }
  }
  if (value.length !== dimension) {
    throw badRequest(
      `${label} dimension ${value.length} does not match the dimension of the index ${dimension}`,
    );
  }
  return value as number[];
}

/** Number of Unicode code points (what a JSON Schema `maxLength` counts). */
function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * Compares two ids in bitwise "C" collation of their UTF-8 bytes (the order of `list`), which is
 * Unicode code point order. Used for `list` and to break score ties deterministically.
 */
export function compareIds(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return codePointRank(ca) - codePointRank(cb);
  }
  return a.length - b.length;
}

/** Maps a UTF-16 code unit so that surrogates (supplementary code points) sort after U+E000–U+FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
