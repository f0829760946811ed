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
  [Symbol.asyncDispose](): Promise<void>;
}
