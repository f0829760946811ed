import { type FilterNode, type MetadataValue, OrchError } from '@orch/core/adapter-kit';

/**
 * Prefix of the presence markers this adapter writes: for each metadata key `f` of a record, the
 * record also carries `orch:has:f: true`. Chroma has no `$exists`, and its `$ne` / `$nin` also
 * match records that lack the field, so presence is tested on the marker (`$eq: true`, and
 * `$ne: true` for absence, which holds where the marker is missing). orch metadata keys never
 * contain ":", so a marker cannot collide with a user key; markers are stripped from everything
 * read back. (One boolean per key: a single list of keys with `$contains` would do too, but list
 * values cost Chroma about 12 % more CPU per upsert, a boolean about 1 %.)
 */
export const PRESENCE_PREFIX = 'orch:has:';

/** The presence marker of a metadata key. */
export function presenceKey(field: string): string {
  return `${PRESENCE_PREFIX}${field}`;
}

/** A Chroma `where` clause as the client takes it. */
export type ChromaWhere = { readonly [key: string]: unknown };

/**
 * A translated filter: `true` matches every record (send no `where`), `false` matches none (send
 * nothing at all: the answer is empty), otherwise the clause to send.
 */
export type ChromaFilter = ChromaWhere | boolean;

const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/**
 * Translate orch's normalized filter tree into a Chroma `where` clause with exactly the results of
 * `matchesFilter` (core's reference evaluator). What Chroma's local server does, and what that
 * asks of the translation (chroma 1.5, the SQLite metadata segment):
 *
 * - Equality is typed: strings, booleans and numbers live in different columns, so `1` never
 *   equals `true` or `"1"`, and string comparison is exact (case and Unicode form matter).
 * - A where object takes one key: several conditions are wrapped in `$and`; an `$and` / `$or`
 *   needs two or more clauses, so a single one is unwrapped; an empty `$in` is refused by the
 *   client, so it is folded to "matches nothing" before anything is sent.
 * - `$ne` and `$nin` are "not in the set of records whose field equals…", so they match records
 *   without the field; orch's do not, so they are ANDed with a presence test on the field's marker
 *   ({@link PRESENCE_PREFIX}).
 *   `$exists` is that presence test.
 * - Integers and floats are separate columns and a query number is compared with both, but a
 *   non-integer query value is truncated to an integer for the integer column (`2.5` equals the
 *   integer 2, `$lt: 2.6` misses 2). A non-integer value is therefore confined to the open
 *   interval between its floor and ceiling (which holds no integer) for the float column and
 *   answered with exact integer bounds outside it. An integer query value is exact on both.
 * - A `$in` list must hold one JSON type, and JSON tells integers from floats: `[1, 2.5]` is
 *   split into an integer list and a float list.
 * - Numbers beyond ±2^53 are refused with `ORCH_UNSUPPORTED_FILTER`: they lose integer precision
 *   on the way to Chroma, so the comparison would not be exact.
 *
 * @example
 * toChromaWhere(normalizeFilter({ color: 'red', n: { $gt: 2 } }));
 * // { $and: [ { color: { $eq: 'red' } }, { n: { $gt: 2 } } ] }
 */
export function toChromaWhere(node: FilterNode | undefined): ChromaFilter {
  if (!node) return true;
  return translate(node);
}

function translate(node: FilterNode): ChromaFilter {
  switch (node.type) {
    case 'and':
      return and(node.children.map(translate));
    case 'or':
      return or(node.children.map(translate));
    case 'exists':
      return node.exists ? present(node.field) : absent(node.field);
    case 'compare':
      return node.op === '$eq' ? equals(node.field, node.value) : notEquals(node.field, node.value);
    case 'range':
      return range(node.field, node.op, exactNumber(node.value, node.field));
    case 'set':
      return node.op === '$in' ? inSet(node.field, node.values) : notInSet(node.field, node.values);
  }
}

function equals(field: string, value: MetadataValue): ChromaFilter {
  if (typeof value !== 'number' || Number.isInteger(exactNumber(value, field)))
    return leaf(field, '$eq', value);
  // The integer column is compared with trunc(value): drop the integers around it.
  return and([leaf(field, '$eq', value), leaf(field, '$nin', neighbours([value]))]);
}

function notEquals(field: string, value: MetadataValue): ChromaFilter {
  if (typeof value !== 'number' || Number.isInteger(exactNumber(value, field)))
    return and([present(field), leaf(field, '$ne', value)]);
  // $ne wrongly drops the integer trunc(value); the integers around a non-integer never equal it.
  return and([present(field), or([leaf(field, '$ne', value), leaf(field, '$in', neighbours([value]))])]);
}

function range(field: string, op: '$gt' | '$gte' | '$lt' | '$lte', value: number): ChromaFilter {
  if (Number.isInteger(value)) return leaf(field, op, value);
  const lo = Math.floor(value);
  const hi = lo + 1;
  // Inside (lo, hi) only floats can be, and the float column compares exactly; outside it the
  // answer is the same for every number, given by an integer bound.
  const between = and([leaf(field, op, value), leaf(field, '$gt', lo), leaf(field, '$lt', hi)]);
  const outside = op === '$gt' || op === '$gte' ? leaf(field, '$gte', hi) : leaf(field, '$lte', lo);
  return or([outside, between]);
}

function inSet(field: string, values: readonly MetadataValue[]): ChromaFilter {
  const unique = dedupe(values);
  if (unique.length === 0) return false;
  if (typeof unique[0] !== 'number') return leaf(field, '$in', unique);
  const { integers, fractions } = splitNumbers(unique as number[], field);
  return or([
    integers.length > 0 ? leaf(field, '$in', integers) : false,
    fractions.length > 0
      ? and([leaf(field, '$in', fractions), leaf(field, '$nin', neighbours(fractions))])
      : false,
  ]);
}

function notInSet(field: string, values: readonly MetadataValue[]): ChromaFilter {
  const unique = dedupe(values);
  if (unique.length === 0) return present(field);
  if (typeof unique[0] !== 'number') return and([present(field), leaf(field, '$nin', unique)]);
  const { integers, fractions } = splitNumbers(unique as number[], field);
  return and([
    present(field),
    integers.length > 0 ? leaf(field, '$nin', integers) : true,
    fractions.length > 0
      ? or([leaf(field, '$nin', fractions), leaf(field, '$in', neighbours(fractions))])
      : true,
  ]);
}

function present(field: string): ChromaWhere {
  return { [presenceKey(field)]: { $eq: true } };
}

function absent(field: string): ChromaWhere {
  return { [presenceKey(field)]: { $ne: true } };
}

function leaf(field: string, op: string, value: unknown): ChromaWhere {
  return { [field]: { [op]: value } };
}

/** AND with constant folding; one clause is returned as is, nested `$and`s are flattened. */
function and(parts: readonly ChromaFilter[]): ChromaFilter {
  const clauses: ChromaWhere[] = [];
  for (const part of parts) {
    if (part === false) return false;
    if (part === true) continue;
    if (Array.isArray(part.$and)) clauses.push(...(part.$and as ChromaWhere[]));
    else clauses.push(part);
  }
  if (clauses.length === 0) return true;
  return clauses.length === 1 ? clauses[0]! : { $and: clauses };
}

/** OR with constant folding; one clause is returned as is, nested `$or`s are flattened. */
function or(parts: readonly ChromaFilter[]): ChromaFilter {
  const clauses: ChromaWhere[] = [];
  for (const part of parts) {
    if (part === true) return true;
    if (part === false) continue;
    if (Array.isArray(part.$or)) clauses.push(...(part.$or as ChromaWhere[]));
    else clauses.push(part);
  }
  if (clauses.length === 0) return false;
  return clauses.length === 1 ? clauses[0]! : { $or: clauses };
}

function exactNumber(value: number, field: string): number {
  if (Math.abs(value) > MAX_EXACT) {
    throw new OrchError(
      'ORCH_UNSUPPORTED_FILTER',
      `Chroma cannot compare ${field} with ${value} exactly: numbers in filters must be within ±${MAX_EXACT} (2^53 - 1).`,
      { kind: 'vector', details: { field } },
    );
  }
  return value;
}

function splitNumbers(values: readonly number[], field: string): { integers: number[]; fractions: number[] } {
  const integers: number[] = [];
  const fractions: number[] = [];
  for (const v of values) (Number.isInteger(exactNumber(v, field)) ? integers : fractions).push(v);
  return { integers, fractions };
}

/** The integers on either side of each non-integer. */
function neighbours(fractions: readonly number[]): number[] {
  return dedupe(fractions.flatMap((f) => [Math.floor(f), Math.ceil(f)])) as number[];
}

function dedupe(values: readonly MetadataValue[]): MetadataValue[] {
  return [...new Set(values)];
}
