import type { Adapter } from '@orch/core';

/**
 * The two functions every test runner provides. vitest's `describe`/`it` fit as they are; for
 * node:test pass `it: (name, fn, timeout) => it(name, { timeout }, fn)` so the timeout is kept.
 */
export interface SuiteHooks {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void> | void, timeoutMs?: number): void;
}

/** Options shared by the three suites. */
export interface CommonSuiteOptions<S extends Adapter> extends SuiteHooks {
  /** Shown in the top-level `describe`, e.g. `"sqlite"` or `"chromadb (server)"`. */
  name: string;
  /**
   * A new, unconnected or connected store. Called once per test; the test closes it. May point
   * at a server shared with other tests: the suites use unique names and clean up after themselves.
   */
  create(): Promise<S>;
  /** Per-test timeout in milliseconds, passed to `it`. Defaults to 60 000 (servers can be slow). */
  timeoutMs?: number;
  /**
   * Build a store from a URL, the way users do (usually `(url) => createAdapter(kind, url)`).
   * Enables the test that a password given in the URL never reaches an error message or health output.
   */
  createFromUrl?(url: string): Promise<unknown>;
  /**
   * The URL handed to `createFromUrl` for a given password (the suite then passes a password of
   * URL-safe characters; percent-encode anyway, as real passwords need it). Defaults to
   * `<scheme>://orch_testkit:<password>@127.0.0.1:9/orch_testkit` (nothing listens on port 9, so
   * connecting fails and the error path is exercised).
   */
  urlWithPassword?(password: string): string;
  /**
   * Alternative to `createFromUrl`: build a store (or driver client) that authenticates with this
   * password, e.g. against a server that will refuse it. Whatever it returns or throws is checked.
   */
  createWithPassword?(password: string): Promise<unknown>;
}
