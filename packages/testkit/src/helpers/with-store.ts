import type { Adapter } from '@orch/core';

/** What a test body receives: its own store and a way to register cleanup of shared-server state. */
export interface StoreScope<S extends Adapter> {
  readonly store: S;
  /**
   * Register cleanup (drop a table, a collection, delete nodes). Runs in reverse order after the
   * test, on this store, or on a fresh one when the test closed it. Cleanup failures are ignored
   * so they never hide the test's own result.
   */
  defer(cleanup: (store: S) => Promise<unknown>): void;
}

/** Create a store, run `body`, clean up, and always close the store. */
export async function withStore<S extends Adapter>(
  create: () => Promise<S>,
  body: (scope: StoreScope<S>) => Promise<void>,
): Promise<void> {
  const store = await create();
  const cleanups: ((store: S) => Promise<unknown>)[] = [];
  try {
    await body({ store, defer: (cleanup) => cleanups.push(cleanup) });
  } finally {
    if (cleanups.length > 0) {
      let cleaner: S | undefined = store;
      if (store.closed) cleaner = await create().catch(() => undefined);
      if (cleaner) {
        for (const cleanup of cleanups.reverse()) {
          try {
            await cleanup(cleaner);
          } catch {
            // Best effort: a shared server keeps a stray table at worst.
          }
        }
        if (cleaner !== store) await cleaner.close().catch(() => undefined);
      }
    }
    await store.close();
  }
}
