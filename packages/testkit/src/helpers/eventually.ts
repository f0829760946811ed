import { sleep } from './async.js';

/** How reads wait for writes on engines that apply them asynchronously (hosted indexes). */
export interface Consistency {
  /** When false, `eventually` runs its check exactly once. */
  readonly eventual: boolean;
  /** Upper bound for polling, in milliseconds. */
  readonly timeoutMs: number;
  /** Pause before a negative check ("nothing was written") so that a late write can show up. */
  readonly settleMs: number;
}

/**
 * Run `check` until it stops throwing. Strongly consistent stores get one attempt, so a wrong
 * answer fails at once instead of being retried into a pass.
 */
export async function eventually<T>(consistency: Consistency, check: () => Promise<T>): Promise<T> {
  if (!consistency.eventual) return check();
  const deadline = Date.now() + consistency.timeoutMs;
  let delay = 100;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() + delay > deadline) throw err;
      await sleep(delay);
      delay = Math.min(delay * 2, 2000);
    }
  }
}

/** Wait long enough that a write which should not have happened would be visible. */
export async function quiesce(consistency: Consistency): Promise<void> {
  if (consistency.eventual && consistency.settleMs > 0) await sleep(consistency.settleMs);
}
