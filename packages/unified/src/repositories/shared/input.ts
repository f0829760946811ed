import { isOrchError } from '@orch/core';
import { validateText } from '@orch/core/adapter-kit';
import { invalidInput } from '../repository-errors.js';
import type { JsonObject } from '../repository-types.js';

/** Longest id accepted anywhere (ids are application strings or generated UUIDs). */
export const MAX_ID_LENGTH = 200;
/** Default and maximum page sizes of every list/query method. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;

/** A point in time accepted by filters and cleanup: a `Date` or an ISO-8601 string. */
export type TimeInput = Date | string;

/**
 * Reads one input object field by field, rejecting anything unexpected with `ORCH_INVALID_INPUT`
 * naming the field as `<what>.<field>` (e.g. `task.title`). Unknown keys are rejected too, so a
 * typo (`stauts`) fails loudly instead of being ignored.
 */
export class InputReader {
  readonly #obj: Record<string, unknown>;
  readonly #what: string;

  constructor(value: unknown, what: string, allowed: readonly string[]) {
    if (!isPlainObject(value)) throw invalidInput(what, 'an object', value);
    this.#obj = value;
    this.#what = what;
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key) && value[key] !== undefined) {
        throw invalidInput(`${what}.${key}`, `one of the known fields (${allowed.join(', ')})`);
      }
    }
  }

  has(field: string): boolean {
    return this.#obj[field] !== undefined;
  }

  field(field: string): string {
    return `${this.#what}.${field}`;
  }

  raw(field: string): unknown {
    return this.#obj[field];
  }

  string(field: string, options: { required: true; max?: number }): string;
  string(field: string, options?: { required?: false; max?: number }): string | undefined;
  string(field: string, options: { required?: boolean; max?: number } = {}): string | undefined {
    const v = this.#obj[field];
    if (v === undefined) {
      if (options.required) throw invalidInput(this.field(field), 'a non-empty string');
      return undefined;
    }
    return checkText(v, this.field(field), options.max ?? 10_000, true);
  }

  /** A string that must be given (it may be empty unless `nonEmpty`). */
  requiredText(field: string, max: number, nonEmpty: boolean): string {
    const v = this.#obj[field];
    if (v === undefined) throw invalidInput(this.field(field), nonEmpty ? 'a non-empty string' : 'a string');
    return checkText(v, this.field(field), max, nonEmpty);
  }

  /** A string that may be empty (descriptions, results). */
  text(field: string, max = 1_000_000): string | undefined {
    const v = this.#obj[field];
    if (v === undefined) return undefined;
    return checkText(v, this.field(field), max, false);
  }

  /** A string, `null` (clear it) or absent. */
  nullableString(field: string, max = 10_000): string | null | undefined {
    const v = this.#obj[field];
    if (v === undefined || v === null) return v as null | undefined;
    return checkText(v, this.field(field), max, true);
  }

  nullableText(field: string, max = 1_000_000): string | null | undefined {
    const v = this.#obj[field];
    if (v === undefined || v === null) return v as null | undefined;
    return checkText(v, this.field(field), max, false);
  }

  id(field: string): string | undefined {
    const v = this.#obj[field];
    return v === undefined ? undefined : checkId(v, this.field(field));
  }

  nullableId(field: string): string | null | undefined {
    const v = this.#obj[field];
    if (v === undefined || v === null) return v as null | undefined;
    return checkId(v, this.field(field));
  }

  int(field: string, min = -2_147_483_648, max = 2_147_483_647): number | undefined {
    const v = this.#obj[field];
    if (v === undefined) return undefined;
    return checkInt(v, this.field(field), min, max);
  }

  bool(field: string): boolean | undefined {
    const v = this.#obj[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw invalidInput(this.field(field), 'true or false', v);
    return v;
  }

  oneOf<T extends string>(field: string, values: readonly T[]): T | undefined {
    const v = this.#obj[field];
    if (v === undefined) return undefined;
    return checkOneOf(v, this.field(field), values);
  }

  object(field: string): JsonObject | undefined {
    const v = this.#obj[field];
    if (v === undefined) return undefined;
    return checkJsonObject(v, this.field(field));
  }

  stringArray(field: string, maxItems = 1000): string[] | undefined {
    const v = this.#obj[field];
    if (v === undefined) return undefined;
    return checkStringArray(v, this.field(field), maxItems);
  }

  /** An array of ids (each checked like {@link id}), at most `maxItems` long. */
  idArray(field: string, maxItems = 10_000): string[] | undefined {
    const v = this.#obj[field];
    if (v === undefined) return undefined;
    const name = this.field(field);
    if (!Array.isArray(v) || v.length > maxItems)
      throw invalidInput(name, `an array of at most ${maxItems} task ids`, v);
    return v.map((id, i) => checkId(id, `${name}[${i}]`));
  }

  time(field: string): string | undefined {
    const v = this.#obj[field];
    if (v === undefined) return undefined;
    return toIso(v, this.field(field));
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function checkText(value: unknown, field: string, max: number, nonEmpty: boolean): string {
  if (typeof value !== 'string' || (nonEmpty && value.trim() === '') || value.length > max) {
    throw invalidInput(field, `${nonEmpty ? 'a non-empty' : 'a'} string of at most ${max} characters`, value);
  }
  return wellFormed(value, field);
}

export function checkId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ID_LENGTH) {
    throw invalidInput(field, `a non-empty id string of at most ${MAX_ID_LENGTH} characters`, value);
  }
  return wellFormed(value, field);
}

/**
 * A string every store keeps as given: a lone UTF-16 surrogate (which UTF-8 engines would turn
 * into U+FFFD) is `ORCH_INVALID_INPUT` naming the field, before anything is written.
 */
export function wellFormed(value: string, field: string): string {
  if (value.isWellFormed()) return value;
  try {
    return validateText(value, field, 'operational');
  } catch (err) {
    throw isOrchError(err) ? err.withDetails({ field }) : err;
  }
}

export function checkInt(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidInput(field, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

export function checkOneOf<T extends string>(value: unknown, field: string, values: readonly T[]): T {
  if (typeof value !== 'string' || !values.includes(value as T)) {
    throw invalidInput(field, `one of ${values.join(', ')}`, value);
  }
  return value as T;
}

export function checkStringArray(value: unknown, field: string, maxItems = 1000): string[] {
  if (!Array.isArray(value) || value.length > maxItems) {
    throw invalidInput(field, `an array of at most ${maxItems} strings`, value);
  }
  value.forEach((item, i) => {
    checkText(item, `${field}[${i}]`, 10_000, true);
  });
  return [...value] as string[];
}

/** A JSON object: plain, serializable (no cycles, bigints or functions). */
export function checkJsonObject(value: unknown, field: string): JsonObject {
  if (!isPlainObject(value)) throw invalidInput(field, 'a plain JSON object', value);
  toJsonText(value, field);
  return value;
}

/** `JSON.stringify`, rejecting values JSON cannot hold. */
export function toJsonText(value: unknown, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    throw invalidInput(field, 'a JSON-serializable value (no cycles or bigints)');
  }
  if (text === undefined) throw invalidInput(field, 'a JSON-serializable value', value);
  return text;
}

/** A `Date` or a parseable date string, as ISO-8601 UTC text (how every timestamp is stored). */
export function toIso(value: unknown, field: string): string {
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? new Date(value)
        : undefined;
  if (!date || Number.isNaN(date.getTime()))
    throw invalidInput(field, 'a Date or an ISO-8601 date string', value);
  return date.toISOString();
}

/** `limit` / `offset` of a list call, with defaults and bounds. */
export function paging(limit: unknown, offset: unknown, what: string): { limit: number; offset: number } {
  return {
    limit: limit === undefined ? DEFAULT_LIMIT : checkInt(limit, `${what}.limit`, 1, MAX_LIMIT),
    offset: offset === undefined ? 0 : checkInt(offset, `${what}.offset`, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** A LIKE pattern matching `text` anywhere, with `%`, `_` and `\` escaped (use with `ESCAPE '\'`). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Normalize a count/number column (PostgreSQL returns bigint and numeric as strings). */
export function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value);
}

export function numOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Shallow merge: keys given replace, keys set to `undefined` are removed, others stay. */
export function mergeMetadata(current: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}
