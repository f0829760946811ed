import type { StoreKind } from '../kinds.js';
import type { HealthReport } from './health.js';

/**
 * What every store has, whatever its kind.
 *
 * Lifecycle: `connect()` is idempotent and memoized (concurrent callers share one attempt);
 * store methods connect lazily, so calling it is optional. `close()` is idempotent and final:
 * after it every method rejects with `ORCH_CLOSED`, except `health()`, which reports unhealthy.
 * An adapter closes only the driver clients it created; an injected client stays open.
 */
export interface Adapter {
  readonly kind: StoreKind;
  /** The URL scheme this instance was created for (e.g. `sqlite`, `memory`). */
  readonly scheme: string;
  connect(): Promise<void>;
  close(): Promise<void>;
  /** Never throws. */
  health(): Promise<HealthReport>;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /**
   * Names the database this store's statements run on, when other stores can run on it too (the
   * three kinds on one SQLite file; operational + pgvector on one PostgreSQL database);
   * undefined when it is not shared. Stores with equal keys promise that a call on one made
   * inside a transaction callback of another joins that transaction, so a cross-store write
   * commits once, atomically. `sharesEngine(a, b)` compares two stores.
   */
  readonly engineKey?: string | undefined;
  [Symbol.asyncDispose](): Promise<void>;
}
