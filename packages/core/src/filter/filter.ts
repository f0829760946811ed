/**
 * The metadata filter language shared by every vector backend (Mongo-style).
 *
 * Semantics, identical on every backend (the testkit checks it):
 * - `{ field: value }` is `{ field: { $eq: value } }`; several keys in one object are ANDed.
 * - Every comparison matches only records that HAVE the field: `$ne` and `$nin` do not match
 *   records without it (combine with `{ $exists: false }` in an `$or` to include them).
 * - Equality is type-strict: `1` never equals `true` or `'1'`.
 * - `$gt $gte $lt $lte` take a finite number and match only numeric fields.
 * - `$in` / `$nin` take a non-empty array of scalars of one type.
 * - `$and` / `$or` take a non-empty array of filters. `{}` matches every record.
 * - `$exists` (boolean) is supported where the backend can (capability `filter.exists`).
 */
export type Filter = FilterLogical | FilterFields;

/** A scalar metadata value. */
export type MetadataValue = string | number | boolean;

/** Metadata attached to a vector record: flat, scalar values only. */
export type Metadata = Record<string, MetadataValue>;

export interface FilterLogical {
  readonly $and?: readonly Filter[];
  readonly $or?: readonly Filter[];
}

export type FilterFields = {
  readonly [field: string]: MetadataValue | FieldCondition | readonly Filter[] | undefined;
};

export interface FieldCondition {
  readonly $eq?: MetadataValue;
  readonly $ne?: MetadataValue;
  readonly $gt?: number;
  readonly $gte?: number;
  readonly $lt?: number;
  readonly $lte?: number;
  readonly $in?: readonly MetadataValue[];
  readonly $nin?: readonly MetadataValue[];
  readonly $exists?: boolean;
}

export const FIELD_OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];
export const LOGICAL_OPERATORS = ['$and', '$or'] as const;
export type LogicalOperator = (typeof LOGICAL_OPERATORS)[number];
export type FilterOperator = FieldOperator | LogicalOperator;

/**
 * The validated, normalized tree adapters translate. Produced by `normalizeFilter`; every
 * shorthand is expanded, so a translator handles exactly these node types.
 */
export type FilterNode =
  | { readonly type: 'and'; readonly children: readonly FilterNode[] }
  | { readonly type: 'or'; readonly children: readonly FilterNode[] }
  | {
      readonly type: 'compare';
      readonly op: '$eq' | '$ne';
      readonly field: string;
      readonly value: MetadataValue;
    }
  | {
      readonly type: 'range';
      readonly op: '$gt' | '$gte' | '$lt' | '$lte';
      readonly field: string;
      readonly value: number;
    }
  | {
      readonly type: 'set';
      readonly op: '$in' | '$nin';
      readonly field: string;
      readonly values: readonly MetadataValue[];
    }
  | { readonly type: 'exists'; readonly field: string; readonly exists: boolean };
