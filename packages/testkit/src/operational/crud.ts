import assert from 'node:assert/strict';
import type { OperationalStore } from '@orch/core';
import type { SuiteContext } from '../common/context.js';
import { expectOrchError } from '../helpers/errors.js';
import { uniqueName } from '../helpers/random.js';
import { createTestTable, placeholders, readRows } from './sql.js';

/** Plain statements outside transactions: each one is durable on its own. */
export function registerCrudTests(ctx: SuiteContext<OperationalStore>): void {
  ctx.describe('CRUD', () => {
    ctx.test('the dialect object answers every question higher layers ask', async ({ store }) => {
      const { dialect } = store;
      assert.equal(typeof dialect.name, 'string');
      assert.ok(dialect.name.length > 0, 'dialect.name is empty');
      const one = dialect.placeholder(1);
      const two = dialect.placeholder(2);
      assert.equal(
        dialect.placeholders("SELECT ? AS a, '?' AS b, ? AS c"),
        `SELECT ${one} AS a, '?' AS b, ${two} AS c`,
        'placeholders() rewrites ? outside string literals only',
      );
      for (const key of ['forUpdate'] as const) assert.equal(typeof dialect[key], 'string', key);
      for (const fn of [
        'transactionLock',
        'millisecondsBetween',
        'upsert',
        'jsonText',
        'returning',
        'begin',
      ] as const)
        assert.equal(typeof dialect[fn], 'function', fn);
      const [row] = await store.query<{ ms: number | string }>(
        dialect.placeholders(
          `SELECT ${dialect.millisecondsBetween("'2026-01-01T00:00:00.000Z'", "'2026-01-01T00:00:01.500Z'")} AS ms`,
        ),
      );
      assert.equal(
        Math.round(Number(row?.ms)),
        1500,
        'millisecondsBetween measures ISO-8601 text timestamps',
      );
      assert.equal(store.kind, 'operational');
      assert.equal(typeof store.capabilities.returning, 'boolean');
      assert.equal(typeof store.capabilities.multiProcess, 'boolean');
    });

    ctx.test('insert, select, update and delete report changes and persist', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const p = placeholders(store.dialect);
      const inserted = await store.execute(t.insert, ['a', 'first', 1]);
      assert.equal(inserted.changes, 1);
      await store.execute(t.insert, ['b', 'second', 2]);
      await store.execute(t.insert, ['c', null, null]);
      assert.deepEqual(await readRows(store, t.name), [
        { id: 'a', label: 'first', n: 1 },
        { id: 'b', label: 'second', n: 2 },
        { id: 'c', label: null, n: null },
      ]);

      const one = await store.query<{ label: string }>(`SELECT label FROM ${t.name} WHERE id = ${p.at(1)}`, [
        'b',
      ]);
      assert.deepEqual(one, [{ label: 'second' }]);
      assert.deepEqual(
        await store.query(`SELECT id FROM ${t.name} WHERE id = ${p.at(1)}`, ['zzz']),
        [],
        'no rows is an empty array',
      );

      const updated = await store.execute(`UPDATE ${t.name} SET n = n + 10 WHERE n IS NOT NULL`);
      assert.equal(updated.changes, 2, 'UPDATE counts the rows it changed');
      const none = await store.execute(`UPDATE ${t.name} SET n = 0 WHERE id = ${p.at(1)}`, ['missing']);
      assert.equal(none.changes, 0, 'an UPDATE matching nothing reports 0 changes');

      const deleted = await store.execute(`DELETE FROM ${t.name} WHERE id IN (${p.list(2)})`, ['a', 'c']);
      assert.equal(deleted.changes, 2);
      assert.deepEqual(await readRows(store, t.name), [{ id: 'b', label: 'second', n: 12 }]);
    });

    ctx.test('query returns rows in ORDER BY order with column names as keys', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      for (const [id, n] of [
        ['x', 3],
        ['y', 1],
        ['z', 2],
      ] as const)
        await store.execute(t.insert, [id, `L${n}`, n]);
      const rows = await store.query<Record<string, unknown>>(
        `SELECT id AS ident, label FROM ${t.name} ORDER BY n DESC`,
      );
      assert.deepEqual(rows, [
        { ident: 'x', label: 'L3' },
        { ident: 'z', label: 'L2' },
        { ident: 'y', label: 'L1' },
      ]);
    });

    ctx.test('lastInsertId is the generated key on sqlite', async (scope) => {
      const { store } = scope;
      const name = uniqueName('tk_auto_');
      const key = store.dialect.name === 'postgres' ? 'id SERIAL PRIMARY KEY' : 'id INTEGER PRIMARY KEY';
      await store.execute(`CREATE TABLE ${name} (${key}, label TEXT)`);
      scope.defer((s) => s.execute(`DROP TABLE IF EXISTS ${name}`));
      const p = placeholders(store.dialect);
      const first = await store.execute(`INSERT INTO ${name} (label) VALUES (${p.at(1)})`, ['one']);
      const second = await store.execute(`INSERT INTO ${name} (label) VALUES (${p.at(1)})`, ['two']);
      const rows = await store.query<{ id: unknown; label: string }>(
        `SELECT id, label FROM ${name} ORDER BY id`,
      );
      assert.equal(rows.length, 2);
      if (store.dialect.name === 'sqlite') {
        assert.notEqual(first.lastInsertId, undefined, 'sqlite reports the rowid of an insert');
        assert.equal(Number(first.lastInsertId), Number(rows[0]!.id));
        assert.equal(Number(second.lastInsertId), Number(rows[1]!.id));
      } else if (second.lastInsertId !== undefined) {
        assert.equal(
          String(second.lastInsertId),
          String(rows[1]!.id),
          'when postgres reports a key, it is the right one',
        );
      }
    });

    ctx.test(
      'a duplicate primary key is ORCH_CONSTRAINT_VIOLATION and the store stays usable',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        await store.execute(t.insert, ['dup', 'original', 1]);
        const err = await expectOrchError(
          () => store.execute(t.insert, ['dup', 'second', 2]),
          'ORCH_CONSTRAINT_VIOLATION',
          'duplicate key',
          'operational',
        );
        assert.equal(err.retriable, false, 'a constraint violation is not worth retrying');
        assert.deepEqual(
          await readRows(store, t.name),
          [{ id: 'dup', label: 'original', n: 1 }],
          'the original row is untouched',
        );
        await store.execute(t.insert, ['next', 'ok', 3]);
        assert.equal((await readRows(store, t.name)).length, 2);
      },
    );

    ctx.test(
      'invalid SQL is ORCH_QUERY_FAILED (not a raw driver error) and the store stays usable',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        await expectOrchError(
          () => store.query(`SELEC id FROM ${t.name}`),
          'ORCH_QUERY_FAILED',
          'syntax error',
          'operational',
        );
        await expectOrchError(
          () => store.query('SELECT * FROM tk_no_such_table_xyz'),
          // A missing table is a failed query; NOT_FOUND is tolerated for drivers that report it so.
          ['ORCH_QUERY_FAILED', 'ORCH_NOT_FOUND'],
          'missing table',
          'operational',
        );
        await store.execute(t.insert, ['a', 'after', 1]);
        assert.deepEqual(await readRows(store, t.name), [{ id: 'a', label: 'after', n: 1 }]);
      },
    );

    ctx.test('empty or non-string SQL is ORCH_INVALID_INPUT', async ({ store }) => {
      await expectOrchError(() => store.query(''), 'ORCH_INVALID_INPUT', 'query("")', 'operational');
      await expectOrchError(
        () => store.execute('   '),
        'ORCH_INVALID_INPUT',
        'execute("   ")',
        'operational',
      );
      await expectOrchError(
        () => store.query(42 as unknown as string),
        'ORCH_INVALID_INPUT',
        'query(42)',
        'operational',
      );
    });
  });
}
