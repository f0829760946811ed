import assert from 'node:assert/strict';
import type { OperationalStore } from '@orch/core';
import type { SuiteContext } from '../common/context.js';
import { withinMs } from '../helpers/async.js';
import { createTestTable, readIds } from './sql.js';

/** Nested transactions are savepoints: they roll back alone but commit only with their parent. */
export function registerSavepointTests(ctx: SuiteContext<OperationalStore>): void {
  ctx.describe('nested transactions (savepoints)', () => {
    ctx.test('inner rollback keeps the outer work', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const innerError = new Error('inner fails');
      await store.transaction(async (tx) => {
        await tx.execute(t.insert, ['outer-before', 'o', 1]);
        let caught: unknown;
        try {
          await tx.transaction(async (sp) => {
            assert.equal(sp.depth, 2, 'the first savepoint has depth 2');
            await sp.execute(t.insert, ['inner', 'i', 2]);
            assert.deepEqual(await sp.query(`SELECT id FROM ${t.name} WHERE id = 'inner'`), [
              { id: 'inner' },
            ]);
            throw innerError;
          });
        } catch (err) {
          caught = err;
        }
        assert.equal(caught, innerError, 'the savepoint rethrows the callback error unchanged');
        assert.deepEqual(
          await tx.query(`SELECT id FROM ${t.name} WHERE id = 'inner'`),
          [],
          'the savepoint work is gone at once',
        );
        await tx.execute(t.insert, ['outer-after', 'o', 3]);
      });
      assert.deepEqual(await readIds(store, t.name), ['outer-after', 'outer-before']);
    });

    ctx.test('inner commit then outer rollback loses both', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.execute(t.insert, ['outer', 'o', 1]);
          const value = await tx.transaction(async (sp) => {
            await sp.execute(t.insert, ['inner', 'i', 2]);
            return 'inner-result';
          });
          assert.equal(value, 'inner-result', 'a savepoint returns its callback result');
          throw new Error('outer fails');
        }),
        /outer fails/,
      );
      assert.deepEqual(await readIds(store, t.name), []);
    });

    ctx.test('three levels: a middle rollback also discards the committed innermost work', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      await store.transaction(async (tx) => {
        await tx.execute(t.insert, ['l1', 'x', 1]);
        await assert.rejects(
          tx.transaction(async (l2) => {
            await l2.execute(t.insert, ['l2', 'x', 2]);
            await l2.transaction(async (l3) => {
              assert.equal(l3.depth, 3);
              await l3.execute(t.insert, ['l3', 'x', 3]);
            });
            throw new Error('level 2 fails');
          }),
          /level 2 fails/,
        );
        await tx.transaction(async (again) => {
          assert.equal(again.depth, 2, 'a savepoint opened after a rolled-back one is depth 2 again');
          await again.execute(t.insert, ['l2b', 'x', 4]);
        });
      });
      assert.deepEqual(await readIds(store, t.name), ['l1', 'l2b']);
    });

    ctx.test('sibling savepoints are independent', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      await store.transaction(async (tx) => {
        await tx.transaction(async (sp) => {
          await sp.execute(t.insert, ['s1', 'x', 1]);
        });
        await tx
          .transaction(async (sp) => {
            await sp.execute(t.insert, ['s2', 'x', 2]);
            throw new Error('second sibling fails');
          })
          .catch(() => undefined);
        await tx.transaction(async (sp) => {
          await sp.execute(t.insert, ['s3', 'x', 3]);
        });
      });
      assert.deepEqual(await readIds(store, t.name), ['s1', 's3']);
    });

    ctx.test(
      'using the outer tx handle from inside a savepoint does not deadlock and joins the savepoint',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        await withinMs(
          store.transaction(async (tx) => {
            await tx.execute(t.insert, ['outer', 'o', 1]);
            await tx
              .transaction(async () => {
                // The outer handle, not the savepoint's: waiting for the outer scope would deadlock.
                await tx.execute(t.insert, ['via-outer-handle', 'x', 2]);
                throw new Error('roll back the savepoint');
              })
              .catch(() => undefined);
          }),
          10_000,
          'tx.execute inside tx.transaction',
        );
        assert.deepEqual(
          await readIds(store, t.name),
          ['outer'],
          'the write made from inside the savepoint went with it',
        );
      },
    );
  });
}
