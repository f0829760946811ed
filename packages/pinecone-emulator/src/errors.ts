/**
 * Errors the emulator answers with, in the two shapes Pinecone's 2026-04 OpenAPI specs publish:
 *
 * - control plane (`/indexes…`): `ErrorResponse`, `{ error: { code: 'NOT_FOUND', message }, status: 404 }`;
 * - data plane (an index's host): `rpcStatus`, `{ code: 5, message, details: [] }` with the gRPC code number.
 */

/** The error codes of the control plane's `ErrorResponse.error.code`. */
export type ErrorCode =
  | 'UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'FAILED_PRECONDITION'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'FORBIDDEN'
  | 'UNPROCESSABLE_ENTITY';

/** gRPC status numbers used in the data plane's `rpcStatus.code`. */
const GRPC_CODES: Record<ErrorCode, number> = {
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  UNAUTHENTICATED: 16,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  FORBIDDEN: 7,
  UNPROCESSABLE_ENTITY: 3,
};

/** Which of the two published error shapes a response uses. */
export type Plane = 'control' | 'data';

/** An error the emulator turns into an HTTP response with the service's status and body shape. */
export class EmulatorApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EmulatorApiError';
  }

  /** The response body for `plane`. */
  body(plane: Plane): unknown {
    if (plane === 'control') {
      return { error: { code: this.code, message: this.message }, status: this.status };
    }
    return { code: GRPC_CODES[this.code], message: this.message, details: [] };
  }
}

/** 400 INVALID_ARGUMENT. */
export function badRequest(message: string): EmulatorApiError {
  return new EmulatorApiError(400, 'INVALID_ARGUMENT', message);
}

/** 404 NOT_FOUND. */
export function notFound(message: string): EmulatorApiError {
  return new EmulatorApiError(404, 'NOT_FOUND', message);
}

/** 422 UNPROCESSABLE_ENTITY: the control plane's answer to a body that does not deserialize. */
export function unprocessable(detail: string): EmulatorApiError {
  return new EmulatorApiError(
    422,
    'UNPROCESSABLE_ENTITY',
    `Failed to deserialize the JSON body into the target type: ${detail}`,
  );
}

/**
 * A real Pinecone feature this emulator deliberately does not emulate: 400 with code UNIMPLEMENTED (not
 * 501, which the official client treats as retryable and reports as "max retries exceeded").
 */
export function notEmulated(feature: string): EmulatorApiError {
  return new EmulatorApiError(
    400,
    'UNIMPLEMENTED',
    `${feature} is not emulated by @orch/pinecone-emulator (see its README for what is).`,
  );
}
