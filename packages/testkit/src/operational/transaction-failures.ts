import assert from 'node:assert/strict';
import type { OperationalStore } from '@orch/core';
import type { SuiteContext } from '../common/context.js';
import { settle } from '../helpers/async.js';
import { expectOrchError } from '../helpers/errors.js';
import { uniqueName } from '../helpers/random.js';
import { createTestTable, placeholders, readIds, readRows } from './sql.js';

/** A statement that fails inside a transaction, and what the transaction and the store do next. */
export function registerTransactionFailureTests(ctx: SuiteContext<OperationalStore>): void {
  ctx.describe('failed statements inside transactions', () => {
    ctx.test(
      'a COMMIT that fails (deferred foreign key) rejects with a typed error, keeps nothing, and leaves the store usable',
      async (scope) => {
        const { store } = scope;
        const parent = uniqueName('tk_parent_');
        const child = uniqueName('tk_child_');
        await store.execute(`CREATE TABLE ${parent} (id TEXT PRIMARY KEY)`);
        await store.execute(
          `CREATE TABLE ${child} (id TEXT PRIMARY KEY, parent_id TEXT REFERENCES ${parent}(id) DEFERRABLE INITIALLY DEFERRED)`,
        );
        scope.defer(async (s) => {
          await s.execute(`DROP TABLE IF EXISTS ${child}`);
          await s.execute(`DROP TABLE IF EXISTS ${parent}`);
        });
        const p = placeholders(store.dialect);
        const insertChild = `INSERT INTO ${child} (id, parent_id) VALUES (${p.list(2)})`;
        let ran = false;
        await expectOrchError(
          () =>
            store.transaction(async (tx) => {
              // Every statement succeeds: the missing parent is only checked at COMMIT.
              await tx.execute(insertChild, ['orphan', 'no-such-parent']);
              ran = true;
            }),
          'ORCH_CONSTRAINT_VIOLATION',
          'transaction whose COMMIT fails a deferred foreign key',
          'operational',
        );
        assert.equal(ran, true, 'the callback ran to the end; the failure came from COMMIT');
        assert.deepEqual(await store.query(`SELECT id FROM ${child}`), []);
        // Usable afterwards: the failed transaction is gone, not left open.
        await store.transaction(async (tx) => {
          await tx.execute(`INSERT INTO ${parent} (id) VALUES (${p.at(1)})`, ['p1']);
          await tx.execute(insertChild, ['kid', 'p1']);
        });
        await store.execute(insertChild, ['kid2', 'p1']);
        const ids = (await store.query<{ id: string }>(`SELECT id FROM ${child} ORDER BY id`)).map(
          (r) => r.id,
        );
        assert.deepEqual(ids, ['kid', 'kid2']);
      },
    );

    ctx.test(
      'an uncaught constraint violation rolls the transaction back with ORCH_CONSTRAINT_VIOLATION',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        await store.execute(t.insert, ['dup', 'existing', 0]);
        await expectOrchError(
          () =>
            store.transaction(async (tx) => {
              await tx.execute(t.insert, ['a', 'one', 1]);
              await tx.execute(t.insert, ['dup', 'again', 2]);
              await tx.execute(t.insert, ['never', 'x', 3]);
            }),
          'ORCH_CONSTRAINT_VIOLATION',
          'transaction with a duplicate insert',
          'operational',
        );
        assert.deepEqual(await readRows(store, t.name), [{ id: 'dup', label: 'existing', n: 0 }]);
        // Usable afterwards: a new transaction and a plain statement both work.
        await store.transaction(async (tx) => {
          await tx.execute(t.insert, ['b', 'two', 2]);
        });
        await store.execute(t.insert, ['c', 'three', 3]);
        assert.deepEqual(await readIds(store, t.name), ['b', 'c', 'dup']);
      },
    );

    ctx.test(
      'a violation caught inside a savepoint lets the transaction continue and commit (both dialects)',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        await store.execute(t.insert, ['dup', 'existing', 0]);
        await store.transaction(async (tx) => {
          await tx.execute(t.insert, ['a', 'one', 1]);
          await expectOrchError(
            () => tx.transaction((sp) => sp.execute(t.insert, ['dup', 'again', 2])),
            'ORCH_CONSTRAINT_VIOLATION',
            'duplicate insert inside a savepoint',
            'operational',
          );
          await tx.execute(t.insert, ['b', 'two', 2]);
        });
        assert.deepEqual(await readIds(store, t.name), ['a', 'b', 'dup']);
      },
    );

    ctx.test(
      'a violation caught in the callback either keeps the other writes or fails the whole commit, never half',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        await store.execute(t.insert, ['dup', 'existing', 0]);
        const outcome = await settle(
          store.transaction(async (tx) => {
            await tx.execute(t.insert, ['a', 'one', 1]);
            await expectOrchError(
              () => tx.execute(t.insert, ['dup', 'again', 2]),
              'ORCH_CONSTRAINT_VIOLATION',
              'duplicate insert',
              'operational',
            );
            if (store.dialect.name === 'sqlite') {
              // SQLite undoes only the failed statement; the transaction goes on.
              await tx.execute(t.insert, ['b', 'two', 2]);
            }
            return 'done';
          }),
        );
        const ids = await readIds(store, t.name);
        if (store.dialect.name === 'sqlite') {
          assert.equal(
            outcome.ok,
            true,
            `on sqlite the transaction commits after a caught statement error: ${outcome.ok ? '' : String(outcome.error)}`,
          );
          assert.deepEqual(ids, ['a', 'b', 'dup']);
        } else if (outcome.ok) {
          assert.deepEqual(
            ids,
            ['a', 'dup'],
            'the transaction resolved, so its successful write must be committed',
          );
        } else {
          // PostgreSQL aborts the transaction; resolving here would silently lose row "a".
          assert.deepEqual(ids, ['dup'], 'the transaction rejected, so nothing of it may remain');
        }
        await store.execute(t.insert, ['after', 'x', 9]);
        assert.ok((await readIds(store, t.name)).includes('after'), 'the store is usable afterwards');
      },
    );

    ctx.test(
      'a violation caught and rethrown as another error rolls back and surfaces that error',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        await store.execute(t.insert, ['dup', 'existing', 0]);
        const mine = new Error('translated');
        let caught: unknown;
        try {
          await store.transaction(async (tx) => {
            await tx.execute(t.insert, ['a', 'one', 1]);
            try {
              await tx.execute(t.insert, ['dup', 'again', 2]);
            } catch {
              throw mine;
            }
          });
        } catch (err) {
          caught = err;
        }
        assert.equal(caught, mine);
        assert.deepEqual(await readIds(store, t.name), ['dup']);
      },
    );
  });
}
