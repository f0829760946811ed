import { OrchError } from '../errors/orch-error.js';
import type { Metadata } from '../filter/filter.js';
import { validateText } from '../util/well-formed.js';

const METADATA_KEY = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
export const METADATA_KEY_RULE =
  'a letter or underscore, then letters, digits, "_" or "-", at most 64 characters';
/** Serialized size limit, chosen to fit the strictest backend (Pinecone allows 40 KB per record). */
export const MAX_METADATA_BYTES = 40_000;

export function isValidMetadataKey(key: string): boolean {
  return METADATA_KEY.test(key);
}

/**
 * Check that metadata is flat and scalar (string, finite number, boolean) with valid keys.
 * `null`, nested objects and arrays are rejected rather than silently dropped or coerced.
 */
export function validateMetadata(metadata: unknown, where: string): Metadata {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new OrchError('ORCH_INVALID_INPUT', `${where}: metadata must be a plain object of scalar values.`, {
      kind: 'vector',
    });
  }
  // An upper bound of the JSON size, counted on the way: a key (checked to be ASCII) takes its
  // length plus quotes, colon and comma; a string at most 6 bytes per UTF-16 unit (an escape)
  // plus quotes; a number at most 25 characters, a boolean 5. Only metadata that may be over the
  // limit is serialized to measure it exactly.
  let bound = 2;
  const record = metadata as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (!isValidMetadataKey(key)) {
      throw new OrchError(
        'ORCH_INVALID_INPUT',
        `${where}: metadata key ${JSON.stringify(key)} is not valid: ${METADATA_KEY_RULE}.`,
        { kind: 'vector' },
      );
    }
    if (typeof value === 'string') validateText(value, `${where}: metadata.${key}`, 'vector');
    const ok =
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!ok) {
      throw new OrchError(
        'ORCH_INVALID_INPUT',
        `${where}: metadata.${key} must be a string, a finite number or a boolean (got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'number' ? String(value) : typeof value}); omit the key to leave it unset.`,
        { kind: 'vector' },
      );
    }
    bound += key.length + 4 + (typeof value === 'string' ? value.length * 6 + 2 : 25);
  }
  if (bound > MAX_METADATA_BYTES) {
    const bytes = Buffer.byteLength(JSON.stringify(metadata));
    if (bytes > MAX_METADATA_BYTES) {
      throw new OrchError(
        'ORCH_INVALID_INPUT',
        `${where}: metadata is ${bytes} bytes; the limit is ${MAX_METADATA_BYTES}.`,
        { kind: 'vector' },
      );
    }
  }
  return metadata as Metadata;
}
