import { type FilterNode, type MetadataValue, OrchError } from '@orch/core/adapter-kit';

/** A Pinecone metadata filter (the JSON object sent as `filter`). */
export type PineconeFilter = Record<string, unknown>;

/**
 * Translate orch's normalized filter tree into Pinecone's filter language, keeping orch's
 * meaning exactly:
 *
 * | orch                        | Pinecone                                                        |
 * | --------------------------- | --------------------------------------------------------------- |
 * | `{ f: { $eq: v } }`         | `{ f: { $eq: v } }`                                             |
 * | `{ f: { $ne: v } }`         | `{ $and: [{ f: { $exists: true } }, { f: { $ne: v } }] }`       |
 * | `$gt $gte $lt $lte`         | the same operator (numbers only, on both sides)                 |
 * | `{ f: { $in: [a, b] } }`    | `{ f: { $in: [a, b] } }` (strings or numbers)                   |
 * | `{ f: { $in: [true] } }`    | `{ f: { $eq: true } }`, or `$or` of `$eq` (Pinecone's `$in` takes no booleans) |
 * | `{ f: { $nin: [a, b] } }`   | `{ $and: [{ f: { $exists: true } }, { f: { $nin: [a, b] } }] }` |
 * | `{ f: { $nin: [true] } }`   | `$and` of `$exists: true` and one `$ne` per value               |
 * | `{ f: { $exists: b } }`     | `{ f: { $exists: b } }`                                         |
 * | `$and` / `$or`              | `$and` / `$or`                                                  |
 *
 * `$ne` and `$nin` get `$exists: true` because Pinecone (like MongoDB) lets them match records
 * that lack the field, while in orch every comparison needs the field. Equality is type-strict on
 * both sides. A node this translator does not know is refused with `ORCH_UNSUPPORTED_FILTER`,
 * never dropped.
 */
export function toPineconeFilter(node: FilterNode): PineconeFilter {
  switch (node.type) {
    case 'and':
      return { $and: node.children.map(toPineconeFilter) };
    case 'or':
      return { $or: node.children.map(toPineconeFilter) };
    case 'compare':
      if (node.op === '$eq') return { [node.field]: { $eq: node.value } };
      return present(node.field, [{ [node.field]: { $ne: node.value } }]);
    case 'range':
      return { [node.field]: { [node.op]: node.value } };
    case 'set':
      return node.op === '$in' ? inSet(node.field, node.values) : notInSet(node.field, node.values);
    case 'exists':
      return { [node.field]: { $exists: node.exists } };
    default:
      throw unsupported(node);
  }
}

function present(field: string, conditions: PineconeFilter[]): PineconeFilter {
  return { $and: [{ [field]: { $exists: true } }, ...conditions] };
}

function inSet(field: string, values: readonly MetadataValue[]): PineconeFilter {
  if (typeof values[0] !== 'boolean') return { [field]: { $in: [...values] } };
  const distinct = [...new Set(values)];
  if (distinct.length === 1) return { [field]: { $eq: distinct[0] } };
  return { $or: distinct.map((value) => ({ [field]: { $eq: value } })) };
}

function notInSet(field: string, values: readonly MetadataValue[]): PineconeFilter {
  if (typeof values[0] !== 'boolean') return present(field, [{ [field]: { $nin: [...values] } }]);
  return present(
    field,
    [...new Set(values)].map((value) => ({ [field]: { $ne: value } })),
  );
}

function unsupported(node: never): OrchError {
  const type = (node as { type?: unknown }).type;
  return new OrchError(
    'ORCH_UNSUPPORTED_FILTER',
    `The pinecone vector store cannot translate the filter node ${JSON.stringify(type)}.`,
    { kind: 'vector', details: { node: String(type) } },
  );
}
