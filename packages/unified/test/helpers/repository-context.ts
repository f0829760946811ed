import {
  isOrchError,
  type OperationalStore,
  type OrchError,
  type OrchErrorCode,
  type Row,
  type SqlExecutor,
  type SqlValue,
} from '@orch/core';
import { afterEach, beforeEach, expect } from 'vitest';
import { migrate } from '../../src/migrations/migrate.js';

/** Opens a fresh, empty operational store (the suite migrates and closes it). */
export type CreateStore = () => Promise<OperationalStore>;

export interface RepositoryTestContext {
  /** The migrated store of the current test. */
  readonly store: OperationalStore;
}

/** A fresh migrated store for every test, closed afterwards. */
export function useMigratedStore(createStore: CreateStore): RepositoryTestContext {
  let current: OperationalStore | undefined;
  beforeEach(async () => {
    current = await createStore();
    await migrate(current);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    get store() {
      if (!current) throw new Error('no store outside a test');
      return current;
    },
  };
}

/** Await `promise`, expect it to reject with an OrchError of `code`, and return the error. */
export async function expectOrchError(promise: Promise<unknown>, code: OrchErrorCode): Promise<OrchError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok)
    throw new Error(`expected ${code}, but the call resolved with ${JSON.stringify(outcome.value)}`);
  if (!isOrchError(outcome.error)) throw outcome.error;
  expect(outcome.error.code, outcome.error.message).toBe(code);
  return outcome.error;
}

/** A controllable clock for repositories (`{ now: clock.now }`). */
export class TestClock {
  #ms: number;
  constructor(start = '2026-01-01T00:00:00.000Z') {
    this.#ms = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
  set(iso: string): void {
    this.#ms = Date.parse(iso);
  }
  iso(): string {
    return new Date(this.#ms).toISOString();
  }
}

/** Wraps an executor and counts the outermost transactions opened through it. */
export function countingExecutor(inner: SqlExecutor): { executor: SqlExecutor; transactions: () => number } {
  let count = 0;
  const executor: SqlExecutor = {
    dialect: inner.dialect,
    query: (sql, params) => inner.query(sql, params),
    execute: (sql, params) => inner.execute(sql, params),
    executeMany: (sql, sets) => inner.executeMany(sql, sets),
    batch: (statements) => inner.batch(statements),
    transaction: (fn, options) => {
      count++;
      return inner.transaction(fn, options);
    },
  };
  return { executor, transactions: () => count };
}

/** Rows of a table (for checking that cascades left nothing behind). */
export async function countRows(store: SqlExecutor, table: string): Promise<number> {
  const [row] = await store.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row?.n ?? 0);
}

/**
 * Wraps an executor (and the transaction handles it hands out) so that `rewrite(sql, rows)` may
 * replace what a query returns: a way to simulate a stale read, as when another connection
 * commits between a repository's read and its write.
 */
export function interceptingExecutor(
  inner: SqlExecutor,
  rewrite: (sql: string, rows: Row[]) => Row[],
  onExecute?: (sql: string, params: readonly SqlValue[]) => void,
): SqlExecutor {
  return {
    dialect: inner.dialect,
    query: async <T = Row>(sql: string, params?: readonly SqlValue[]) =>
      rewrite(sql, await inner.query<Row>(sql, params)) as T[],
    execute: (sql, params) => {
      onExecute?.(sql, params ?? []);
      return inner.execute(sql, params);
    },
    executeMany: (sql, sets) => inner.executeMany(sql, sets),
    batch: (statements) => inner.batch(statements),
    transaction: (fn, options) =>
      inner.transaction(
        (tx) => fn(Object.assign(interceptingExecutor(tx, rewrite, onExecute), { depth: tx.depth })),
        options,
      ),
  };
}

/** Deliberately wrong input, typed as whatever the call expects (for validation tests). */
export function loose<T>(value: unknown): T {
  return value as T;
}
