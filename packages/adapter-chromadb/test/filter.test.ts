import { type FilterNode, matchesFilter, normalizeFilter } from '@orch/core/adapter-kit';
import { describe, expect, it } from 'vitest';
import { PRESENCE_PREFIX, presenceKey, toChromaWhere } from '../src/index.js';
import { allFilterCases, loadFilterFixtures } from './fixtures.js';

const where = (filter: Parameters<typeof normalizeFilter>[0]) => toChromaWhere(normalizeFilter(filter));

/**
 * What the chromadb client accepts (it refuses the rest before sending): one key per where
 * object, `$and` / `$or` with at least two clauses, non-empty `$in` / `$nin` lists of one JSON
 * type (integers and floats are different types), operators Chroma knows. Returns the problems.
 */
function clientProblems(w: unknown, path = '$'): string[] {
  if (typeof w !== 'object' || w === null || Array.isArray(w)) return [`${path}: not an object`];
  const entries = Object.entries(w);
  if (entries.length !== 1) return [`${path}: ${entries.length} keys`];
  const [key, value] = entries[0]!;
  if (key === '$and' || key === '$or') {
    if (!Array.isArray(value) || value.length < 2) return [`${path}.${key}: fewer than two clauses`];
    return value.flatMap((c, i) => clientProblems(c, `${path}.${key}[${i}]`));
  }
  if (key.startsWith('$')) return [`${path}: unknown logical operator ${key}`];
  if (typeof value !== 'object' || value === null) return [`${path}.${key}: shorthand (use an operator)`];
  const ops = Object.entries(value);
  if (ops.length !== 1) return [`${path}.${key}: ${ops.length} operators`];
  const [op, operand] = ops[0]!;
  const known = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin'];
  if (!known.includes(op)) return [`${path}.${key}: operator ${op} is not Chroma's`];
  if (op === '$in' || op === '$nin') {
    if (!Array.isArray(operand) || operand.length === 0) return [`${path}.${key}.${op}: empty list`];
    const kinds = new Set(
      operand.map((v) => (typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : typeof v)),
    );
    if (kinds.size !== 1) return [`${path}.${key}.${op}: mixed types ${[...kinds].join(', ')}`];
  }
  if (['$gt', '$gte', '$lt', '$lte'].includes(op) && typeof operand !== 'number')
    return [`${path}.${key}.${op}: a range needs a number`];
  if (key.startsWith(PRESENCE_PREFIX) && !((op === '$eq' || op === '$ne') && operand === true))
    return [`${path}.${key}: a presence marker is only compared with true`];
  return [];
}

describe('toChromaWhere: shapes the chromadb client accepts', () => {
  it('an absent or empty filter sends no where clause', () => {
    expect(toChromaWhere(undefined)).toBe(true);
    expect(where({})).toBe(true);
  });

  it('a single condition is one operator object (no $and around it)', () => {
    expect(where({ color: 'red' })).toEqual({ color: { $eq: 'red' } });
    expect(where({ n: { $gt: 2 } })).toEqual({ n: { $gt: 2 } });
    expect(where({ $and: [{ color: 'red' }] })).toEqual({ color: { $eq: 'red' } });
    expect(where({ $or: [{ flag: true }] })).toEqual({ flag: { $eq: true } });
  });

  it('implicit AND (two keys, or two operators on one field) is wrapped in $and', () => {
    expect(where({ color: 'red', flag: true })).toEqual({
      $and: [{ color: { $eq: 'red' } }, { flag: { $eq: true } }],
    });
    expect(where({ n: { $gte: 0, $lte: 2 } })).toEqual({ $and: [{ n: { $gte: 0 } }, { n: { $lte: 2 } }] });
  });

  it('nested $and / $or are flattened where that keeps the meaning', () => {
    expect(where({ $and: [{ a: 1 }, { $and: [{ b: 2 }, { c: 3 }] }] })).toEqual({
      $and: [{ a: { $eq: 1 } }, { b: { $eq: 2 } }, { c: { $eq: 3 } }],
    });
    expect(where({ $or: [{ a: 1 }, { $or: [{ b: 2 }, { c: 3 }] }] })).toEqual({
      $or: [{ a: { $eq: 1 } }, { b: { $eq: 2 } }, { c: { $eq: 3 } }],
    });
  });

  it('$ne and $nin also require the field to be present ($ne alone matches records without it)', () => {
    expect(where({ color: { $ne: 'red' } })).toEqual({
      $and: [{ [presenceKey('color')]: { $eq: true } }, { color: { $ne: 'red' } }],
    });
    expect(where({ color: { $nin: ['red', 'green'] } })).toEqual({
      $and: [{ [presenceKey('color')]: { $eq: true } }, { color: { $nin: ['red', 'green'] } }],
    });
  });

  it('$exists is a presence test on the key list', () => {
    expect(where({ color: { $exists: true } })).toEqual({ [presenceKey('color')]: { $eq: true } });
    expect(where({ color: { $exists: false } })).toEqual({ [presenceKey('color')]: { $ne: true } });
  });

  it('an empty $in matches nothing and an empty $nin every record with the field, without sending []', () => {
    // normalizeFilter refuses [] (ORCH_INVALID_INPUT); a hand-built tree still must not reach the client.
    const emptyIn: FilterNode = { type: 'set', op: '$in', field: 'color', values: [] };
    const emptyNin: FilterNode = { type: 'set', op: '$nin', field: 'color', values: [] };
    expect(toChromaWhere(emptyIn)).toBe(false);
    expect(toChromaWhere(emptyNin)).toEqual({ [presenceKey('color')]: { $eq: true } });
    expect(
      toChromaWhere({
        type: 'or',
        children: [emptyIn, { type: 'compare', op: '$eq', field: 'a', value: 1 }],
      }),
    ).toEqual({
      a: { $eq: 1 },
    });
    expect(
      toChromaWhere({
        type: 'and',
        children: [emptyIn, { type: 'compare', op: '$eq', field: 'a', value: 1 }],
      }),
    ).toBe(false);
  });

  it('a non-integer is kept off the integer column (Chroma truncates it there)', () => {
    expect(where({ n: 2.5 })).toEqual({ $and: [{ n: { $eq: 2.5 } }, { n: { $nin: [2, 3] } }] });
    expect(where({ n: { $lt: 2.6 } })).toEqual({
      $or: [{ n: { $lte: 2 } }, { $and: [{ n: { $lt: 2.6 } }, { n: { $gt: 2 } }, { n: { $lt: 3 } }] }],
    });
    expect(where({ n: { $gte: -1.5 } })).toEqual({
      $or: [{ n: { $gte: -1 } }, { $and: [{ n: { $gte: -1.5 } }, { n: { $gt: -2 } }, { n: { $lt: -1 } }] }],
    });
  });

  it('a $in of integers and floats is split into one list per JSON type', () => {
    expect(where({ n: { $in: [1, 2.5, 100, 42] } })).toEqual({
      $or: [{ n: { $in: [1, 100, 42] } }, { $and: [{ n: { $in: [2.5] } }, { n: { $nin: [2, 3] } }] }],
    });
  });

  it('numbers beyond 2^53 are ORCH_UNSUPPORTED_FILTER, not compared inexactly', () => {
    for (const filter of [{ n: 2 ** 60 }, { n: { $gt: -1e300 } }, { n: { $in: [1, 2 ** 54] } }]) {
      expect(() => where(filter)).toThrowError(expect.objectContaining({ code: 'ORCH_UNSUPPORTED_FILTER' }));
    }
    expect(where({ n: Number.MAX_SAFE_INTEGER })).toEqual({ n: { $eq: Number.MAX_SAFE_INTEGER } });
  });
});

describe('toChromaWhere on every testkit filter fixture', () => {
  it('translates every case into a where clause the client accepts, without dropping a condition', async () => {
    const cases = await allFilterCases();
    expect(cases.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const c of cases) {
      const node = normalizeFilter(c.filter);
      const w = toChromaWhere(node);
      if (node === undefined) {
        if (w !== true) problems.push(`${c.name}: an empty filter must send no where`);
        continue;
      }
      if (typeof w === 'boolean') {
        problems.push(`${c.name}: folded to ${w}, but the fixture has a real condition`);
        continue;
      }
      for (const p of clientProblems(w)) problems.push(`${c.name}: ${p}`);
      // Every field the filter names is constrained by the translation.
      const sent = JSON.stringify(w);
      for (const field of fieldsOf(node))
        if (!sent.includes(JSON.stringify(field)) && !sent.includes(JSON.stringify(presenceKey(field))))
          problems.push(`${c.name}: ${field} dropped`);
    }
    expect(problems).toEqual([]);
  });

  it('the hand-checked id sets agree with the reference evaluator (the yardstick the server is held to)', async () => {
    const f = await loadFilterFixtures();
    for (const c of await allFilterCases()) {
      if (!c.expect) continue;
      const node = normalizeFilter(c.filter);
      const ids = f.FILTER_FIXTURE.filter((r) => matchesFilter(node, r.metadata)).map((r) => r.id);
      expect(ids.sort(), c.name).toEqual([...c.expect].sort());
    }
  });

  it('malformed fixture filters never reach the translator (normalizeFilter refuses them)', async () => {
    const { INVALID_FILTERS } = await loadFilterFixtures();
    for (const { name, filter } of INVALID_FILTERS) {
      expect(() => toChromaWhere(normalizeFilter(filter as never)), name).toThrowError(
        expect.objectContaining({ code: 'ORCH_INVALID_INPUT' }),
      );
    }
  });
});

function fieldsOf(node: FilterNode): string[] {
  if (node.type === 'and' || node.type === 'or') return node.children.flatMap(fieldsOf);
  return [node.field];
}
