/** How long to wait before retry number `attempt` (0-based). */
export interface BackoffPolicy {
  /** First delay in milliseconds. Default 20. */
  readonly baseMs?: number;
  /** Longest delay in milliseconds. Default 2,000. */
  readonly maxMs?: number;
  /**
   * Random spread, 0 to 1, so callers that failed together do not retry together. Default 0.5
   * (the delay is between half and all of the exponential value).
   */
  readonly jitter?: number;
}

/**
 * The one retry delay of orch: exponential from `baseMs`, capped at `maxMs`, with jitter. Used
 * by the transaction retries, the outbox replay and the adapters' request retries.
 *
 * @example
 * await new Promise((r) => setTimeout(r, backoffDelay(attempt, { baseMs: 100, maxMs: 30_000 })));
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = {},
  random: () => number = Math.random,
): number {
  const base = policy.baseMs ?? 20;
  const max = policy.maxMs ?? 2_000;
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0.5));
  const exponential = Math.min(max, base * 2 ** Math.max(0, Math.min(30, attempt)));
  return Math.round(exponential * (1 - jitter * random()));
}
