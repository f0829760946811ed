import { isOrchError, OrchError, type OrchErrorCode } from '@orch/core/adapter-kit';

/** HTTP status of each `@pinecone-database/pinecone` error class that stands for one status. */
const STATUS_OF_CLASS: Readonly<Record<string, number>> = {
  PineconeAuthorizationError: 401,
  PineconeNotFoundError: 404,
  PineconeMethodNotAllowedError: 405,
  PineconeConflictError: 409,
  PineconeUnprocessableEntityError: 422,
  PineconeInternalServerError: 500,
  PineconeNotImplementedError: 501,
  PineconeUnavailableError: 503,
};

/** Client errors raised before any request is sent (bad arguments, configuration). */
const CLIENT_INPUT_ERRORS = new Set(['PineconeArgumentError', 'PineconeConfigurationError']);

function nameOf(err: unknown): string {
  if (err instanceof Error) return err.name;
  return typeof err;
}

/**
 * The HTTP status behind a client error: the one the adapter's fetch recorded
 * (`httpStatus`, see `PineconeHttpError`), else the one its class stands for
 * (`PineconeBadRequestError` is 400 or 403, so it gives 400).
 */
export function statusOf(err: unknown): number | undefined {
  const recorded = (err as { httpStatus?: unknown } | null)?.httpStatus;
  if (typeof recorded === 'number') return recorded;
  const status = STATUS_OF_CLASS[nameOf(err)];
  if (status !== undefined) return status;
  return nameOf(err) === 'PineconeBadRequestError' ? 400 : undefined;
}

/** True for failures worth another attempt: 429, 5xx, the client's exhausted 5xx retries. */
export function isRetriableStatus(status: number | undefined): boolean {
  return status !== undefined && (status === 429 || status >= 500);
}

/**
 * Turn a `@pinecone-database/pinecone` error into an OrchError, from the HTTP status (as the
 * adapter's fetch saw it, else as the error class implies) and the client's error class, never
 * from message text. `details.driverCode` is the HTTP status when there was one, else the client
 * error's class name; `details.httpStatus` and `details.driverError` are set when known.
 *
 * | status / class                                  | code                       | retriable |
 * | ----------------------------------------------- | -------------------------- | --------- |
 * | 400, 422, `PineconeArgumentError`               | `ORCH_INVALID_INPUT`       | no        |
 * | 401 (`PineconeAuthorizationError`)              | `ORCH_AUTH_FAILED`         | no        |
 * | 403 (permission, quota, deletion protection)    | `ORCH_QUERY_FAILED`        | no        |
 * | 404                                             | `ORCH_NOT_FOUND`           | no        |
 * | 409                                             | `ORCH_CONFLICT`            | no        |
 * | 429                                             | `ORCH_BUSY`                | yes       |
 * | 502, 503, 504                                   | `ORCH_CONNECTION_FAILED`   | yes       |
 * | 500 and other 5xx, `PineconeMaxRetriesExceededError` | `ORCH_QUERY_FAILED`   | yes       |
 * | no response (`PineconeConnectionError`)         | `ORCH_CONNECTION_FAILED`   | yes       |
 * | the adapter's `timeoutMs`, `PineconeTimeoutError` | `ORCH_TIMEOUT`           | yes       |
 * | anything else                                   | `ORCH_QUERY_FAILED`        | no        |
 */
export function mapPineconeError(err: unknown, operation: string): OrchError {
  if (isOrchError(err)) return err;
  // The adapter's own errors carry the error the client would have raised as `cause`.
  const own = nameOf(err) === 'PineconeHttpError';
  const driverError = own ? nameOf((err as Error).cause) : nameOf(err);
  const status = statusOf(err);
  const text = own
    ? ((err as { serverMessage?: string }).serverMessage ?? (err as Error).message)
    : err instanceof Error
      ? err.message
      : String(err);
  const details: Record<string, unknown> = {
    driverCode: status ?? driverError,
    driverError,
    ...(status === undefined ? {} : { httpStatus: status }),
  };
  const make = (code: OrchErrorCode, summary: string, retriable?: boolean) =>
    new OrchError(code, `Pinecone ${operation} failed: ${summary}: ${text}`, {
      kind: 'vector',
      cause: err,
      details,
      ...(retriable === undefined ? {} : { retriable }),
    });

  if (driverError === 'PineconeRequestTimeoutError')
    return make('ORCH_TIMEOUT', 'the request timed out', true);
  if (driverError === 'PineconeTimeoutError')
    return make('ORCH_TIMEOUT', 'the index was not ready in time', true);
  // The client reports a 5xx as "max retries exceeded" even with its retries off; the adapter's
  // fetch saw the status, which says more.
  if (driverError === 'PineconeMaxRetriesExceededError' && status === undefined)
    return make('ORCH_QUERY_FAILED', "server errors outlasted the client's retries", true);
  if (CLIENT_INPUT_ERRORS.has(driverError))
    return make('ORCH_INVALID_INPUT', 'the client refused the request');
  if (status === undefined) {
    if (driverError === 'PineconeConnectionError' || driverError === 'TypeError')
      return make('ORCH_CONNECTION_FAILED', 'no response from Pinecone');
    return make('ORCH_QUERY_FAILED', driverError);
  }
  if (status === 401) return make('ORCH_AUTH_FAILED', 'the API key was refused (HTTP 401)');
  if (status === 403) return make('ORCH_QUERY_FAILED', 'forbidden (HTTP 403)', false);
  if (status === 404) return make('ORCH_NOT_FOUND', 'not found (HTTP 404)');
  if (status === 409) return make('ORCH_CONFLICT', 'conflict (HTTP 409)');
  if (status === 429) return make('ORCH_BUSY', 'rate limited (HTTP 429)', true);
  if (status === 502 || status === 503 || status === 504)
    return make('ORCH_CONNECTION_FAILED', `service unavailable (HTTP ${status})`, true);
  if (status >= 500) return make('ORCH_QUERY_FAILED', `server error (HTTP ${status})`, true);
  if (status === 400 || status === 422) return make('ORCH_INVALID_INPUT', `request refused (HTTP ${status})`);
  return make('ORCH_QUERY_FAILED', `HTTP ${status}`);
}

/** The client already retried this (its own `maxRetries`): another round would multiply them. */
export function clientAlreadyRetried(err: unknown): boolean {
  return nameOf(err) === 'PineconeMaxRetriesExceededError';
}
