import type { ExecuteResult, Row, SqlExecutor, SqlValue } from '@orch/core';
import { toDialect } from './sql.js';

/**
 * The thin layer every repository uses: `?` placeholders on every dialect, JSON columns parsed.
 * It wraps any `SqlExecutor`, so a repository works the same on the store and inside a
 * transaction handle.
 */
export class Db {
  constructor(readonly executor: SqlExecutor) {}

  get dialect() {
    return this.executor.dialect;
  }

  query<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.executor.query<T>(toDialect(this.executor.dialect, sql), params);
  }

  async one<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    const [row] = await this.query<T>(sql, params);
    return row;
  }

  execute(sql: string, params: readonly SqlValue[] = []): Promise<ExecuteResult> {
    return this.executor.execute(toDialect(this.executor.dialect, sql), params);
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

export function nowIso(): string {
  return new Date().toISOString();
}
