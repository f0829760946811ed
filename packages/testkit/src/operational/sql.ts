import assert from 'node:assert/strict';
import type { OperationalStore, SqlDialect, SqlExecutor } from '@orch/core';
import { uniqueName } from '../helpers/random.js';
import type { StoreScope } from '../helpers/with-store.js';

/**
 * Placeholders in the dialect's own style (`?` for sqlite, `$1, $2…` for postgres), from the
 * store's dialect object. The store never guesses, so the suite must not either.
 *
 * @example
 * const p = placeholders(store.dialect); // on PostgreSQL:
 * p.at(2);        // '$2'
 * p.list(3);      // '$1, $2, $3'
 * p.list(2, 4);   // '$4, $5'
 */
export function placeholders(dialect: SqlDialect): {
  at(index: number): string;
  list(count: number, start?: number): string;
} {
  const at = (index: number) => dialect.placeholder(index);
  return {
    at,
    list: (count, start = 1) => Array.from({ length: count }, (_, i) => at(start + i)).join(', '),
  };
}

/** The test table every operational test uses: portable types only (TEXT, INTEGER). */
export interface TestTable {
  readonly name: string;
  /** `INSERT INTO <name> (id, label, n) VALUES (…)` in the dialect's placeholders. */
  readonly insert: string;
}

/**
 * Create a uniquely named table `(id TEXT PRIMARY KEY, label TEXT, n INTEGER)` and register its
 * drop, so tests can share a database server.
 */
export async function createTestTable(
  scope: StoreScope<OperationalStore>,
  prefix = 'tk_',
): Promise<TestTable> {
  const name = uniqueName(prefix);
  await scope.store.execute(`CREATE TABLE ${name} (id TEXT PRIMARY KEY, label TEXT, n INTEGER)`);
  scope.defer((s) => s.execute(`DROP TABLE IF EXISTS ${name}`));
  const p = placeholders(scope.store.dialect);
  return { name, insert: `INSERT INTO ${name} (id, label, n) VALUES (${p.list(3)})` };
}

/**
 * Create a uniquely named table `(id <idType> PRIMARY KEY, data <binary>)`, the binary column in
 * the dialect's type (`BYTEA` on PostgreSQL, `BLOB` elsewhere), and register its drop. Returns its
 * name.
 */
export async function createBlobTable(
  scope: StoreScope<OperationalStore>,
  prefix: string,
  idType: 'TEXT' | 'INTEGER' = 'TEXT',
): Promise<string> {
  const name = uniqueName(prefix);
  const type = scope.store.dialect.name === 'postgres' ? 'BYTEA' : 'BLOB';
  await scope.store.execute(`CREATE TABLE ${name} (id ${idType} PRIMARY KEY, data ${type})`);
  scope.defer((s) => s.execute(`DROP TABLE IF EXISTS ${name}`));
  return name;
}

/** A row of the test table as the suite reads it back. */
export interface TestRow {
  readonly id: string;
  readonly label: string | null;
  readonly n: number | null;
}

/**
 * All rows ordered by id, with `n` converted to a number: drivers may return integers as
 * number, bigint or (pg int8) string, which is not what these tests are about.
 */
export async function readRows(db: SqlExecutor, table: string): Promise<TestRow[]> {
  const rows = await db.query<Record<string, unknown>>(`SELECT id, label, n FROM ${table} ORDER BY id`);
  return rows.map((r) => ({
    id: r.id as string,
    label: (r.label ?? null) as string | null,
    n: r.n === null || r.n === undefined ? null : Number(r.n),
  }));
}

/** Ids in the table, sorted. */
export async function readIds(db: SqlExecutor, table: string): Promise<string[]> {
  return (await readRows(db, table)).map((r) => r.id);
}

/** Row count; the cast keeps PostgreSQL from returning a bigint string. */
export async function countRows(db: SqlExecutor, table: string): Promise<number> {
  const rows = await db.query<{ c: unknown }>(`SELECT CAST(COUNT(*) AS INTEGER) AS c FROM ${table}`);
  assert.equal(rows.length, 1, 'COUNT(*) returns one row');
  return Number(rows[0]!.c);
}
