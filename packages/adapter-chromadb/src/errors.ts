import { isOrchError, OrchError } from '@orch/core/adapter-kit';

/**
 * The chromadb client turns each HTTP status into its own error class (by `name`) and keeps no
 * status code, so the class name is the driver code; the status it stands for is added where the
 * class implies one. Names, not `instanceof`, so an injected client from another copy of
 * `chromadb` maps the same.
 */
const STATUS_BY_NAME: Readonly<Record<string, number>> = {
  ChromaClientError: 400,
  // The class is exported as ChromaUnauthorizedError, but its `name` is ChromaAuthError.
  ChromaAuthError: 401,
  ChromaUnauthorizedError: 401,
  ChromaForbiddenError: 403,
  ChromaNotFoundError: 404,
  ChromaUniqueError: 409,
  ChromaQuotaExceededError: 422,
  ChromaRateLimitError: 429,
};

/** Raised by this adapter when a request outlives `timeoutMs`. */
export class ChromaTimeoutError extends Error {
  override readonly name = 'ChromaTimeoutError';
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/**
 * Chroma answers a wrong-dimension write or query with a 400 whose only content is this sentence;
 * the client keeps no machine-readable code for it, so the sentence is matched.
 */
const DIMENSION_MESSAGE = /expecting embedding with dimension of (\d+), got (\d+)/;

export interface ChromaErrorContext {
  readonly operation: string;
  readonly collection?: string | undefined;
}

/** The client's error class name (`ChromaConnectionError`, …), or the error's own name. */
export function driverCodeOf(err: unknown): string {
  if (err instanceof Error) return err.name;
  return typeof err;
}

/** True when the client said the collection (or tenant or database) does not exist. */
export function isNotFound(err: unknown): boolean {
  return err instanceof Error && err.name === 'ChromaNotFoundError';
}

/**
 * Normalize a chromadb client error. Network failures, timeouts, 5xx and 429 are retriable; 401
 * and 403 are ORCH_AUTH_FAILED; a wrong dimension ORCH_DIMENSION_MISMATCH; a missing collection
 * ORCH_NOT_FOUND. Every error carries `details.driverCode` (the client's error class) and
 * `details.status` where the class implies an HTTP status. The original error stays as `cause`.
 */
export function mapChromaError(err: unknown, context: ChromaErrorContext): OrchError {
  if (isOrchError(err)) return err;
  const driverCode = driverCodeOf(err);
  const status = STATUS_BY_NAME[driverCode];
  const text = err instanceof Error ? err.message : String(err);
  const where = context.collection ? ` on collection "${context.collection}"` : '';
  const message = `Chroma ${context.operation}${where} failed: ${text}`;
  const details = {
    driverCode,
    ...(status !== undefined ? { status } : {}),
    ...(context.collection ? { collection: context.collection } : {}),
  };
  const base = { kind: 'vector' as const, cause: err };
  switch (driverCode) {
    case 'ChromaConnectionError':
      return new OrchError('ORCH_CONNECTION_FAILED', `${message} Check that the Chroma server is running.`, {
        ...base,
        retriable: true,
        details,
      });
    case 'ChromaTimeoutError':
      return new OrchError('ORCH_TIMEOUT', message, { ...base, retriable: true, details });
    case 'ChromaServerError':
      // 5xx (or a status the client has no class for): the server may well answer next time.
      return new OrchError('ORCH_QUERY_FAILED', message, { ...base, retriable: true, details });
    case 'ChromaRateLimitError':
      return new OrchError('ORCH_BUSY', message, { ...base, retriable: true, details });
    case 'ChromaAuthError':
    case 'ChromaUnauthorizedError':
    case 'ChromaForbiddenError':
      return new OrchError(
        'ORCH_AUTH_FAILED',
        `${message} Check the token or auth header (options token, authHeader, headers).`,
        { ...base, retriable: false, details },
      );
    case 'ChromaNotFoundError':
      return new OrchError('ORCH_NOT_FOUND', message, { ...base, retriable: false, details });
    case 'ChromaUniqueError':
      return new OrchError('ORCH_CONFLICT', message, { ...base, retriable: false, details });
    case 'ChromaClientError': {
      const dimension = DIMENSION_MESSAGE.exec(text);
      if (dimension) {
        return new OrchError(
          'ORCH_DIMENSION_MISMATCH',
          `Chroma ${context.operation}${where}: the collection has dimension ${dimension[1]}, got ${dimension[2]}.`,
          {
            ...base,
            retriable: false,
            details: { ...details, expected: Number(dimension[1]), actual: Number(dimension[2]) },
          },
        );
      }
      return new OrchError('ORCH_QUERY_FAILED', message, { ...base, retriable: false, details });
    }
    default:
      return new OrchError('ORCH_QUERY_FAILED', message, { ...base, retriable: false, details });
  }
}
