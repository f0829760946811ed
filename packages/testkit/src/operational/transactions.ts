import assert from 'node:assert/strict';
import type { OperationalStore, Transaction } from '@orch/core';
import type { SuiteContext } from '../common/context.js';
import { expectOrchError } from '../helpers/errors.js';
import { createTestTable, readIds, readRows } from './sql.js';

/** Outer transactions: commit on resolve, rollback on throw, handle dead afterwards. */
export function registerTransactionTests(ctx: SuiteContext<OperationalStore>): void {
  ctx.describe('transactions', () => {
    ctx.test('commit: the callback result is returned and every write persists', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const result = await store.transaction(async (tx) => {
        assert.equal(tx.depth, 1, 'an outer transaction has depth 1');
        assert.equal(tx.dialect, store.dialect);
        await tx.execute(t.insert, ['a', 'one', 1]);
        await tx.execute(t.insert, ['b', 'two', 2]);
        const seen = await tx.query<{ id: string }>(`SELECT id FROM ${t.name} ORDER BY id`);
        assert.deepEqual(
          seen.map((r) => r.id),
          ['a', 'b'],
          'a transaction reads its own writes',
        );
        return { answer: 42 };
      });
      assert.deepEqual(result, { answer: 42 });
      assert.deepEqual(await readIds(store, t.name), ['a', 'b']);
    });

    ctx.test('rollback on throw: the same error object is rethrown and no row is left', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      await store.execute(t.insert, ['before', 'kept', 0]);
      class Boom extends Error {}
      const boom = new Boom('boom');
      let caught: unknown;
      try {
        await store.transaction(async (tx) => {
          await tx.execute(t.insert, ['a', 'one', 1]);
          await tx.execute(`UPDATE ${t.name} SET label = 'changed'`);
          throw boom;
        });
      } catch (err) {
        caught = err;
      }
      assert.equal(caught, boom, 'the callback error is rethrown unchanged (same object, not wrapped)');
      assert.deepEqual(
        await readRows(store, t.name),
        [{ id: 'before', label: 'kept', n: 0 }],
        'insert and update were rolled back',
      );
    });

    ctx.test('rollback on throw of a non-Error value rethrows that value', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const thrown = { reason: 'not an Error' };
      let caught: unknown;
      try {
        await store.transaction(async (tx) => {
          await tx.execute(t.insert, ['a', 'one', 1]);
          throw thrown;
        });
      } catch (err) {
        caught = err;
      }
      assert.equal(caught, thrown);
      assert.deepEqual(await readIds(store, t.name), []);
    });

    ctx.test('the tx handle rejects with ORCH_CLOSED after commit and after rollback', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      let committed: Transaction | undefined;
      await store.transaction(async (tx) => {
        committed = tx;
        await tx.execute(t.insert, ['a', 'one', 1]);
      });
      assert.ok(committed);
      const dead = committed;
      await expectOrchError(
        () => dead.query(`SELECT id FROM ${t.name}`),
        'ORCH_CLOSED',
        'tx.query after commit',
        'operational',
      );
      await expectOrchError(
        () => dead.execute(t.insert, ['b', 'two', 2]),
        'ORCH_CLOSED',
        'tx.execute after commit',
        'operational',
      );
      await expectOrchError(
        () => dead.executeMany(t.insert, [['c', 'x', 3]]),
        'ORCH_CLOSED',
        'tx.executeMany after commit',
        'operational',
      );
      await expectOrchError(
        () => dead.batch([{ sql: t.insert, params: ['d', 'x', 4] }]),
        'ORCH_CLOSED',
        'tx.batch after commit',
        'operational',
      );
      await expectOrchError(
        () => dead.transaction(async () => 1),
        'ORCH_CLOSED',
        'tx.transaction after commit',
        'operational',
      );

      let rolledBack: Transaction | undefined;
      await assert.rejects(
        store.transaction(async (tx) => {
          rolledBack = tx;
          throw new Error('abort');
        }),
        /abort/,
      );
      const dead2 = rolledBack!;
      await expectOrchError(
        () => dead2.execute(t.insert, ['e', 'x', 5]),
        'ORCH_CLOSED',
        'tx.execute after rollback',
        'operational',
      );
      assert.deepEqual(await readIds(store, t.name), ['a'], 'nothing written through dead handles');
    });

    ctx.test(
      'a savepoint handle rejects with ORCH_CLOSED once the savepoint ended, while the outer one goes on',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        await store.transaction(async (tx) => {
          let inner: Transaction | undefined;
          await tx.transaction(async (sp) => {
            inner = sp;
            await sp.execute(t.insert, ['in', 'inner', 1]);
          });
          await expectOrchError(
            () => inner!.execute(t.insert, ['late', 'x', 2]),
            'ORCH_CLOSED',
            'savepoint handle after release',
            'operational',
          );
          await tx.execute(t.insert, ['out', 'outer', 3]);
        });
        assert.deepEqual(await readIds(store, t.name), ['in', 'out']);
      },
    );

    ctx.test(
      'statements started without await inside the callback still belong to the transaction',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        const pending: Promise<unknown>[] = [];
        await assert.rejects(
          store.transaction(async (tx) => {
            for (let i = 0; i < 5; i++) pending.push(tx.execute(t.insert, [`r${i}`, 'x', i]));
            await Promise.all(pending);
            throw new Error('undo');
          }),
          /undo/,
        );
        assert.deepEqual(
          await readIds(store, t.name),
          [],
          'all five inserts were rolled back with the transaction',
        );
      },
    );

    ctx.test('readOnly transactions can read', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      await store.execute(t.insert, ['a', 'one', 1]);
      const rows = await store.transaction((tx) => tx.query<{ id: string }>(`SELECT id FROM ${t.name}`), {
        readOnly: true,
      });
      assert.deepEqual(
        rows.map((r) => r.id),
        ['a'],
      );
    });

    ctx.test('transaction without a callback is ORCH_INVALID_INPUT', async ({ store }) => {
      await expectOrchError(
        () => store.transaction(undefined as unknown as (tx: Transaction) => Promise<void>),
        'ORCH_INVALID_INPUT',
        'transaction(undefined)',
        'operational',
      );
    });
  });
}
