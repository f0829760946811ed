import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { type Adapter, isOrchError } from '@orch/core';
import { settle } from '../helpers/async.js';
import {
  assertNoSecret,
  errorTexts,
  findLeak,
  freshPassword,
  freshUrlSafePassword,
  secretForms,
} from '../helpers/secrets.js';
import type { StoreScope } from '../helpers/with-store.js';
import type { SuiteContext } from './context.js';

/** A kind-specific way to make the store fail on input that contains `text`. */
export interface EchoSpec<S extends Adapter> {
  /** What the trigger does, for the test name. */
  readonly description: string;
  /** Must reject; the error would naturally quote `text` (an SQL literal, an id, a name). */
  trigger(scope: StoreScope<S>, text: string): Promise<unknown>;
}

/**
 * Credentials never reach messages or health output. Two angles: input that carries a URL with
 * a password (every store), and a store built from such a URL (when the suite gets `createFromUrl`
 * or `createWithPassword`).
 */
export function registerRedactionTests<S extends Adapter>(ctx: SuiteContext<S>, echo: EchoSpec<S>): void {
  ctx.describe('credential redaction', () => {
    ctx.test(`an error caused by ${echo.description} never shows a URL password`, async (scope) => {
      const password = freshPassword();
      const host = 'db.orch-testkit.invalid';
      const url = `postgres://orch_user:${encodeURIComponent(password)}@${host}:5432/orch`;
      // Sanity: the detector must find the secret where it is, or this test could never fail.
      assert.ok(findLeak([`x${url}x`], secretForms(password)), 'leak detector self-check');
      const outcome = await settle(echo.trigger(scope, url));
      assert.equal(outcome.ok, false, `${echo.description} was expected to fail`);
      const err = outcome.ok ? undefined : outcome.error;
      assert.ok(isOrchError(err), `the failure must be an OrchError, got ${String(err)}`);
      assertNoSecret(errorTexts(err), secretForms(password), 'error output');
      if (err.message.includes(host)) {
        assert.ok(err.message.includes('***'), 'the URL is quoted, so its password must be replaced by ***');
      }
    });

    const { createFromUrl, createWithPassword, urlWithPassword } = ctx.options;
    if (createFromUrl || createWithPassword) {
      ctx.test('a store given a password never shows it in errors or health()', async ({ store }) => {
        // With the default builder the password is percent-encoded here, so it may contain anything.
        const password = urlWithPassword ? freshUrlSafePassword() : freshPassword();
        const secrets = secretForms(password);
        assert.ok(findLeak([`[${password}]`], secrets), 'leak detector self-check');
        const url = urlWithPassword
          ? urlWithPassword(password)
          : `${store.scheme}://orch_testkit:${encodeURIComponent(password)}@127.0.0.1:9/orch_testkit`;
        const created = await settle(createWithPassword ? createWithPassword(password) : createFromUrl!(url));
        if (!created.ok) {
          assertNoSecret(errorTexts(created.error), secrets, 'error thrown while creating the store');
          return;
        }
        const other = created.value as Partial<Adapter> | null;
        if (other && typeof other.health === 'function') {
          const report = await other.health();
          assertNoSecret([JSON.stringify(report), inspect(report, { depth: 6 })], secrets, 'health() output');
        }
        if (other && typeof other.connect === 'function') {
          const connected = await settle(other.connect());
          if (!connected.ok) assertNoSecret(errorTexts(connected.error), secrets, 'connect() error');
        }
        if (other && typeof other.close === 'function') {
          const closed = await settle(other.close());
          if (!closed.ok) assertNoSecret(errorTexts(closed.error), secrets, 'close() error');
          if (typeof other.health === 'function') {
            const report = await other.health();
            assertNoSecret(
              [JSON.stringify(report), inspect(report, { depth: 6 })],
              secrets,
              'health() output after close',
            );
          }
        }
      });
    }
  });
}
