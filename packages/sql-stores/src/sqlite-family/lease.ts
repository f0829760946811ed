import type { OperationalStore, SqlExecutor } from '@orch/core';
import { type KeyedReadsInThread, keyedReadsInThread } from '../util/keyed-reads.js';

/** An executor on a shared store; `close()` gives the reference back (the last one closes the store). */
export type SharedExecutor = SqlExecutor & KeyedReadsInThread & { close(): Promise<void> };

interface Entry {
  readonly store: OperationalStore;
  refs: number;
  readonly connected: Promise<void>;
}

const SHARED_KEY = Symbol.for('orch.sqlite-family.shared');
type GlobalWithShared = typeof globalThis & { [SHARED_KEY]?: Map<string, Entry> };

/** Process-wide, so two copies of this package still share one writer per file. */
function entries(): Map<string, Entry> {
  const g = globalThis as GlobalWithShared;
  g[SHARED_KEY] ??= new Map();
  return g[SHARED_KEY];
}

/**
 * Borrow the operational store of one database, opening it on first use: the vector and graph
 * stores of one file run on the same store, so they share its single writer (no lock contention
 * between them) and their writes can join one transaction. `key` names the database (engine and
 * absolute path); `undefined` (`:memory:`, a remote server) is never shared: each lease gets a
 * store of its own.
 *
 * @example
 * const executor = await leaseStore(`better-sqlite3:${path}`, () => openStore(path));
 * await executor.query('SELECT 1');
 * await executor.close();
 */
export async function leaseStore(
  key: string | undefined,
  open: () => OperationalStore,
): Promise<SharedExecutor> {
  const map = entries();
  let entry = key === undefined ? undefined : map.get(key);
  if (!entry || entry.store.closed) {
    const store = open();
    entry = { store, refs: 0, connected: store.connect() };
    if (key !== undefined) map.set(key, entry);
  }
  entry.refs++;
  const current = entry;
  const release = async () => {
    current.refs--;
    if (current.refs > 0) return;
    if (key !== undefined && map.get(key) === current) map.delete(key);
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
    dialect: store.dialect,
    query: (sql, params) => store.query(sql, params),
    execute: (sql, params) => store.execute(sql, params),
    executeMany: (sql, sets) => store.executeMany(sql, sets),
    batch: (statements) => store.batch(statements),
    transaction: (fn, options) => store.transaction(fn, options),
    get keyedReadsInThread() {
      return keyedReadsInThread(store);
    },
    close: async () => {
      if (released) return;
      released = true;
      await release();
    },
  };
}

/** How many leases each shared database has right now, by key (for tests and diagnostics). */
export function sharedStoreRefs(): Record<string, number> {
  return Object.fromEntries([...entries()].map(([k, e]) => [k, e.refs]));
}
