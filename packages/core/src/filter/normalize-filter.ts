import { OrchError } from '../errors/orch-error.js';
import { isValidMetadataKey, METADATA_KEY_RULE } from '../vector/metadata.js';
import {
  FIELD_OPERATORS,
  type Filter,
  type FilterNode,
  type FilterOperator,
  type MetadataValue,
} from './filter.js';

const MAX_DEPTH = 32;
const MAX_SET_SIZE = 10_000;

/**
 * Validate a filter and expand it into the normalized {@link FilterNode} tree.
 * Returns `undefined` for an absent or empty filter (match everything).
 * Rejects unknown operators and malformed trees with `ORCH_INVALID_INPUT`, naming the path.
 *
 * @example
 * normalizeFilter({ status: 'open', priority: { $gte: 2 } });
 * // { type: 'and', children: [ {type:'compare', op:'$eq', field:'status', value:'open'}, {type:'range', ...} ] }
 */
export function normalizeFilter(filter: Filter | undefined | null): FilterNode | undefined {
  if (filter === undefined || filter === null) return undefined;
  const node = normalizeObject(filter, '$', 0);
  return node;
}

/** The operators a normalized tree uses; adapters compare this with what they support. */
export function filterOperators(node: FilterNode | undefined): Set<FilterOperator> {
  const ops = new Set<FilterOperator>();
  const walk = (n: FilterNode): void => {
    switch (n.type) {
      case 'and':
        ops.add('$and');
        n.children.forEach(walk);
        break;
      case 'or':
        ops.add('$or');
        n.children.forEach(walk);
        break;
      case 'exists':
        ops.add('$exists');
        break;
      default:
        ops.add(n.op);
    }
  };
  if (node) walk(node);
  return ops;
}

function invalid(path: string, message: string): OrchError {
  return new OrchError('ORCH_INVALID_INPUT', `Invalid filter at ${path}: ${message}`, {
    kind: 'vector',
    details: { path },
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

function normalizeObject(value: unknown, path: string, depth: number): FilterNode | undefined {
  if (depth > MAX_DEPTH) throw invalid(path, `nesting deeper than ${MAX_DEPTH} levels`);
  if (!isPlainObject(value)) throw invalid(path, `expected an object, got ${describe(value)}`);
  const children: FilterNode[] = [];
  for (const [key, raw] of Object.entries(value)) {
    if (raw === undefined) throw invalid(`${path}.${key}`, 'value is undefined (remove the key instead)');
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(raw) || raw.length === 0)
        throw invalid(`${path}.${key}`, 'expected a non-empty array of filters');
      const parts = raw.map((child, i) => normalizeObject(child, `${path}.${key}[${i}]`, depth + 1));
      const kept = parts.filter((p): p is FilterNode => p !== undefined);
      if (key === '$or' && kept.length < parts.length) continue; // an empty branch matches everything
      if (kept.length === 0) continue;
      children.push(kept.length === 1 ? kept[0]! : { type: key === '$and' ? 'and' : 'or', children: kept });
      continue;
    }
    if (key.startsWith('$'))
      throw invalid(
        `${path}.${key}`,
        `unknown operator "${key}"; use one of $and, $or, ${FIELD_OPERATORS.join(', ')}`,
      );
    if (!isValidMetadataKey(key))
      throw invalid(`${path}.${key}`, `field name ${JSON.stringify(key)} is not valid: ${METADATA_KEY_RULE}`);
    children.push(...normalizeField(key, raw, `${path}.${key}`));
  }
  if (children.length === 0) return undefined;
  return children.length === 1 ? children[0] : { type: 'and', children };
}

function normalizeField(field: string, raw: unknown, path: string): FilterNode[] {
  if (isScalar(raw)) return [{ type: 'compare', op: '$eq', field, value: checkScalar(raw, path) }];
  if (!isPlainObject(raw))
    throw invalid(path, `expected a scalar or an operator object, got ${describe(raw)}`);
  const entries = Object.entries(raw);
  if (entries.length === 0) throw invalid(path, 'empty operator object');
  return entries.map(([op, operand]): FilterNode => {
    const opPath = `${path}.${op}`;
    switch (op) {
      case '$eq':
      case '$ne':
        if (!isScalar(operand))
          throw invalid(opPath, `expected a string, number or boolean, got ${describe(operand)}`);
        return { type: 'compare', op, field, value: checkScalar(operand, opPath) };
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        if (typeof operand !== 'number' || !Number.isFinite(operand))
          throw invalid(opPath, `expected a finite number, got ${describe(operand)}`);
        return { type: 'range', op, field, value: operand };
      case '$in':
      case '$nin': {
        if (!Array.isArray(operand) || operand.length === 0)
          throw invalid(opPath, 'expected a non-empty array');
        if (operand.length > MAX_SET_SIZE) throw invalid(opPath, `more than ${MAX_SET_SIZE} values`);
        const values = operand.map((v, i) => {
          if (!isScalar(v))
            throw invalid(`${opPath}[${i}]`, `expected a string, number or boolean, got ${describe(v)}`);
          return checkScalar(v, `${opPath}[${i}]`);
        });
        const types = new Set(values.map((v) => typeof v));
        if (types.size > 1) throw invalid(opPath, 'all values must have the same type');
        return { type: 'set', op, field, values };
      }
      case '$exists':
        if (typeof operand !== 'boolean')
          throw invalid(opPath, `expected true or false, got ${describe(operand)}`);
        return { type: 'exists', field, exists: operand };
      default:
        throw invalid(opPath, `unknown operator "${op}"; use one of ${FIELD_OPERATORS.join(', ')}`);
    }
  });
}

function isScalar(value: unknown): value is MetadataValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function checkScalar(value: MetadataValue, path: string): MetadataValue {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw invalid(path, `numbers must be finite, got ${value}`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  return typeof value;
}
