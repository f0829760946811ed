import { AsyncLocalStorage } from 'node:async_hooks';
import type { Transaction } from '../operational/operational-store.js';
import { processWide } from '../util/process-wide.js';
import type { Adapter } from './adapter.js';

/**
 * A transaction of a store with an engine key, as seen by the other stores of that engine.
 * Frames nest: a savepoint's frame points at its transaction's.
 */
interface EngineFrame {
  readonly key: string;
  readonly owner: object;
  readonly tx: Transaction;
  /** False once the transaction (or savepoint) has ended. */
  readonly active: () => boolean;
  readonly parent: EngineFrame | undefined;
}

// One per process (and per copy of this package: the Symbol.for slot is shared), so stores built
// against two installed copies of @orch/core still find each other's transactions.
function frames(): AsyncLocalStorage<EngineFrame> {
  return processWide('orch.core.shared-engine', () => new AsyncLocalStorage<EngineFrame>());
}

/**
 * Run `fn` as the body of a transaction of `owner` on the engine named `key`: while it runs
 * (its async context), calls on any other store of that engine join `tx` (see
 * {@link joinedTransaction}). SqlStoreBase does this for every transaction of a store whose
 * `engineKey` is set; an adapter with its own transaction machinery calls it the same way.
 *
 * @example
 * await runAsEngineTransaction(this.engineKey, this, tx, () => fn(tx), () => open);
 */
export function runAsEngineTransaction<T>(
  key: string,
  owner: object,
  tx: Transaction,
  active: () => boolean,
  fn: () => Promise<T>,
): Promise<T> {
  const store = frames();
  return store.run({ key, owner, tx, active, parent: store.getStore() }, fn);
}

/**
 * The transaction another store of engine `key` is running in the caller's async context, or
 * undefined. A store calls this before running a statement of its own: when it answers a
 * transaction, the statement runs there, so two stores of one database never wait on each
 * other's lock and their writes commit or roll back together.
 *
 * @example
 * const tx = joinedTransaction(this.engineKey, this);
 * if (tx) return tx.query(sql, params);
 */
export function joinedTransaction(key: string | undefined, self: object): Transaction | undefined {
  if (key === undefined) return undefined;
  for (let f = frames().getStore(); f; f = f.parent) {
    if (f.key !== key || !f.active()) continue;
    // The caller's own transaction is its own business (its own scope handles it).
    return f.owner === self ? undefined : f.tx;
  }
  return undefined;
}

/**
 * Whether two stores run on one database, so a transaction of `a` carries the writes of `b`
 * made inside it (both report the same `engineKey`).
 *
 * @example
 * if (sharesEngine(db.operational, db.vector)) { ... one transaction ... }
 */
export function sharesEngine(
  a: Pick<Adapter, 'engineKey'>,
  b: Pick<Adapter, 'engineKey'> | undefined,
): boolean {
  return b !== undefined && a.engineKey !== undefined && a.engineKey === b.engineKey;
}
