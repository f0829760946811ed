import type { SqlExecutor } from '@orch/core';
import { SqliteOperationalStore } from './better-sqlite3.js';
import type { ResolvedSqliteOptions } from './url.js';

/** An executor on a shared store; `close()` gives the reference back (the last one closes the store). */
export type SharedExecutor = SqlExecutor & { close(): Promise<void> };

interface Entry {
  readonly store: SqliteOperationalStore;
  refs: number;
  readonly connected: Promise<void>;
}

const SHARED_KEY = Symbol.for('orch.adapter-sqlite.shared');
type GlobalWithShared = typeof globalThis & { [SHARED_KEY]?: Map<string, Entry> };

/** Process-wide, so two copies of this package still share one writer per file. */
function entries(): Map<string, Entry> {
  const g = globalThis as GlobalWithShared;
  g[SHARED_KEY] ??= new Map();
  return g[SHARED_KEY];
}

/**
 * Borrow the operational store of a file, opening it on first use. The vector and graph stores of
 * one file run on the same store, so they share its single writer thread (no lock contention
 * between them) and their writes can join one transaction. `:memory:` is never shared: each store
 * is its own database.
 *
 * @example
 * const executor = await leaseStore(resolveSqliteOptions(parseStoreUrl('sqlite:///tasks.db'), {}));
 * await executor.query('SELECT 1');
 * await executor.close();
 */
export async function leaseStore(options: ResolvedSqliteOptions, scheme = 'sqlite'): Promise<SharedExecutor> {
  const map = entries();
  const shareable = options.key !== ':memory:';
  let entry = shareable ? map.get(options.key) : undefined;
  if (!entry || entry.store.closed) {
    const store = new SqliteOperationalStore({ options, scheme });
    entry = { store, refs: 0, connected: store.connect() };
    if (shareable) map.set(options.key, entry);
  }
  entry.refs++;
  const current = entry;
  const release = async () => {
    current.refs--;
    if (current.refs > 0) return;
    if (map.get(options.key) === current) map.delete(options.key);
    await current.store.close();
  };
  try {
    await current.connected;
  } catch (err) {
    await release();
    throw err;
  }
  const store = current.store;
  let released = false;
  return {
    dialect: 'sqlite',
    query: (sql, params) => store.query(sql, params),
    execute: (sql, params) => store.execute(sql, params),
    executeMany: (sql, sets) => store.executeMany(sql, sets),
    batch: (statements) => store.batch(statements),
    transaction: (fn, txOptions) => store.transaction(fn, txOptions),
    close: async () => {
      if (released) return;
      released = true;
      await release();
    },
  };
}

/** How many stores are shared right now, per file (for tests and diagnostics). */
export function sharedStoreRefs(): Record<string, number> {
  return Object.fromEntries([...entries()].map(([k, e]) => [k, e.refs]));
}
