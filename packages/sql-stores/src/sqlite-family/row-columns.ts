import type { NativeStatement } from './driver.js';
import { fromDriverValue, isJsonSafe } from './values.js';

type Row = Record<string, unknown>;

/**
 * Rows as they cross from a worker thread: the column names first, then one array of values per
 * row. Object rows repeat every column name in every row; for a page of 2,000 tasks this form
 * was about 40% cheaper end to end (SQLite builds no objects, the JSON is half as long), and the
 * rows are rebuilt as objects once, on arrival. An empty result is `[]`.
 */
export type ColumnRows = [names: string[], ...values: unknown[][]] | [];

/**
 * Run `stmt` and return its rows as {@link ColumnRows}. `plain`: convert the engine's values
 * (libsql's ArrayBuffers, bigints) as object rows are converted.
 */
export function queryColumns(stmt: NativeStatement, params: readonly unknown[], plain: boolean): ColumnRows {
  let names: string[];
  let values: unknown[][];
  if (stmt.raw && stmt.columns) {
    names = stmt.columns().map((c) => c.name);
    stmt.raw(true);
    try {
      // Raw mode: each row is an array of values, whatever the declared row type says.
      values = stmt.all(params) as unknown as unknown[][];
    } finally {
      stmt.raw(false);
    }
  } else {
    const rows = stmt.all(params);
    names = rows.length > 0 ? Object.keys(rows[0]!).filter((k) => k !== '_metadata') : [];
    values = rows.map((r) => names.map((n) => r[n]));
  }
  if (values.length === 0) return [];
  if (plain) for (const v of values) for (let k = 0; k < v.length; k++) v[k] = fromDriverValue(v[k]);
  return [names, ...values];
}

/** Whether `value` is rows in the {@link ColumnRows} form (as opposed to rows of objects, or a marker). */
export function isColumnRows(value: unknown): value is ColumnRows {
  return Array.isArray(value) && (value.length === 0 || Array.isArray(value[0]));
}

/** The rows of a {@link ColumnRows} as objects; a repeated column name keeps its last value, as object rows do. */
export function columnRowsToObjects(wire: ColumnRows): Row[] {
  if (wire.length === 0) return [];
  const names = wire[0] as string[];
  const width = names.length;
  const out: Row[] = new Array(wire.length - 1);
  for (let i = 1; i < wire.length; i++) {
    const values = wire[i] as unknown[];
    const row: Row = {};
    for (let k = 0; k < width; k++) row[names[k]!] = values[k];
    out[i - 1] = row;
  }
  return out;
}

/** True when every value of every row survives JSON unchanged (see {@link isJsonSafe}). */
export function columnRowsAreJsonSafe(wire: ColumnRows): boolean {
  for (let i = 1; i < wire.length; i++) {
    const values = wire[i] as unknown[];
    for (let k = 0; k < values.length; k++) if (!isJsonSafe(values[k])) return false;
  }
  return true;
}
