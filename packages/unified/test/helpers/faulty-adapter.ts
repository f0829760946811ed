import { type Adapter, createAdapter, OrchError, type StoreKind } from '@orch/core';
import { registerAdapter } from '@orch/core/adapter-kit';

/**
 * A registered test adapter that fails on demand: `faulty://NAME?inner=URL` wraps a real store
 * (by default `memory:`) and, while its fault is armed, rejects every call with a retriable
 * ORCH_CONNECTION_FAILED (as a server that went down would), or kills the process on the first
 * write (to crash between the operational commit and the vector/graph write).
 */
export interface Fault {
  /** Fail the next `n` calls, then recover. */
  failNext(n: number): void;
  down(): void;
  up(): void;
  /** SIGKILL this process on the next write call. */
  crashOnWrite(): void;
  /** Make every write call wait `ms` before it reaches the store (0: no wait). */
  slowWrites(ms: number): void;
  /** Calls of one method, faulted or not. */
  callsOf(method: string): number;
  readonly calls: number;
  readonly failures: number;
  /** The wrapped store, for checking its contents behind the fault. */
  inner: Adapter | undefined;
}

const WRITES = new Set([
  'upsert',
  'delete',
  'upsertNodes',
  'upsertEdges',
  'deleteNodes',
  'deleteEdges',
  'ensureCollection',
]);
const LIFECYCLE = new Set(['close', 'closed', 'kind', 'scheme', 'capabilities', 'then']);

class FaultState implements Fault {
  remaining = 0;
  always = false;
  crash = false;
  writeDelayMs = 0;
  readonly byMethod = new Map<string, number>();
  calls = 0;
  failures = 0;
  inner: Adapter | undefined;
  failNext(n: number) {
    this.remaining = n;
  }
  down() {
    this.always = true;
  }
  up() {
    this.always = false;
    this.remaining = 0;
  }
  crashOnWrite() {
    this.crash = true;
  }
  slowWrites(ms: number) {
    this.writeDelayMs = ms;
  }
  callsOf(method: string): number {
    return this.byMethod.get(method) ?? 0;
  }
  shouldFail(): boolean {
    this.calls++;
    if (this.always || this.remaining > 0) {
      if (this.remaining > 0) this.remaining--;
      this.failures++;
      return true;
    }
    return false;
  }
}

const faults = new Map<string, FaultState>();

export function fault(name: string): Fault {
  let state = faults.get(name);
  if (!state) {
    state = new FaultState();
    faults.set(name, state);
  }
  return state;
}

export function registerFaultyAdapter(): void {
  registerAdapter({
    name: 'orch-test-faulty',
    schemes: ['faulty'],
    kind: ['vector', 'graph'],
    async create({ kind, url }) {
      const name = url?.host || 'default';
      const state = fault(`${name}:${kind}`) as FaultState;
      const inner = await createAdapter(kind as StoreKind, url?.params.inner ?? 'memory:', { lazy: true });
      state.inner = inner;
      return new Proxy(inner, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (typeof prop !== 'string' || typeof value !== 'function' || LIFECYCLE.has(prop)) {
            return typeof value === 'function' ? value.bind(target) : value;
          }
          return (...args: unknown[]) => {
            state.byMethod.set(prop, state.callsOf(prop) + 1);
            if (state.crash && WRITES.has(prop)) process.kill(process.pid, 'SIGKILL');
            if (prop !== 'health' && state.shouldFail()) {
              return Promise.reject(
                new OrchError('ORCH_CONNECTION_FAILED', `faulty ${kind} store "${name}" is down (injected)`, {
                  kind: kind as StoreKind,
                }),
              );
            }
            if (prop === 'health' && (state.always || state.remaining > 0)) {
              return Promise.resolve({
                status: 'unhealthy',
                latencyMs: 0,
                details: {},
                error: { code: 'ORCH_CONNECTION_FAILED', message: 'down (injected)' },
              });
            }
            const call = () => (value as (...a: unknown[]) => unknown).apply(target, args);
            if (state.writeDelayMs > 0 && WRITES.has(prop))
              return new Promise((res) => setTimeout(res, state.writeDelayMs)).then(call);
            return call();
          };
        },
      });
    },
  });
}
