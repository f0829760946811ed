import type { SqlExecutor } from '@orch/core';

/**
 * An executor that may answer keyed reads (lookups by key, see `isKeyedPlan`) in the caller's
 * thread, with no round trip to another thread or server. A store that knows it can split one
 * query into a few keyed ones: a breadth-first search level by level instead of one recursive
 * query, say, which a read-only connection here answers faster than a reader thread answers the
 * recursive one.
 */
export interface KeyedReadsInThread {
  readonly keyedReadsInThread: boolean;
}

/** Whether `executor` says it answers keyed reads in this thread (executors that do not say: no). */
export function keyedReadsInThread(executor: SqlExecutor): boolean {
  return (executor as Partial<KeyedReadsInThread>).keyedReadsInThread === true;
}
