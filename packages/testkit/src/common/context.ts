import type { Adapter, StoreKind } from '@orch/core';
import { type StoreScope, withStore } from '../helpers/with-store.js';
import type { CommonSuiteOptions } from '../types.js';

/** What every test file of a suite receives: the runner hooks and a way to run one test. */
export interface SuiteContext<S extends Adapter> {
  readonly kind: StoreKind;
  readonly options: CommonSuiteOptions<S>;
  describe(name: string, fn: () => void): void;
  /** Register a test that gets its own store (closed afterwards) and cleanup scope. */
  test(name: string, body: (scope: StoreScope<S>) => Promise<void>): void;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

export function suiteContext<S extends Adapter>(
  kind: StoreKind,
  options: CommonSuiteOptions<S>,
): SuiteContext<S> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    kind,
    options,
    describe: (name, fn) => options.describe(name, fn),
    test: (name, body) => options.it(name, () => withStore(() => options.create(), body), timeout),
  };
}
