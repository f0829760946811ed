import { AsyncLocalStorage } from 'node:async_hooks';
import { type BackoffPolicy, backoffDelay } from '@orch/core/adapter-kit';
import { Pinecone } from '@pinecone-database/pinecone';
import { clientAlreadyRetried, isRetriableStatus, mapPineconeError, statusOf } from './errors.js';

type FetchApi = NonNullable<ConstructorParameters<typeof Pinecone>[0]>['fetchApi'];
type FetchFn = (input: Parameters<typeof fetch>[0], init?: RequestInit) => Promise<Response>;

/** What the instrumented fetch records about the HTTP exchanges of one attempt. */
interface Probe {
  status?: number | undefined;
  retryAfterMs?: number | undefined;
  timedOut?: boolean | undefined;
}

const probes = new AsyncLocalStorage<Probe>();

/** The longest `Retry-After` honoured, in milliseconds. */
const MAX_RETRY_AFTER_MS = 30_000;

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - Date.now()), MAX_RETRY_AFTER_MS);
}

/**
 * A fetch for the official client that aborts a request after `timeoutMs` and records each
 * response's status (and `Retry-After`) for the call in progress, so failures are classified by
 * their HTTP status rather than by the client's messages.
 */
export function instrumentedFetch(base: FetchFn, timeoutMs: number | undefined): FetchFn {
  return async (input, init) => {
    const probe = probes.getStore();
    const timeout = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
    const signals = [init?.signal, timeout].filter((s): s is AbortSignal => s != null);
    const signal =
      signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
    try {
      const response = await base(input, signal ? { ...init, signal } : init);
      if (probe) {
        probe.status = response.status;
        probe.timedOut = false;
        probe.retryAfterMs = response.ok ? undefined : parseRetryAfter(response.headers.get('retry-after'));
      }
      return response;
    } catch (err) {
      if (probe) {
        probe.status = undefined;
        probe.timedOut = timeout?.aborted === true;
      }
      throw err;
    }
  };
}

/** How the store reaches Pinecone. */
export interface ClientSettings {
  readonly apiKey: string;
  readonly controllerHostUrl?: string | undefined;
  readonly timeoutMs?: number | undefined;
}

/**
 * A client of the adapter's own: the client's built-in retries are off (`maxRetries: 0`) so that
 * the adapter retries 429 and 5xx itself, with core's backoff, and its fetch is instrumented.
 */
export function createClient(settings: ClientSettings): Pinecone {
  const base: FetchFn = (input, init) => fetch(input, init);
  return new Pinecone({
    apiKey: settings.apiKey,
    ...(settings.controllerHostUrl === undefined ? {} : { controllerHostUrl: settings.controllerHostUrl }),
    maxRetries: 0,
    fetchApi: instrumentedFetch(base, settings.timeoutMs) as unknown as FetchApi,
  });
}

/** Duck-typed check for a `Pinecone` client (instanceof fails across two copies of the package). */
export function isPineconeClient(value: unknown): value is Pinecone {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Record<string, unknown>;
  return (
    typeof client.index === 'function' &&
    typeof client.describeIndex === 'function' &&
    typeof client.createIndex === 'function' &&
    typeof client.listIndexes === 'function' &&
    typeof client.getConfig === 'function'
  );
}

/** Retry settings of {@link PineconeCaller}. */
export interface RetrySettings {
  /** Attempts after the first one, for 429 and 5xx answers. */
  readonly maxRetries: number;
  readonly backoff: BackoffPolicy;
  /**
   * For an injected client (whose fetch the adapter does not own): a per-call deadline. The
   * request itself is not aborted; the call rejects with ORCH_TIMEOUT.
   */
  readonly callTimeoutMs?: number | undefined;
  /**
   * The client retries 5xx itself (an injected client, with its own `maxRetries`): its
   * "max retries exceeded" is then not retried again. The adapter's own client retries nothing.
   */
  readonly clientRetries?: boolean;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs client calls with retries: a 429 or 5xx answer is retried up to `maxRetries` times after
 * `backoffDelay(attempt)` (or the server's `Retry-After`, when longer); anything else, and the
 * last failure, is thrown as a mapped OrchError with `details.attempts`.
 */
export class PineconeCaller {
  /** Number of attempts made by calls so far (for tests and health details). */
  attempts = 0;
  /** Number of retries made so far. */
  retries = 0;

  constructor(readonly settings: RetrySettings) {}

  async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const sleep = this.settings.sleep ?? defaultSleep;
    for (let attempt = 0; ; attempt++) {
      const probe: Probe = {};
      this.attempts++;
      try {
        return await probes.run(probe, () => this.#deadline(operation, fn));
      } catch (err) {
        const status = statusOf(err, probe);
        const retry =
          attempt < this.settings.maxRetries &&
          !probe.timedOut &&
          !(this.settings.clientRetries === true && clientAlreadyRetried(err)) &&
          isRetriableStatus(status);
        if (retry) {
          this.retries++;
          await sleep(Math.max(backoffDelay(attempt, this.settings.backoff), probe.retryAfterMs ?? 0));
          continue;
        }
        throw mapPineconeError(err, operation, probe).withDetails({ attempts: attempt + 1 });
      }
    }
  }

  async #deadline<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const limit = this.settings.callTimeoutMs;
    if (limit === undefined) return fn();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const probe = probes.getStore();
        if (probe) probe.timedOut = true;
        reject(new Error(`${operation} took longer than ${limit} ms`));
      }, limit);
    });
    try {
      return await Promise.race([fn(), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}
