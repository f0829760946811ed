import assert from 'node:assert/strict';
import type { OperationalStore } from '@orch/core';
import type { SuiteContext } from '../common/context.js';
import { deferred, sleep, withinMs } from '../helpers/async.js';
import { createTestTable, readIds } from './sql.js';

const DEADLOCK_MS = 10_000;

/**
 * Calls on the store itself from inside a transaction callback join that transaction (the
 * async context tells); calls from other callers never do.
 */
export function registerTransactionContextTests(ctx: SuiteContext<OperationalStore>): void {
  ctx.describe('transaction context', () => {
    ctx.test(
      'store.execute and store.query inside the callback join the transaction (no deadlock)',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        await withinMs(
          store
            .transaction(async (tx) => {
              await tx.execute(t.insert, ['via-tx', 'x', 1]);
              await store.execute(t.insert, ['via-store', 'x', 2]);
              const seen = await store.query<{ id: string }>(`SELECT id FROM ${t.name} ORDER BY id`);
              assert.deepEqual(
                seen.map((r) => r.id),
                ['via-store', 'via-tx'],
                'store.query sees the uncommitted rows',
              );
              throw new Error('roll back');
            })
            .catch((err: Error) => assert.equal(err.message, 'roll back')),
          DEADLOCK_MS,
          'store.query inside a transaction callback',
        );
        assert.deepEqual(
          await readIds(store, t.name),
          [],
          'the store.execute write was part of the rolled-back transaction',
        );
      },
    );

    ctx.test(
      'store.transaction inside the callback opens a savepoint of the running transaction',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        await withinMs(
          store.transaction(async (tx) => {
            await tx.execute(t.insert, ['outer', 'x', 1]);
            await store
              .transaction(async (inner) => {
                assert.equal(inner.depth, 2, 'store.transaction inside a callback nests (depth 2)');
                await inner.execute(t.insert, ['inner', 'x', 2]);
                throw new Error('inner only');
              })
              .catch(() => undefined);
            await store.transaction(async (inner) => {
              await inner.execute(t.insert, ['inner-kept', 'x', 3]);
            });
          }),
          DEADLOCK_MS,
          'store.transaction inside a transaction callback',
        );
        assert.deepEqual(await readIds(store, t.name), ['inner-kept', 'outer']);
      },
    );

    ctx.test(
      'store.executeMany and store.batch inside the callback are rolled back with it',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        await withinMs(
          store
            .transaction(async () => {
              await store.executeMany(t.insert, [
                ['m1', 'x', 1],
                ['m2', 'x', 2],
              ]);
              await store.batch([{ sql: t.insert, params: ['b1', 'x', 3] }]);
              throw new Error('undo all');
            })
            .catch(() => undefined),
          DEADLOCK_MS,
          'executeMany/batch inside a transaction callback',
        );
        assert.deepEqual(await readIds(store, t.name), []);
      },
    );

    ctx.test(
      'another caller never sees uncommitted writes and its own write survives the rollback',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        const written = deferred();
        const release = deferred();
        const tx = store.transaction(async (handle) => {
          await handle.execute(t.insert, ['uncommitted', 'x', 1]);
          written.resolve();
          await release.promise;
          throw new Error('rollback');
        });
        tx.catch(() => undefined);
        await written.promise;
        // These start from the test's own async context, outside the callback: they must not join.
        const outsideRead = store.query<{ id: string }>(`SELECT id FROM ${t.name}`);
        const outsideWrite = store.execute(t.insert, ['outside', 'x', 2]);
        outsideRead.catch(() => undefined);
        outsideWrite.catch(() => undefined);
        await sleep(30);
        release.resolve();
        await assert.rejects(withinMs(tx, DEADLOCK_MS, 'the transaction'), /rollback/);
        const seen = await withinMs(outsideRead, DEADLOCK_MS, 'a read from another caller');
        assert.ok(
          !seen.some((r) => r.id === 'uncommitted'),
          'the other caller saw a row that was never committed',
        );
        const result = await withinMs(outsideWrite, DEADLOCK_MS, 'a write from another caller');
        assert.equal(result.changes, 1);
        assert.deepEqual(
          await readIds(store, t.name),
          ['outside'],
          "the other caller's write was not swallowed by the rollback",
        );
      },
    );

    ctx.test(
      'a store call scheduled in a callback but run after the transaction ended runs on its own',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        const late = deferred<number>();
        await store.transaction(async (tx) => {
          await tx.execute(t.insert, ['in-tx', 'x', 1]);
          // The timer inherits the transaction's async context but fires after the commit.
          setTimeout(() => {
            store.execute(t.insert, ['late', 'x', 2]).then((r) => late.resolve(r.changes), late.reject);
          }, 20);
        });
        assert.equal(
          await withinMs(late.promise, DEADLOCK_MS, 'a store call after the transaction ended'),
          1,
        );
        assert.deepEqual(await readIds(store, t.name), ['in-tx', 'late']);
      },
    );
  });
}
