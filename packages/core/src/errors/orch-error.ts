import type { StoreKind } from '../kinds.js';
import { type OrchErrorCode, RETRIABLE_BY_DEFAULT } from './error-codes.js';
import { redact, redactDeep } from './secrets.js';

const ORCH_ERROR_BRAND = Symbol.for('orch.error');

/** Options accepted by the {@link OrchError} constructor. */
export interface OrchErrorOptions {
  /** The store the error came from, when there is one. */
  readonly kind?: StoreKind | undefined;
  /** Overrides the default for the code (connection, timeout and busy errors are retriable). */
  readonly retriable?: boolean | undefined;
  /** The original driver error; kept so nothing is lost when debugging. Its message is scrubbed too. */
  readonly cause?: unknown;
  /**
   * Structured, credential-free facts about the failure (the field that was wrong, ids, counts).
   * Driver errors carry `driverCode` (the engine's own code); constraint violations carry
   * `constraint` (`unique`, `not_null`, `foreign_key`, `check`, `other`) and `fields` where the
   * engine names them. Copied, scrubbed and frozen at construction.
   */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The one error type every orch package throws. Branch on `code`, never on the message.
 * Messages and the wrapped cause are scrubbed of every credential orch has seen.
 *
 * @example
 * try {
 *   await store.execute('INSERT INTO t (id) VALUES (?)', [1]);
 * } catch (err) {
 *   if (isOrchError(err, 'ORCH_CONSTRAINT_VIOLATION')) console.log('duplicate id');
 *   else throw err;
 * }
 */
export class OrchError extends Error {
  readonly code: OrchErrorCode;
  readonly kind: StoreKind | undefined;
  readonly retriable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: OrchErrorCode, message: string, options: OrchErrorOptions = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: scrubCause(options.cause) });
    this.name = 'OrchError';
    this.code = code;
    this.kind = options.kind;
    this.retriable = options.retriable ?? RETRIABLE_BY_DEFAULT.has(code);
    this.details = Object.freeze(options.details ? redactDeep({ ...options.details }) : {});
    Object.defineProperty(this, ORCH_ERROR_BRAND, { value: true });
    if (this.stack) this.stack = redact(this.stack);
  }

  /**
   * A copy of this error with more details (the original is never changed, so its details stay
   * scrubbed and frozen).
   *
   * @example
   * throw err.withDetails({ written: 1000 });
   */
  withDetails(details: Readonly<Record<string, unknown>>): OrchError {
    const copy = new OrchError(this.code, this.message, {
      kind: this.kind,
      retriable: this.retriable,
      cause: this.cause,
      details: { ...this.details, ...details },
    });
    if (this.stack) copy.stack = this.stack;
    return copy;
  }

  /** JSON form for logs and MCP responses: no stack, no cause, no credentials. */
  toJSON(): {
    name: string;
    code: OrchErrorCode;
    kind?: StoreKind;
    retriable: boolean;
    message: string;
    details: Readonly<Record<string, unknown>>;
  } {
    return {
      name: this.name,
      code: this.code,
      ...(this.kind ? { kind: this.kind } : {}),
      retriable: this.retriable,
      message: this.message,
      details: this.details,
    };
  }
}

/**
 * True when `err` is an OrchError (from any copy of @orch/core), optionally with the given code.
 *
 * @example
 * if (isOrchError(err, 'ORCH_NOT_FOUND')) return null;
 */
export function isOrchError(err: unknown, code?: OrchErrorCode): err is OrchError {
  if (typeof err !== 'object' || err === null) return false;
  const branded = (err as Record<symbol, unknown>)[ORCH_ERROR_BRAND] === true;
  return branded && (code === undefined || (err as OrchError).code === code);
}

function scrubCause(cause: unknown): unknown {
  if (cause instanceof Error) {
    const message = redact(cause.message);
    if (message !== cause.message) {
      try {
        Object.defineProperty(cause, 'message', { value: message, configurable: true, writable: true });
        if (cause.stack)
          Object.defineProperty(cause, 'stack', {
            value: redact(cause.stack),
            configurable: true,
            writable: true,
          });
      } catch {
        // A frozen error cannot be scrubbed: drop it rather than leak a credential.
        return new Error(message);
      }
    }
  }
  return cause;
}
