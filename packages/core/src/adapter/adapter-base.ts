import { isOrchError, OrchError } from '../errors/orch-error.js';
import { redact, redactDeep } from '../errors/secrets.js';
import type { StoreKind } from '../kinds.js';
import { traceOperation } from '../tracing/store-tracing.js';
import type { Adapter } from './adapter.js';
import type { HealthReport } from './health.js';

/**
 * Lifecycle shared by every adapter: memoized connect, idempotent final close, a `health()` that
 * never throws, and `await using`. Adapter authors extend the kind-specific bases
 * (`VectorStoreBase`, `GraphStoreBase`) or this one, and implement the `do*` hooks.
 */
export abstract class AdapterBase implements Adapter {
  abstract readonly kind: StoreKind;
  abstract readonly scheme: string;
  #connecting: Promise<void> | undefined;
  #connected = false;
  #closing: Promise<void> | undefined;

  /** Open the driver connection. Called at most once unless it failed. */
  protected abstract doConnect(): Promise<void>;
  /** Release what this adapter created (never an injected client). Called at most once. */
  protected abstract doClose(): Promise<void>;
  /** A cheap round trip to the engine; throw when it fails. The returned object becomes `details`. */
  protected abstract doHealth(): Promise<Record<string, unknown>>;

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  connect(): Promise<void> {
    if (this.#closing) return Promise.reject(this.closedError());
    if (!this.#connecting) {
      this.#connecting = traceOperation({ kind: this.kind, scheme: this.scheme, operation: 'connect' }, () =>
        this.doConnect(),
      ).then(
        () => {
          this.#connected = true;
        },
        (err: unknown) => {
          this.#connecting = undefined; // let a later call retry once the engine is back
          throw this.#normalizeConnectError(err);
        },
      );
    }
    return this.#connecting;
  }

  close(): Promise<void> {
    if (!this.#closing) {
      const connecting = this.#connecting;
      this.#closing = (async () => {
        if (!connecting) return;
        try {
          await connecting;
        } catch {
          return; // never connected: nothing to release
        }
        await traceOperation({ kind: this.kind, scheme: this.scheme, operation: 'close' }, () =>
          this.doClose(),
        );
      })();
    }
    return this.#closing;
  }

  async health(): Promise<HealthReport> {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
    if (this.closed) {
      return {
        status: 'unhealthy',
        latencyMs: 0,
        details: {},
        error: { code: 'ORCH_CLOSED', message: this.closedError().message },
      };
    }
    try {
      await this.connect();
      const details = await this.doHealth();
      return { status: 'healthy', latencyMs: elapsed(), details: redactDeep(details) };
    } catch (err) {
      const code = isOrchError(err) ? err.code : 'ORCH_CONNECTION_FAILED';
      const message = redact(err instanceof Error ? err.message : String(err));
      return { status: 'unhealthy', latencyMs: elapsed(), details: {}, error: { code, message } };
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** True once connected and not closed: operations may skip awaiting {@link AdapterBase.ready}. */
  protected get isReady(): boolean {
    return this.#connected && !this.#closing;
  }

  /** Await before every operation: rejects after close, connects lazily. */
  protected ready(): Promise<void> {
    if (this.#closing) return Promise.reject(this.closedError());
    return this.connect();
  }

  protected closedError(): OrchError {
    return new OrchError(
      'ORCH_CLOSED',
      `This ${this.kind} store (${this.scheme}:) is closed; create a new one to continue.`,
      {
        kind: this.kind,
      },
    );
  }

  #normalizeConnectError(err: unknown): OrchError {
    if (isOrchError(err)) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new OrchError(
      'ORCH_CONNECTION_FAILED',
      `Could not connect the ${this.kind} store (${this.scheme}:): ${message}. Check that the server is running and the URL is right.`,
      { kind: this.kind, cause: err },
    );
  }
}
