import assert from 'node:assert/strict';
import { isOrchError, type OrchError, type OrchErrorCode, type StoreKind } from '@orch/core';

/** Short description of anything thrown, for assertion messages. */
export function describeError(err: unknown): string {
  if (isOrchError(err)) return `OrchError ${err.code}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  try {
    return `non-error value ${JSON.stringify(err)}`;
  } catch {
    return `non-error value ${String(err)}`;
  }
}

/**
 * Assert that `action` returns a promise that rejects with an OrchError of one of `codes`.
 * A synchronous throw fails too: callers chain `.catch()` on every store method, so a method
 * that throws before returning its promise breaks them. When the error names a store kind, it
 * must be `kind`.
 */
export async function expectOrchError(
  action: () => Promise<unknown>,
  codes: OrchErrorCode | readonly OrchErrorCode[],
  context: string,
  kind?: StoreKind,
): Promise<OrchError> {
  const wanted: readonly OrchErrorCode[] = typeof codes === 'string' ? [codes] : codes;
  let promise: Promise<unknown>;
  try {
    promise = action();
  } catch (err) {
    assert.fail(
      `${context}: threw synchronously instead of returning a rejected promise (${describeError(err)})`,
    );
  }
  let outcome: { resolved: true; value: unknown } | { resolved: false; error: unknown };
  try {
    outcome = { resolved: true, value: await promise };
  } catch (error) {
    outcome = { resolved: false, error };
  }
  if (outcome.resolved) {
    assert.fail(
      `${context}: expected a rejection with ${wanted.join(' or ')}, but it resolved with ${preview(outcome.value)}`,
    );
  }
  const err = outcome.error;
  assert.ok(
    isOrchError(err),
    `${context}: expected an OrchError (${wanted.join(' or ')}), got ${describeError(err)}`,
  );
  assert.ok(
    wanted.includes(err.code),
    `${context}: expected error code ${wanted.join(' or ')}, got ${err.code} (${err.message})`,
  );
  assert.ok(
    err instanceof Error,
    `${context}: an OrchError must be an Error instance (stack traces, instanceof checks)`,
  );
  assert.equal(typeof err.message, 'string');
  assert.ok(err.message.length > 0, `${context}: the error message is empty`);
  if (kind !== undefined && err.kind !== undefined) {
    assert.equal(err.kind, kind, `${context}: error reports store kind ${err.kind}, expected ${kind}`);
  }
  return err;
}

function preview(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}
