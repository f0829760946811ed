import { isOrchError, OrchError } from '@orch/core';

/**
 * Errors every repository throws. All are `OrchError`s of kind `operational`, with structured
 * `details` (the field, the ids, the versions) so callers can branch without reading messages.
 */

/** Bad input: the message names the field and says what is expected. */
export function invalidInput(field: string, expected: string, got?: unknown): OrchError {
  const shown = got === undefined ? '' : ` (got ${describe(got)})`;
  return new OrchError('ORCH_INVALID_INPUT', `Invalid ${field}: expected ${expected}${shown}.`, {
    kind: 'operational',
    details: { field },
  });
}

/** An id that does not exist. */
export function notFound(entity: string, id: string, hint = ''): OrchError {
  return new OrchError(
    'ORCH_NOT_FOUND',
    `${entity} ${JSON.stringify(id)} does not exist${hint ? `; ${hint}` : '; check the id or create it first'}.`,
    { kind: 'operational', details: { entity, id } },
  );
}

/** A write that conflicts with the current state (stale version, forbidden transition, duplicate, cycle…). */
export function conflict(message: string, details: Record<string, unknown>): OrchError {
  return new OrchError('ORCH_CONFLICT', message, { kind: 'operational', details });
}

/** The `ORCH_CONFLICT` for an `expectedVersion` that is no longer current. */
export function staleVersion(entity: string, id: string, expected: number, actual: number): OrchError {
  return conflict(
    `${entity} ${JSON.stringify(id)} is at version ${actual}, not the expected ${expected}: someone else changed it. Re-read it and apply your change again.`,
    { reason: 'version', entity, id, expectedVersion: expected, actualVersion: actual },
  );
}

/** True for the conflict {@link staleVersion} throws (the one worth retrying). */
export function isVersionConflict(err: unknown): boolean {
  return isOrchError(err, 'ORCH_CONFLICT') && err.details.reason === 'version';
}

/**
 * Run `fn`; turn a unique-constraint failure (`details.constraint === 'unique'`, which every
 * adapter sets) into `ORCH_CONFLICT` with `message`. Other constraint failures pass through.
 */
export async function uniqueOrConflict<T>(
  fn: () => Promise<T>,
  message: string,
  details: Record<string, unknown>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isOrchError(err, 'ORCH_CONSTRAINT_VIOLATION') && err.details.constraint === 'unique') {
      throw new OrchError('ORCH_CONFLICT', message, { kind: 'operational', details, cause: err });
    }
    throw err;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}
