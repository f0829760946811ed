import type { FilterNode, MetadataValue } from '@orch/core';

/** A SQL boolean expression with its positional parameters. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly (string | number)[];
}

const NUMERIC_TYPES = "('integer', 'real')";

/**
 * Translate a normalized filter tree into a SQLite WHERE expression over a JSON TEXT column,
 * with the semantics of `matchesFilter` in @orch/core:
 *
 * - every operator except `$exists` matches only rows that have the field;
 * - equality is type-strict, checked with `json_type` (`'text'`, `'integer'`/`'real'`,
 *   `'true'`/`'false'`), so `1` never equals `true` or `'1'`;
 * - `$gt`…`$lte` match numbers only.
 *
 * Values are always bound, never interpolated. Field names are valid metadata keys (checked by
 * core: letters, digits, `_`, `-`), and their JSON paths are bound as parameters as well. Every
 * leaf evaluates to 0 or 1, never NULL, so `NOT` and `OR` keep their two-valued meaning.
 * `$in`/`$nin` pass their values as one JSON array (`json_each`), so a 10 000-value set costs one
 * parameter, not 10 000 of SQLite's 32 766.
 *
 * @example
 * filterToSql(normalizeFilter({ status: 'open' })!, 'metadata');
 * // { sql: "(json_type(metadata, ?) IS 'text' AND json_extract(metadata, ?) = ?)", params: ['$."status"', '$."status"', 'open'] }
 */
export function filterToSql(node: FilterNode, column: string): SqlFragment {
  switch (node.type) {
    case 'and':
    case 'or': {
      const parts = node.children.map((child) => filterToSql(child, column));
      return {
        sql: `(${parts.map((p) => p.sql).join(node.type === 'and' ? ' AND ' : ' OR ')})`,
        params: parts.flatMap((p) => p.params),
      };
    }
    case 'exists':
      return {
        sql: `(json_type(${column}, ?) IS ${node.exists ? 'NOT NULL' : 'NULL'})`,
        params: [path(node.field)],
      };
    case 'compare': {
      const equal = equals(node.field, node.value, column);
      return node.op === '$eq' ? equal : presentAndNot(node.field, equal, column);
    }
    case 'range': {
      const op = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[node.op];
      return {
        sql: `(json_type(${column}, ?) IN ${NUMERIC_TYPES} AND json_extract(${column}, ?) ${op} ?)`,
        params: [path(node.field), path(node.field), node.value],
      };
    }
    case 'set': {
      const found = member(node.field, node.values, column);
      return node.op === '$in' ? found : presentAndNot(node.field, found, column);
    }
  }
}

function path(field: string): string {
  return `$."${field}"`;
}

/** `$ne` / `$nin`: the field is present and the positive condition fails (absent fields never match). */
function presentAndNot(field: string, positive: SqlFragment, column: string): SqlFragment {
  return {
    sql: `(json_type(${column}, ?) IS NOT NULL AND NOT ${positive.sql})`,
    params: [path(field), ...positive.params],
  };
}

function equals(field: string, value: MetadataValue, column: string): SqlFragment {
  if (typeof value === 'boolean') {
    // JSON true/false have their own json_type; json_extract alone would turn them into 1/0.
    return { sql: `(json_type(${column}, ?) IS ?)`, params: [path(field), value ? 'true' : 'false'] };
  }
  return {
    sql: `(json_type(${column}, ?) ${typeCheck(value)} AND json_extract(${column}, ?) = ?)`,
    params: [path(field), path(field), value],
  };
}

function member(field: string, values: readonly MetadataValue[], column: string): SqlFragment {
  const first = values[0]!;
  if (typeof first === 'boolean') {
    return {
      sql: `(json_type(${column}, ?) IN (SELECT value FROM json_each(?)))`,
      params: [path(field), JSON.stringify(values.map((v) => (v ? 'true' : 'false')))],
    };
  }
  return {
    sql: `(json_type(${column}, ?) ${typeCheck(first)} AND json_extract(${column}, ?) IN (SELECT value FROM json_each(?)))`,
    params: [path(field), path(field), JSON.stringify(values)],
  };
}

/** The json_type condition for a string or number operand (every value of a set has one type). */
function typeCheck(value: string | number): string {
  return typeof value === 'number' ? `IN ${NUMERIC_TYPES}` : "IS 'text'";
}
