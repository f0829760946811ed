import { type BackoffPolicy, backoffDelay } from '@orch/core/adapter-kit';
import { Errors, Pinecone } from '@pinecone-database/pinecone';
import { clientAlreadyRetried, isRetriableStatus, mapPineconeError, statusOf } from './errors.js';

type FetchApi = NonNullable<ConstructorParameters<typeof Pinecone>[0]>['fetchApi'];
type FetchFn = (input: Parameters<typeof fetch>[0], init?: RequestInit) => Promise<Response>;

/** The longest `Retry-After` honoured, in milliseconds. */
const MAX_RETRY_AFTER_MS = 30_000;

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - Date.now()), MAX_RETRY_AFTER_MS);
}

function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: { message?: unknown } };
    if (typeof body.message === 'string') return body.message;
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON: the text itself
  }
  return text;
}

/**
 * A non-2xx answer, as the adapter's fetch saw it: the HTTP status, the server's message, its
 * `Retry-After`, and as `cause` the error the official client would have raised for it.
 * It extends the client's `BasePineconeError`, so the client passes it through unchanged.
 */
export class PineconeHttpError extends Errors.BasePineconeError {
  constructor(
    readonly httpStatus: number,
    readonly url: string,
    readonly serverMessage: string,
    readonly retryAfterMs: number | undefined,
  ) {
    let equivalent: Error;
    try {
      equivalent = Errors.mapHttpStatusError({ status: httpStatus, url, message: serverMessage });
    } catch (unmapped) {
      equivalent = unmapped as Error; // PineconeUnmappedHttpError (429, 502, 504 …)
    }
    super(equivalent.message, equivalent);
  }
}

/** The adapter's `timeoutMs` passed before an answer came (the request was aborted). */
export class PineconeRequestTimeoutError extends Errors.BasePineconeError {
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`No answer from ${url} within ${timeoutMs} ms (timeoutMs).`);
  }
}

/**
 * A fetch for the official client that aborts a request after `timeoutMs` and turns every
 * non-2xx answer into a {@link PineconeHttpError} carrying the status, so failures are classified
 * by their HTTP status rather than by the client's messages (the client reports a 429 as
 * "unmapped" and a 5xx, with its retries off, as "max retries exceeded").
 */
export function instrumentedFetch(base: FetchFn, timeoutMs: number | undefined): FetchFn {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const deadline = timeoutMs === undefined ? undefined : new Deadline(timeoutMs);
    const signal =
      deadline && init?.signal
        ? AbortSignal.any([init.signal, deadline.signal])
        : (deadline?.signal ?? init?.signal);
    let response: Response;
    try {
      response = await base(input, signal ? { ...init, signal } : init);
    } catch (err) {
      deadline?.clear();
      if (deadline?.signal.aborted) throw new PineconeRequestTimeoutError(url, timeoutMs!);
      throw err;
    }
    if (response.ok) {
      deadline?.clearAfterBody(response);
      return response;
    }
    const text = await response.text().catch(() => '');
    deadline?.clear();
    throw new PineconeHttpError(
      response.status,
      url,
      messageOf(text),
      parseRetryAfter(response.headers.get('retry-after')),
    );
  };
}

/**
 * One request's time limit: aborts its signal when `ms` pass. A plain timer, which costs a small
 * fraction of `AbortSignal.timeout` (a weakly held timer, per request); the timer does not keep
 * the process alive, and it is cleared once the answer's body has been read.
 */
class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;

  constructor(ms: number) {
    this.#timer = setTimeout(() => this.#controller.abort(), ms);
    this.#timer.unref?.();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  clear(): void {
    clearTimeout(this.#timer);
  }

  /**
   * Keep the limit on while the client reads the body (`json()` or `text()`, the two ways the
   * official client reads one), and clear it after. A body read some other way stays under the
   * limit until the timer fires, when aborting a finished request does nothing.
   */
  clearAfterBody(response: Response): void {
    const json = response.json.bind(response);
    const text = response.text.bind(response);
    const clear = () => this.clear();
    const readers = response as { json: () => Promise<unknown>; text: () => Promise<string> };
    readers.json = () => json().finally(clear);
    readers.text = () => text().finally(clear);
  }
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
  constructor(readonly settings: RetrySettings) {}

  async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await (this.settings.callTimeoutMs === undefined ? fn() : this.#deadline(fn));
      } catch (err) {
        const retry =
          attempt < this.settings.maxRetries &&
          !(this.settings.clientRetries === true && clientAlreadyRetried(err)) &&
          isRetriableStatus(statusOf(err));
        if (!retry) throw mapPineconeError(err, operation).withDetails({ attempts: attempt + 1 });
        const retryAfter = err instanceof PineconeHttpError ? (err.retryAfterMs ?? 0) : 0;
        await (this.settings.sleep ?? defaultSleep)(
          Math.max(backoffDelay(attempt, this.settings.backoff), retryAfter),
        );
      }
    }
  }

  async #deadline<T>(fn: () => Promise<T>): Promise<T> {
    const limit = this.settings.callTimeoutMs!;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PineconeRequestTimeoutError('Pinecone', limit)), limit);
    });
    try {
      return await Promise.race([fn(), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}
