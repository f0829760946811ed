/**
 * Stable error codes. Callers branch on these, so a code is never renamed or reused
 * for a different meaning; new codes may be added.
 */
export const ORCH_ERROR_CODES = [
  'ORCH_ADAPTER_NOT_FOUND',
  'ORCH_INVALID_URL',
  'ORCH_INVALID_CONFIG',
  'ORCH_CONNECTION_FAILED',
  'ORCH_AUTH_FAILED',
  'ORCH_QUERY_FAILED',
  'ORCH_CONSTRAINT_VIOLATION',
  'ORCH_NOT_FOUND',
  'ORCH_CONFLICT',
  'ORCH_DIMENSION_MISMATCH',
  'ORCH_INVALID_INPUT',
  'ORCH_UNSUPPORTED_FILTER',
  'ORCH_UNSUPPORTED',
  'ORCH_TIMEOUT',
  'ORCH_CLOSED',
  'ORCH_BUSY',
] as const;

/** One of {@link ORCH_ERROR_CODES}. */
export type OrchErrorCode = (typeof ORCH_ERROR_CODES)[number];

/** Codes whose errors are worth retrying by default (the condition is expected to pass). */
export const RETRIABLE_BY_DEFAULT: ReadonlySet<OrchErrorCode> = new Set<OrchErrorCode>([
  'ORCH_CONNECTION_FAILED',
  'ORCH_TIMEOUT',
  'ORCH_BUSY',
]);
