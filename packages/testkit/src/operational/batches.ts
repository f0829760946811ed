import assert from 'node:assert/strict';
import type { OperationalStore, SqlValue } from '@orch/core';
import type { SuiteContext } from '../common/context.js';
import { expectOrchError } from '../helpers/errors.js';
import { uniqueName } from '../helpers/random.js';
import { countRows, createBlobTable, createTestTable, placeholders, readIds, readRows } from './sql.js';

const SIZES = [1, 100, 1000] as const;

const rowsFor = (size: number): SqlValue[][] =>
  Array.from({ length: size }, (_, i) => [`k${String(i).padStart(5, '0')}`, `label ${i}`, i]);

/** executeMany and batch are all-or-nothing and keep every row of large inputs. */
export function registerBatchTests(ctx: SuiteContext<OperationalStore>): void {
  ctx.describe('executeMany and batch', () => {
    for (const size of SIZES) {
      ctx.test(`executeMany with ${size} parameter set(s) writes every row`, async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        const result = await store.executeMany(t.insert, rowsFor(size));
        assert.equal(result.changes, size, 'changes is the sum over all sets');
        assert.equal(await countRows(store, t.name), size);
        const [sum] = await store.query<{ s: unknown }>(`SELECT CAST(SUM(n) AS INTEGER) AS s FROM ${t.name}`);
        assert.equal(Number(sum!.s), (size * (size - 1)) / 2, 'every row carries its own parameters');
        const last = `k${String(size - 1).padStart(5, '0')}`;
        const p = placeholders(store.dialect);
        assert.deepEqual(await store.query(`SELECT label FROM ${t.name} WHERE id = ${p.at(1)}`, [last]), [
          { label: `label ${size - 1}` },
        ]);
      });

      ctx.test(`batch of ${size} statement(s) returns one result per statement`, async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        const statements = rowsFor(size).map((params) => ({ sql: t.insert, params }));
        const results = await store.batch(statements);
        assert.equal(results.length, size);
        assert.ok(
          results.every((r) => r.changes === 1),
          'each insert reports one change',
        );
        assert.equal(await countRows(store, t.name), size);
        const [sum] = await store.query<{ s: unknown }>(`SELECT CAST(SUM(n) AS INTEGER) AS s FROM ${t.name}`);
        assert.equal(Number(sum!.s), (size * (size - 1)) / 2);
      });
    }

    ctx.test(
      'executeMany keeps every byte array byte for byte (any length, Buffers, views into one buffer)',
      async (scope) => {
        const { store } = scope;
        const name = await createBlobTable(scope, 'tk_blobs_', 'INTEGER');
        const p = placeholders(store.dialect);
        // More sets than one message of a worker-backed store carries, so several chunks travel.
        const shared = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31) % 256);
        const blobs: Uint8Array[] = Array.from({ length: 1200 }, (_, i) => {
          if (i % 4 === 0) return shared.subarray(i % 1000, (i % 1000) + (i % 97)); // a view, maybe empty
          if (i % 4 === 1) return Buffer.from([i % 256, 0, 255, (i >> 8) % 256]);
          if (i % 4 === 2) return new Uint8Array(0);
          return Uint8Array.from({ length: 1 + (i % 300) }, (_, k) => (i + k) % 256);
        });
        const result = await store.executeMany(
          `INSERT INTO ${name} (id, data) VALUES (${p.list(2)})`,
          blobs.map((b, i) => [i, b]),
        );
        assert.equal(result.changes, blobs.length);
        const rows = await store.query<{ id: unknown; data: unknown }>(
          `SELECT id, data FROM ${name} ORDER BY id`,
        );
        assert.equal(rows.length, blobs.length);
        for (const [i, row] of rows.entries()) {
          assert.ok(
            row.data instanceof Uint8Array,
            `row ${i}: a byte array comes back, got ${typeof row.data}`,
          );
          assert.deepEqual([...row.data], [...blobs[i]!], `row ${i}: the bytes of its own parameter`);
        }
        // Where a column may hold any type (SQLite), a byte array next to a string keeps each as given.
        if (store.dialect.name === 'postgres') return;
        const mixed = uniqueName('tk_mixed_');
        await store.execute(`CREATE TABLE ${mixed} (id INTEGER PRIMARY KEY, data)`);
        scope.defer((s) => s.execute(`DROP TABLE IF EXISTS ${mixed}`));
        await store.executeMany(`INSERT INTO ${mixed} (id, data) VALUES (${p.list(2)})`, [
          [1, Uint8Array.from([1, 2, 3])],
          [2, 'text'],
        ]);
        const back = await store.query<{ data: unknown }>(`SELECT data FROM ${mixed} ORDER BY id`);
        assert.deepEqual([...(back[0]!.data as Uint8Array)], [1, 2, 3]);
        assert.equal(back[1]!.data, 'text');
      },
    );

    ctx.test('batch runs statements of different kinds in order', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const p = placeholders(store.dialect);
      const results = await store.batch([
        { sql: t.insert, params: ['a', 'one', 1] },
        { sql: t.insert, params: ['b', 'two', 2] },
        { sql: t.insert, params: ['c', 'three', 3] },
        { sql: `UPDATE ${t.name} SET n = n * 10 WHERE n >= ${p.at(1)}`, params: [2] },
        { sql: `DELETE FROM ${t.name} WHERE id = ${p.at(1)}`, params: ['a'] },
        { sql: `UPDATE ${t.name} SET label = 'none' WHERE id = 'missing'` },
      ]);
      assert.deepEqual(
        results.map((r) => r.changes),
        [1, 1, 1, 2, 1, 0],
      );
      assert.deepEqual(await readRows(store, t.name), [
        { id: 'b', label: 'two', n: 20 },
        { id: 'c', label: 'three', n: 30 },
      ]);
    });

    ctx.test('executeMany is atomic: a failing set in the middle leaves nothing', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const sets = rowsFor(50);
      sets[25] = ['k00003', 'duplicate of set 3', -1];
      await expectOrchError(
        () => store.executeMany(t.insert, sets),
        'ORCH_CONSTRAINT_VIOLATION',
        'executeMany with a duplicate',
        'operational',
      );
      assert.equal(await countRows(store, t.name), 0);
    });

    ctx.test('batch is atomic: a failing statement in the middle leaves nothing', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      await store.execute(t.insert, ['existing', 'x', 0]);
      await expectOrchError(
        () =>
          store.batch([
            { sql: t.insert, params: ['a', 'one', 1] },
            { sql: `UPDATE ${t.name} SET label = 'changed'` },
            { sql: t.insert, params: ['existing', 'dup', 2] },
            { sql: t.insert, params: ['c', 'three', 3] },
          ]),
        'ORCH_CONSTRAINT_VIOLATION',
        'batch with a duplicate',
        'operational',
      );
      assert.deepEqual(await readRows(store, t.name), [{ id: 'existing', label: 'x', n: 0 }]);
    });

    ctx.test('a batch with a syntax error in the middle leaves nothing', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      await expectOrchError(
        () =>
          store.batch([
            { sql: t.insert, params: ['a', 'one', 1] },
            { sql: `INSRT INTO ${t.name} VALUES (1)` },
          ]),
        'ORCH_QUERY_FAILED',
        'batch with invalid SQL',
        'operational',
      );
      assert.equal(await countRows(store, t.name), 0);
    });

    ctx.test(
      'invalid parameters anywhere in executeMany or batch are rejected before anything runs',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        const sets: SqlValue[][] = [...rowsFor(3), ['late', 'x', undefined as unknown as SqlValue]];
        await expectOrchError(
          () => store.executeMany(t.insert, sets),
          'ORCH_INVALID_INPUT',
          'executeMany with undefined',
          'operational',
        );
        await expectOrchError(
          () =>
            store.batch([
              { sql: t.insert, params: ['a', 'x', 1] },
              { sql: t.insert, params: ['b', 'x', Number.NaN] },
            ]),
          'ORCH_INVALID_INPUT',
          'batch with NaN',
          'operational',
        );
        await expectOrchError(
          () => store.batch([{ sql: t.insert, params: ['a', 'x', 1] }, { sql: '' }]),
          'ORCH_INVALID_INPUT',
          'batch with empty SQL',
          'operational',
        );
        assert.equal(await countRows(store, t.name), 0);
      },
    );

    ctx.test('empty executeMany and batch are no-ops', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      assert.equal((await store.executeMany(t.insert, [])).changes, 0);
      assert.deepEqual(await store.batch([]), []);
      assert.equal(await countRows(store, t.name), 0);
    });

    ctx.test('executeMany inside a transaction is undone with it', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      await assert.rejects(
        store.transaction(async (tx) => {
          const r = await tx.executeMany(t.insert, rowsFor(10));
          assert.equal(r.changes, 10);
          const results = await tx.batch([{ sql: t.insert, params: ['extra', 'x', 99] }]);
          assert.equal(results.length, 1);
          assert.equal(await countRows(tx, t.name), 11);
          throw new Error('undo');
        }),
        /undo/,
      );
      assert.deepEqual(await readIds(store, t.name), []);
    });
  });
}
