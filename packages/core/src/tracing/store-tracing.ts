import { type TracingChannel, tracingChannel } from 'node:diagnostics_channel';
import type { StoreKind } from '../kinds.js';

/** The name of orch's tracing channel: subscribe with `diagnostics_channel.tracingChannel(ORCH_TRACING_CHANNEL)`. */
export const ORCH_TRACING_CHANNEL = 'orch:store';

/**
 * What every event of the `orch:store` tracing channel carries. The same object is passed to the
 * `start`, `asyncEnd` and `error` events of one operation, so a subscriber can keep state on it
 * (a span, say). It never holds parameter values, rows, vectors or credentials.
 */
export interface StoreOperationEvent {
  readonly kind: StoreKind;
  /** The URL scheme of the store (`sqlite`, `memory`, `neo4j` …). */
  readonly scheme: string;
  /** The public method: `query`, `execute`, `transaction`, `upsert`, `neighbors` … */
  readonly operation: string;
  /** Rows, records, nodes or edges sent with the call, where it sends any. */
  readonly inputCount?: number;
  /** Rows, records or nodes returned, or rows changed; set before `asyncEnd`. */
  resultCount?: number;
  /** Wall time of the operation in milliseconds; set before `asyncEnd` and `error`. */
  durationMs?: number;
  /** The failure; set before `error`. An OrchError, so its message is already scrubbed. */
  error?: unknown;
}

// One channel object for the process: tracingChannel() returns a new wrapper each call.
const channel: TracingChannel<StoreOperationEvent, StoreOperationEvent> =
  tracingChannel(ORCH_TRACING_CHANNEL);

/**
 * Run a store operation, publishing it on the `orch:store` tracing channel (`start`, then
 * `asyncEnd` or `error` and `asyncEnd`). Costs one property read when nobody subscribes.
 */
export function traceOperation<T>(
  event: Omit<StoreOperationEvent, 'resultCount' | 'durationMs' | 'error'>,
  fn: () => Promise<T>,
  countResult?: (result: T) => number | undefined,
): Promise<T> {
  if (!channel.hasSubscribers) {
    // No subscriber: no extra promise and no timing, but a synchronous throw still becomes a rejection.
    try {
      return fn();
    } catch (err) {
      return Promise.reject(err);
    }
  }
  return traced(event, fn, countResult);
}

async function traced<T>(
  event: Omit<StoreOperationEvent, 'resultCount' | 'durationMs' | 'error'>,
  fn: () => Promise<T>,
  countResult?: (result: T) => number | undefined,
): Promise<T> {
  const context: StoreOperationEvent = { ...event };
  const started = performance.now();
  channel.start.publish(context);
  try {
    const result = await fn();
    const count = countResult?.(result);
    if (count !== undefined) context.resultCount = count;
    context.durationMs = performance.now() - started;
    return result;
  } catch (err) {
    context.durationMs = performance.now() - started;
    context.error = err;
    channel.error.publish(context);
    throw err;
  } finally {
    channel.asyncEnd.publish(context);
  }
}
