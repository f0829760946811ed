import type { FilterNode, MetadataValue } from '@orch/core/adapter-kit';

/** A SQL boolean expression with the values it binds, numbered from the `first` placeholder. */
export interface PgFragment {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * Translate a normalized filter into a PostgreSQL expression over a JSONB metadata column, with
 * the semantics of `matchesFilter` in @orch/core:
 *
 * - every operator except `$exists` matches only rows that have the field;
 * - equality is type-strict: JSONB equality compares type and value, so `1` never equals `true`
 *   or `'1'` (and `1` equals `1.0`, as in JavaScript);
 * - `$gt`…`$lte` match numbers only, compared as float8 like JavaScript numbers.
 *
 * Field names and values are bound parameters, never pasted into the SQL. Metadata never holds
 * JSON null (core refuses it), so `-> key IS NOT NULL` is exactly "the field is present".
 *
 * @example
 * filterToPg(normalizeFilter({ status: 'open' })!, 'metadata', 3);
 * // { sql: '((metadata -> $3) = $4::jsonb)', params: ['status', '"open"'] }
 */
export function filterToPg(node: FilterNode, column: string, first: number): PgFragment {
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${first + params.length - 1}`;
  };
  const field = (name: string) => `(${column} -> ${bind(name)})`;
  const translate = (n: FilterNode): string => {
    switch (n.type) {
      case 'and':
      case 'or':
        return `(${n.children.map(translate).join(n.type === 'and' ? ' AND ' : ' OR ')})`;
      case 'exists':
        return `(${field(n.field)} IS ${n.exists ? 'NOT NULL' : 'NULL'})`;
      case 'compare': {
        const value = bind(JSON.stringify(n.value));
        return n.op === '$eq'
          ? `(${field(n.field)} = ${value}::jsonb)`
          : `(${field(n.field)} IS NOT NULL AND ${field(n.field)} <> ${value}::jsonb)`;
      }
      case 'range': {
        const op = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[n.op];
        // CASE, not AND: PostgreSQL does not promise to test the type before evaluating the cast.
        return `(CASE WHEN jsonb_typeof(${field(n.field)}) = 'number' THEN (${column} ->> ${bind(n.field)})::float8 ${op} ${bind(n.value)}::float8 ELSE false END)`;
      }
      case 'set': {
        const values = bind(n.values.map((v: MetadataValue) => JSON.stringify(v)));
        return n.op === '$in'
          ? `(${field(n.field)} = ANY(${values}::jsonb[]))`
          : `(${field(n.field)} IS NOT NULL AND NOT (${field(n.field)} = ANY(${values}::jsonb[])))`;
      }
    }
  };
  return { sql: translate(node), params };
}
