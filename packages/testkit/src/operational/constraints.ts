import assert from 'node:assert/strict';
import type { OperationalStore } from '@orch/core';
import type { SuiteContext } from '../common/context.js';
import { expectOrchError } from '../helpers/errors.js';
import { uniqueName } from '../helpers/random.js';
import { countRows, placeholders } from './sql.js';

/**
 * Constraint violations say which constraint (`details.constraint`) and carry the engine's code
 * (`details.driverCode`), so callers branch on data, never on message text.
 */
export function registerConstraintTests(ctx: SuiteContext<OperationalStore>): void {
  ctx.describe('constraint violations', () => {
    ctx.test(
      'unique, not null, foreign key and check violations each name their constraint and keep nothing',
      async (scope) => {
        const { store } = scope;
        const parent = uniqueName('tk_parent_');
        const child = uniqueName('tk_child_');
        await store.execute(
          `CREATE TABLE ${parent} (id TEXT PRIMARY KEY, code TEXT UNIQUE, n INTEGER NOT NULL CHECK (n > 0))`,
        );
        await store.execute(
          `CREATE TABLE ${child} (id TEXT PRIMARY KEY, parent_id TEXT REFERENCES ${parent} (id))`,
        );
        scope.defer(async (s) => {
          await s.execute(`DROP TABLE IF EXISTS ${child}`);
          await s.execute(`DROP TABLE IF EXISTS ${parent}`);
        });
        const p = placeholders(store.dialect);
        const insertParent = `INSERT INTO ${parent} (id, code, n) VALUES (${p.list(3)})`;
        await store.execute(insertParent, ['a', 'A', 1]);
        const cases = [
          { constraint: 'unique', sql: insertParent, params: ['a', 'B', 1], what: 'a duplicate primary key' },
          {
            constraint: 'unique',
            sql: insertParent,
            params: ['b', 'A', 1],
            what: 'a duplicate UNIQUE column',
          },
          {
            constraint: 'not_null',
            sql: insertParent,
            params: ['c', 'C', null],
            what: 'NULL in a NOT NULL column',
          },
          { constraint: 'check', sql: insertParent, params: ['d', 'D', -1], what: 'a value failing a CHECK' },
          {
            constraint: 'foreign_key',
            sql: `INSERT INTO ${child} (id, parent_id) VALUES (${p.list(2)})`,
            params: ['x', 'no-such-parent'],
            what: 'a reference to a missing row',
          },
        ] as const;
        for (const c of cases) {
          const err = await expectOrchError(
            () => store.execute(c.sql, [...c.params]),
            'ORCH_CONSTRAINT_VIOLATION',
            c.what,
            'operational',
          );
          assert.equal(err.details.constraint, c.constraint, `${c.what}: details.constraint`);
          assert.ok(
            typeof err.details.driverCode === 'string' || typeof err.details.driverCode === 'number',
            `${c.what}: details.driverCode holds the engine's code (got ${String(err.details.driverCode)})`,
          );
          assert.ok(Object.isFrozen(err.details), `${c.what}: details are frozen`);
        }
        assert.equal(await countRows(store, parent), 1, 'only the first row was kept');
        assert.equal(await countRows(store, child), 0);
      },
    );

    ctx.test('a violation inside a transaction carries the same details and rolls it back', async (scope) => {
      const { store } = scope;
      const table = uniqueName('tk_unique_');
      await store.execute(`CREATE TABLE ${table} (id TEXT PRIMARY KEY)`);
      scope.defer((s) => s.execute(`DROP TABLE IF EXISTS ${table}`));
      const insert = `INSERT INTO ${table} (id) VALUES (${placeholders(store.dialect).at(1)})`;
      const err = await expectOrchError(
        () =>
          store.transaction(async (tx) => {
            await tx.execute(insert, ['k']);
            await tx.execute(insert, ['k']);
          }),
        'ORCH_CONSTRAINT_VIOLATION',
        'duplicate key inside a transaction',
        'operational',
      );
      assert.equal(err.details.constraint, 'unique');
      assert.equal(await countRows(store, table), 0, 'the transaction was rolled back');
    });
  });
}
