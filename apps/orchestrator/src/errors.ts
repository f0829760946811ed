import { isOrchError, OrchError, type OrchErrorCode } from '@orch/core';

/** What a client or a script sees of a failure: never a stack trace or a driver's internals. */
export interface ErrorPayload {
  readonly code: OrchErrorCode;
  readonly message: string;
  readonly retriable: boolean;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Any thrown value as an OrchError (unknown errors become `ORCH_QUERY_FAILED` with their message only). */
export function toOrchError(err: unknown): OrchError {
  if (isOrchError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new OrchError('ORCH_QUERY_FAILED', `Unexpected failure: ${message}`, { cause: err });
}

export function errorPayload(err: unknown): ErrorPayload {
  const e = toOrchError(err);
  return { code: e.code, message: e.message, retriable: e.retriable, details: e.details };
}

export function invalidInput(message: string, details: Record<string, unknown> = {}): OrchError {
  return new OrchError('ORCH_INVALID_INPUT', message, { details });
}

export function notFound(what: string, id: string): OrchError {
  return new OrchError('ORCH_NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist.`, {
    details: { id },
  });
}

export function conflict(message: string, details: Record<string, unknown> = {}): OrchError {
  return new OrchError('ORCH_CONFLICT', message, { details });
}
