import assert from 'node:assert/strict';
import { isOrchError, type OperationalStore } from '@orch/core';
import type { SuiteContext } from '../common/context.js';
import { deferred, settle, withinMs } from '../helpers/async.js';
import { createTestTable } from './sql.js';

/** close() while a transaction is open: new work is refused, nothing hangs. */
export function registerCloseDuringTransactionTests(ctx: SuiteContext<OperationalStore>): void {
  ctx.describe('close during a transaction', () => {
    ctx.test(
      'close() while a transaction runs refuses new work with ORCH_CLOSED and settles everything',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        const started = deferred();
        const release = deferred();
        const tx = settle(
          store.transaction(async (handle) => {
            await handle.execute(t.insert, ['a', 'x', 1]);
            started.resolve();
            await release.promise;
            await handle.execute(t.insert, ['b', 'x', 2]);
            return 'finished';
          }),
        );
        await started.promise;
        const closing = settle(store.close());
        assert.equal(store.closed, true, '`closed` is true as soon as close() is called');
        // Not awaited yet: with a store that waits for the transaction, awaiting here would deadlock the test.
        const refused = settle(store.query(`SELECT id FROM ${t.name}`));
        release.resolve();
        const [txOutcome, closeOutcome, refusedOutcome] = await withinMs(
          Promise.all([tx, closing, refused]),
          15_000,
          'close() during a transaction',
        );
        assert.equal(
          closeOutcome.ok,
          true,
          `close() resolves: ${closeOutcome.ok ? '' : String(closeOutcome.error)}`,
        );
        assert.ok(
          !refusedOutcome.ok && isOrchError(refusedOutcome.error, 'ORCH_CLOSED'),
          'work started after close() is refused with ORCH_CLOSED',
        );
        if (txOutcome.ok)
          assert.equal(txOutcome.value, 'finished', 'a transaction allowed to finish returns its result');
        else
          assert.ok(
            isOrchError(txOutcome.error),
            `a transaction cut short fails with an OrchError, got ${String(txOutcome.error)}`,
          );
      },
    );
  });
}
