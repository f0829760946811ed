import type { Filter, Metadata } from '@orch/core';

/**
 * Records chosen to separate backends that get filter semantics almost right: a field with
 * values of three types (`mixed`: 1, true, '1', 0, false, '0'), a numeric field that is a string
 * on one record, case and Unicode-normalization twins, an empty string, and records missing
 * fields (f13 has no metadata at all).
 */
export const FILTER_FIXTURE: readonly { readonly id: string; readonly metadata?: Metadata }[] = [
  { id: 'f01', metadata: { color: 'red', n: 1, flag: true, mixed: 1, name: 'alpha' } },
  { id: 'f02', metadata: { color: 'red', n: 2, flag: false, mixed: true, name: 'beta' } },
  { id: 'f03', metadata: { color: 'green', n: 3, flag: true, mixed: '1', name: 'gamma' } },
  { id: 'f04', metadata: { color: 'blue', n: -1, mixed: 0, name: 'delta' } },
  { id: 'f05', metadata: { n: 0, flag: false, mixed: false, name: 'caf\u00e9' } },
  { id: 'f06', metadata: { color: 'green', n: 2.5, flag: true, mixed: '0', name: 'cafe\u0301' } },
  { id: 'f07', metadata: { color: 'Red', n: 10, mixed: 'true', name: '日本語' } },
  { id: 'f08', metadata: { color: 'blue', flag: true, name: 'emoji 🚀' } },
  { id: 'f09', metadata: { mixed: 1 } },
  { id: 'f10', metadata: { color: 'red', n: 5, flag: false, name: 'alpha' } },
  { id: 'f11', metadata: { color: 'green', n: -2.5, mixed: true, name: 'Alpha' } },
  { id: 'f12', metadata: { color: 'blue', n: 100, flag: true, mixed: '1', name: '' } },
  { id: 'f13' },
  { id: 'f14', metadata: { color: 'red', n: 7, flag: true, mixed: 7, name: 'omega' } },
  { id: 'f15', metadata: { color: '', n: 1_000_000, flag: true, mixed: -1, name: 'x' } },
  { id: 'f16', metadata: { color: 'green', n: '5', flag: 'true', name: 'str-n' } },
];

export const ALL_FIXTURE_IDS = FILTER_FIXTURE.map((r) => r.id);

/** Dimension of the fixture vectors. */
export const FIXTURE_DIMENSION = 4;

/** A non-zero vector per record, distinct directions, so every metric can rank them. */
export function fixtureVector(index: number): number[] {
  return [1 + (index % 5), ((index * 7) % 11) - 5, (index % 3) + 1, 2];
}

/** A filter case; `expect` is the id set checked by hand against the table above. */
export interface FilterCase {
  readonly name: string;
  readonly filter: Filter;
  readonly expect?: readonly string[];
}

export const COMPARISON_CASES: readonly FilterCase[] = [
  { name: 'shorthand equality', filter: { color: 'red' }, expect: ['f01', 'f02', 'f10', 'f14'] },
  { name: '$eq', filter: { color: { $eq: 'red' } }, expect: ['f01', 'f02', 'f10', 'f14'] },
  { name: 'equality is case-sensitive', filter: { color: 'Red' }, expect: ['f07'] },
  { name: 'equality on the empty string', filter: { color: '' }, expect: ['f15'] },
  { name: 'no match', filter: { color: 'purple' }, expect: [] },
  {
    name: '$ne excludes records without the field',
    filter: { color: { $ne: 'red' } },
    expect: ['f03', 'f04', 'f06', 'f07', 'f08', 'f11', 'f12', 'f15', 'f16'],
  },
  {
    name: '$gt (numbers only: "5" is not 5)',
    filter: { n: { $gt: 2 } },
    expect: ['f03', 'f06', 'f07', 'f10', 'f12', 'f14', 'f15'],
  },
  {
    name: '$gte',
    filter: { n: { $gte: 2 } },
    expect: ['f02', 'f03', 'f06', 'f07', 'f10', 'f12', 'f14', 'f15'],
  },
  { name: '$lt with negatives', filter: { n: { $lt: 0 } }, expect: ['f04', 'f11'] },
  { name: '$lte includes the bound', filter: { n: { $lte: 0 } }, expect: ['f04', 'f05', 'f11'] },
  {
    name: 'range on one field (implicit and)',
    filter: { n: { $gte: 0, $lte: 2.5 } },
    expect: ['f01', 'f02', 'f05', 'f06'],
  },
  { name: 'float equality', filter: { n: 2.5 }, expect: ['f06'] },
  { name: 'large numbers', filter: { n: { $gt: 100_000 } }, expect: ['f15'] },
  { name: 'range never matches booleans', filter: { mixed: { $gt: 0 } }, expect: ['f01', 'f09', 'f14'] },
  { name: 'range never matches strings', filter: { color: { $gt: 0 } }, expect: [] },
  { name: 'boolean true', filter: { flag: true }, expect: ['f01', 'f03', 'f06', 'f08', 'f12', 'f14', 'f15'] },
  { name: 'boolean false', filter: { flag: false }, expect: ['f02', 'f05', 'f10'] },
  {
    name: '$ne true keeps the string "true"',
    filter: { flag: { $ne: true } },
    expect: ['f02', 'f05', 'f10', 'f16'],
  },
  { name: 'unicode NFC is not NFD', filter: { name: 'caf\u00e9' }, expect: ['f05'] },
  { name: 'unicode NFD is not NFC', filter: { name: 'cafe\u0301' }, expect: ['f06'] },
  { name: 'CJK equality', filter: { name: '日本語' }, expect: ['f07'] },
  { name: 'string equality is case-sensitive', filter: { name: 'alpha' }, expect: ['f01', 'f10'] },
];

export const TYPE_STRICT_CASES: readonly FilterCase[] = [
  { name: 'number 1 is not true or "1"', filter: { mixed: 1 }, expect: ['f01', 'f09'] },
  { name: 'true is not 1 or "true"', filter: { mixed: true }, expect: ['f02', 'f11'] },
  { name: '"1" is not 1', filter: { mixed: '1' }, expect: ['f03', 'f12'] },
  { name: '0 is not false or "0"', filter: { mixed: 0 }, expect: ['f04'] },
  { name: 'false is not 0', filter: { mixed: false }, expect: ['f05'] },
  { name: '"0" is not 0', filter: { mixed: '0' }, expect: ['f06'] },
  { name: '"true" is not true', filter: { mixed: 'true' }, expect: ['f07'] },
  { name: '$in numbers', filter: { mixed: { $in: [1, 0] } }, expect: ['f01', 'f04', 'f09'] },
  { name: '$in booleans', filter: { mixed: { $in: [true] } }, expect: ['f02', 'f11'] },
  { name: '$in strings', filter: { mixed: { $in: ['1', '0'] } }, expect: ['f03', 'f06', 'f12'] },
  {
    name: '$nin keeps other types and drops missing fields',
    filter: { mixed: { $nin: [1] } },
    expect: ['f02', 'f03', 'f04', 'f05', 'f06', 'f07', 'f11', 'f12', 'f14', 'f15'],
  },
  {
    name: '$ne true keeps 1 and "1"',
    filter: { mixed: { $ne: true } },
    expect: ['f01', 'f03', 'f04', 'f05', 'f06', 'f07', 'f09', 'f12', 'f14', 'f15'],
  },
];

export const SET_CASES: readonly FilterCase[] = [
  {
    name: '$in',
    filter: { color: { $in: ['blue', 'green'] } },
    expect: ['f03', 'f04', 'f06', 'f08', 'f11', 'f12', 'f16'],
  },
  { name: '$in with one value', filter: { name: { $in: ['alpha'] } }, expect: ['f01', 'f10'] },
  { name: '$in numbers', filter: { n: { $in: [1, 2.5, 100, 42] } }, expect: ['f01', 'f06', 'f12'] },
  {
    name: '$nin excludes records without the field',
    filter: { color: { $nin: ['red', 'green'] } },
    expect: ['f04', 'f07', 'f08', 'f12', 'f15'],
  },
  { name: '$nin of absent values', filter: { color: { $nin: ['purple'] } } },
];

export const LOGICAL_CASES: readonly FilterCase[] = [
  { name: 'empty filter matches everything', filter: {}, expect: ALL_FIXTURE_IDS },
  { name: 'implicit and of two fields', filter: { color: 'red', flag: true }, expect: ['f01', 'f14'] },
  { name: '$and', filter: { $and: [{ color: 'red' }, { flag: false }] }, expect: ['f02', 'f10'] },
  {
    name: '$or',
    filter: { $or: [{ color: 'green' }, { n: { $lt: 0 } }] },
    expect: ['f03', 'f04', 'f06', 'f11', 'f16'],
  },
  {
    name: '$or with duplicate branches',
    filter: { $or: [{ color: 'red' }, { color: 'red' }] },
    expect: ['f01', 'f02', 'f10', 'f14'],
  },
  {
    name: '$in with implicit and',
    filter: { color: { $in: ['blue', 'green'] }, flag: true },
    expect: ['f03', 'f06', 'f08', 'f12'],
  },
  {
    name: '$ne with a range',
    filter: { color: { $ne: 'red' }, n: { $gt: 0 } },
    expect: ['f03', 'f06', 'f07', 'f12', 'f15'],
  },
  {
    name: '$or of an $and and an equality',
    filter: { $or: [{ $and: [{ color: 'red' }, { n: { $gt: 1 } }] }, { mixed: '1' }] },
    expect: ['f02', 'f03', 'f10', 'f12', 'f14'],
  },
  {
    name: '$and of two $or',
    filter: {
      $and: [{ $or: [{ color: 'blue' }, { color: 'Red' }] }, { $or: [{ n: { $gte: 10 } }, { flag: true }] }],
    },
    expect: ['f07', 'f08', 'f12'],
  },
  {
    name: '$and with a field key beside it',
    filter: { $and: [{ n: { $gt: 0 } }], flag: false },
    expect: ['f02', 'f10'],
  },
  { name: 'contradiction', filter: { $and: [{ color: 'red' }, { color: 'blue' }] }, expect: [] },
  {
    name: 'deep nesting',
    filter: {
      $or: [{ $and: [{ $or: [{ name: 'alpha' }, { name: 'Alpha' }] }, { n: { $gt: 0 } }] }, { mixed: 7 }],
    },
    expect: ['f01', 'f10', 'f14'],
  },
];

export const EXISTS_CASES: readonly FilterCase[] = [
  {
    name: '$exists true',
    filter: { color: { $exists: true } },
    expect: ['f01', 'f02', 'f03', 'f04', 'f06', 'f07', 'f08', 'f10', 'f11', 'f12', 'f14', 'f15', 'f16'],
  },
  {
    name: '$exists false (also records without metadata)',
    filter: { color: { $exists: false } },
    expect: ['f05', 'f09', 'f13'],
  },
  {
    name: '$exists false on a numeric field',
    filter: { n: { $exists: false } },
    expect: ['f08', 'f09', 'f13'],
  },
  {
    name: '$ne or missing',
    filter: { $or: [{ color: { $ne: 'red' } }, { color: { $exists: false } }] },
    expect: ['f03', 'f04', 'f05', 'f06', 'f07', 'f08', 'f09', 'f11', 'f12', 'f13', 'f15', 'f16'],
  },
  {
    name: '$exists combined',
    filter: { mixed: { $exists: true }, flag: { $exists: false } },
    expect: ['f04', 'f07', 'f09', 'f11'],
  },
];

/** Malformed filters: every backend must refuse them, never ignore the bad part. */
export const INVALID_FILTERS: readonly { readonly name: string; readonly filter: unknown }[] = [
  { name: 'unknown field operator', filter: { color: { $regex: 'r' } } },
  { name: 'unknown top-level operator', filter: { $not: { color: 'red' } } },
  { name: 'empty $in', filter: { color: { $in: [] } } },
  { name: '$in with mixed types', filter: { mixed: { $in: [1, '1'] } } },
  { name: '$gt with a string', filter: { n: { $gt: '1' } } },
  { name: '$lt with Infinity', filter: { n: { $lt: Number.POSITIVE_INFINITY } } },
  { name: 'NaN value', filter: { n: Number.NaN } },
  { name: 'empty $and', filter: { $and: [] } },
  { name: '$or that is not an array', filter: { $or: { color: 'red' } } },
  { name: 'null value', filter: { color: null } },
  { name: 'array value', filter: { color: ['red'] } },
  { name: 'empty operator object', filter: { color: {} } },
  { name: 'nested object value', filter: { color: { shade: 'dark' } } },
  { name: 'invalid field name', filter: { 'bad key': 1 } },
];
