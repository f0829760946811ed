import { badRequest } from './errors.js';
import type { Metadata, MetadataValue } from './metadata.js';

/** A compiled metadata filter: true when a record's metadata matches. */
export type Predicate = (metadata: Metadata | undefined) => boolean;

/** Pinecone's documented limit on the values of one `$in` / `$nin`. */
export const MAX_IN_VALUES = 10_000;

const FIELD_OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);

/**
 * Validates a Pinecone metadata filter and compiles it, with Pinecone's semantics:
 *
 * - top level: field conditions (implicitly ANDed) and `$and` / `$or` (non-empty arrays of filters);
 * - `{ field: scalar }` is `{ field: { $eq: scalar } }`; several operators on one field are ANDed;
 * - `$eq` / `$ne` take a string, number or boolean; `$gt $gte $lt $lte` a number (and match only
 *   numeric fields); `$in` / `$nin` an array of strings and numbers (at most 10,000); `$exists` a boolean;
 * - on a list-of-strings field, `$eq` / `$in` match when any element matches and `$ne` / `$nin` when
 *   no element does;
 * - `$ne` and `$nin` also match records that do not have the field (MongoDB semantics, which Pinecone's
 *   filter language follows); combine with `{ $exists: true }` to exclude them.
 *
 * Anything else (unknown operators such as `$not` or `$contains`, a bare operator at the top level, a
 * list or `null` as a field condition, a wrong operand type) is rejected with a 400, never ignored.
 *
 * @throws {EmulatorApiError} 400 INVALID_ARGUMENT for an invalid filter.
 */
export function compileFilter(filter: unknown): Predicate {
  if (!isPlainObject(filter)) {
    throw badRequest(`Invalid filter: a filter must be a JSON object, got ${describe(filter)}.`);
  }
  return compileObject(filter);
}

function compileObject(object: Record<string, unknown>): Predicate {
  const clauses: Predicate[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) {
        throw badRequest(`Invalid filter: ${key} must be a non-empty array of filter objects.`);
      }
      const parts = value.map((part) => {
        if (!isPlainObject(part)) {
          throw badRequest(`Invalid filter: every element of ${key} must be a filter object.`);
        }
        return compileObject(part);
      });
      clauses.push(
        key === '$and' ? (m) => parts.every((part) => part(m)) : (m) => parts.some((part) => part(m)),
      );
    } else if (key.startsWith('$')) {
      throw badRequest(
        `Invalid filter: unsupported operator ${key} at the top level (only $and and $or may appear there; ` +
          'comparison operators go under a field name).',
      );
    } else {
      clauses.push(compileField(key, value));
    }
  }
  return (m) => clauses.every((clause) => clause(m));
}

function compileField(field: string, condition: unknown): Predicate {
  if (isScalar(condition)) return equals(field, condition);
  if (!isPlainObject(condition)) {
    throw badRequest(
      `Invalid filter for field '${field}': expected a string, number, boolean or an operator object ` +
        `such as { "$in": [...] }, got ${describe(condition)}.`,
    );
  }
  const operators = Object.entries(condition);
  if (operators.length === 0) {
    throw badRequest(`Invalid filter for field '${field}': the operator object is empty.`);
  }
  const clauses = operators.map(([operator, operand]) => compileOperator(field, operator, operand));
  return (m) => clauses.every((clause) => clause(m));
}

function compileOperator(field: string, operator: string, operand: unknown): Predicate {
  if (!FIELD_OPERATORS.has(operator)) {
    throw badRequest(
      `Invalid filter for field '${field}': unsupported operator ${operator}. Supported operators: ` +
        '$eq, $ne, $gt, $gte, $lt, $lte, $in, $nin, $exists, $and, $or.',
    );
  }
  switch (operator) {
    case '$eq':
    case '$ne': {
      if (!isScalar(operand)) {
        throw badRequest(
          `Invalid filter for field '${field}': ${operator} takes a string, number or boolean, got ${describe(operand)}.`,
        );
      }
      const eq = equals(field, operand);
      return operator === '$eq' ? eq : (m) => !eq(m);
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      if (typeof operand !== 'number' || !Number.isFinite(operand)) {
        throw badRequest(
          `Invalid filter for field '${field}': ${operator} takes a number, got ${describe(operand)}.`,
        );
      }
      const compare = RANGE[operator];
      return (m) => {
        const value = m?.[field];
        return typeof value === 'number' && compare(value, operand);
      };
    }
    case '$in':
    case '$nin': {
      if (!Array.isArray(operand)) {
        throw badRequest(
          `Invalid filter for field '${field}': ${operator} takes an array of strings or numbers, got ${describe(operand)}.`,
        );
      }
      if (operand.length > MAX_IN_VALUES) {
        throw badRequest(
          `Invalid filter for field '${field}': ${operator} has ${operand.length} values; the maximum is ${MAX_IN_VALUES}.`,
        );
      }
      for (const element of operand) {
        if (typeof element !== 'string' && !(typeof element === 'number' && Number.isFinite(element))) {
          throw badRequest(
            `Invalid filter for field '${field}': ${operator} takes an array of strings or numbers, ` +
              `found ${describe(element)}.`,
          );
        }
      }
      const set = new Set<string | number>(operand as (string | number)[]);
      const isIn: Predicate = (m) => {
        const value = m?.[field];
        if (value === undefined) return false;
        if (Array.isArray(value)) return value.some((element) => set.has(element));
        return typeof value !== 'boolean' && set.has(value);
      };
      return operator === '$in' ? isIn : (m) => !isIn(m);
    }
    default: {
      // $exists
      if (typeof operand !== 'boolean') {
        throw badRequest(
          `Invalid filter for field '${field}': $exists takes a boolean, got ${describe(operand)}.`,
        );
      }
      return (m) => (m?.[field] !== undefined) === operand;
    }
  }
}

const RANGE: Record<'$gt' | '$gte' | '$lt' | '$lte', (value: number, operand: number) => boolean> = {
  $gt: (v, o) => v > o,
  $gte: (v, o) => v >= o,
  $lt: (v, o) => v < o,
  $lte: (v, o) => v <= o,
};

function equals(field: string, operand: string | number | boolean): Predicate {
  return (m) => {
    const value: MetadataValue | undefined = m?.[field];
    if (value === undefined) return false;
    if (Array.isArray(value)) return typeof operand === 'string' && value.includes(operand);
    return value === operand;
  };
}

function isScalar(value: unknown): value is string | number | boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** A JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
