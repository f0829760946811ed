import type { ExecuteResult, Row, SqlDialect, SqlExecutor, SqlValue } from '@orch/core';
import { explainSchemaError } from '../migrations/schema-check.js';

/**
 * The thin layer every repository uses: SQL is written once with `?` placeholders and the
 * executor's dialect object rewrites it for the engine. It wraps any `SqlExecutor`, so a
 * repository works the same on the store and inside a transaction handle. A statement that fails
 * because the schema is behind rejects with the "run migrate() first" error instead of the
 * engine's "no such table".
 */
export class Db {
  constructor(readonly executor: SqlExecutor) {}

  get dialect(): SqlDialect {
    return this.executor.dialect;
  }

  query<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.executor
      .query<T>(this.executor.dialect.placeholders(sql), params)
      .catch((err: unknown) => this.#fail(err));
  }

  async one<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    const [row] = await this.query<T>(sql, params);
    return row;
  }

  execute(sql: string, params: readonly SqlValue[] = []): Promise<ExecuteResult> {
    return this.executor
      .execute(this.executor.dialect.placeholders(sql), params)
      .catch((err: unknown) => this.#fail(err));
  }

  /**
   * Run an `INSERT` and return the key the engine generated for `column`: through the dialect's
   * `RETURNING` clause where it has one, else the driver's `lastInsertId`.
   */
  async insertReturningId(sql: string, params: readonly SqlValue[], column = 'id'): Promise<number> {
    const returning = this.dialect.returning(column);
    if (returning !== '') {
      const row = await this.one<Record<string, unknown>>(`${sql}${returning}`, params);
      return Number(row?.[column]);
    }
    const { lastInsertId } = await this.execute(sql, params);
    return Number(lastInsertId);
  }

  async #fail(err: unknown): Promise<never> {
    throw await explainSchemaError(this.executor, err);
  }

  /** Run `fn` in a transaction (a savepoint when already inside one), with a `Db` bound to it. */
  transaction<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return this.executor.transaction((tx) => fn(new Db(tx)));
  }
}

export function parseJson<T>(text: unknown, fallback: T): T {
  if (typeof text !== 'string' || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
