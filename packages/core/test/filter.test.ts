import { describe, expect, it } from 'vitest';
import { matchesFilter, normalizeFilter } from '../src/adapter-kit.js';
import { type Filter, isOrchError } from '../src/index.js';

const matches = (filter: Filter, meta: Record<string, string | number | boolean>) =>
  matchesFilter(normalizeFilter(filter), meta);

describe('filter language', () => {
  it('expands shorthand equality and implicit $and', () => {
    expect(normalizeFilter({ a: 1, b: { $gt: 2 } })).toEqual({
      type: 'and',
      children: [
        { type: 'compare', op: '$eq', field: 'a', value: 1 },
        { type: 'range', op: '$gt', field: 'b', value: 2 },
      ],
    });
    expect(normalizeFilter({})).toBeUndefined();
  });

  it('evaluates with strict types and present-field semantics', () => {
    expect(matches({ a: 1 }, { a: 1 })).toBe(true);
    expect(matches({ a: 1 }, { a: true })).toBe(false);
    expect(matches({ a: '1' }, { a: 1 })).toBe(false);
    expect(matches({ a: { $ne: 1 } }, {})).toBe(false);
    expect(matches({ a: { $ne: 1 } }, { a: 2 })).toBe(true);
    expect(matches({ a: { $nin: [1, 2] } }, {})).toBe(false);
    expect(matches({ a: { $gt: 1 } }, { a: '5' })).toBe(false);
    expect(matches({ a: { $exists: false } }, {})).toBe(true);
    expect(matches({ $or: [{ a: 1 }, { b: { $lte: 0 } }] }, { b: -1 })).toBe(true);
    expect(matches({ $and: [{ a: { $in: ['x', 'y'] } }, { a: { $ne: 'y' } }] }, { a: 'y' })).toBe(false);
  });

  it.each<[string, unknown]>([
    ['unknown operator', { a: { $regex: 'x' } }],
    ['unknown top-level operator', { $not: { a: 1 } }],
    ['empty $and', { $and: [] }],
    ['$or not an array', { $or: { a: 1 } }],
    ['$in empty', { a: { $in: [] } }],
    ['$in mixed types', { a: { $in: [1, 'x'] } }],
    ['$gt on a string', { a: { $gt: 'b' } }],
    ['NaN operand', { a: { $eq: Number.NaN } }],
    ['null value', { a: null }],
    ['nested object value', { a: { b: 1 } }],
    ['array value', { a: [1, 2] }],
    ['bad field name', { 'a.b': 1 }],
    ['not an object', 'a = 1'],
  ])('rejects %s with ORCH_INVALID_INPUT', (_name, filter) => {
    let caught: unknown;
    try {
      normalizeFilter(filter as Filter);
    } catch (err) {
      caught = err;
    }
    expect(isOrchError(caught, 'ORCH_INVALID_INPUT')).toBe(true);
  });
});
