import type { FilterNode, Metadata, MetadataValue } from './filter.js';

/**
 * The reference semantics of the filter language: true when `metadata` matches `node`.
 * Adapters that cannot translate a filter natively must not fall back to this on a truncated
 * result set; it exists for in-memory stores and for tests.
 *
 * @example
 * matchesFilter(normalizeFilter({ n: { $gt: 1 } }), { n: 2 }); // true
 */
export function matchesFilter(node: FilterNode | undefined, metadata: Metadata | undefined): boolean {
  if (!node) return true;
  const meta = metadata ?? {};
  switch (node.type) {
    case 'and':
      return node.children.every((c) => matchesFilter(c, meta));
    case 'or':
      return node.children.some((c) => matchesFilter(c, meta));
    case 'exists':
      return Object.hasOwn(meta, node.field) === node.exists;
    case 'compare': {
      if (!Object.hasOwn(meta, node.field)) return false;
      const equal = strictEqual(meta[node.field]!, node.value);
      return node.op === '$eq' ? equal : !equal;
    }
    case 'range': {
      const value = meta[node.field];
      if (typeof value !== 'number') return false;
      switch (node.op) {
        case '$gt':
          return value > node.value;
        case '$gte':
          return value >= node.value;
        case '$lt':
          return value < node.value;
        case '$lte':
          return value <= node.value;
      }
      return false;
    }
    case 'set': {
      if (!Object.hasOwn(meta, node.field)) return false;
      const value = meta[node.field]!;
      const found = node.values.some((v) => strictEqual(value, v));
      return node.op === '$in' ? found : !found;
    }
  }
}

function strictEqual(a: MetadataValue, b: MetadataValue): boolean {
  return typeof a === typeof b && a === b;
}
