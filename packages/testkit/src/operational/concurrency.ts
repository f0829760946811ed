import assert from 'node:assert/strict';
import type { OperationalStore } from '@orch/core';
import type { SuiteContext } from '../common/context.js';
import { sleep, withinMs } from '../helpers/async.js';
import { createTestTable, placeholders, readIds, readRows } from './sql.js';

const CALLERS = 10;

/** Transactions from independent callers run as if one after another. */
export function registerConcurrencyTests(ctx: SuiteContext<OperationalStore>): void {
  ctx.describe('concurrent transactions', () => {
    ctx.test(`${CALLERS} concurrent read-modify-write transactions lose no update`, async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const p = placeholders(store.dialect);
      await store.execute(t.insert, ['counter', 'c', 0]);
      // PostgreSQL needs the row lock to serialize a read-modify-write; SQLite's BEGIN IMMEDIATE does it.
      const lock = store.dialect.forUpdate;
      const increments = Array.from({ length: CALLERS }, (_, i) =>
        store.transaction(async (tx) => {
          const [row] = await tx.query<{ n: unknown }>(
            `SELECT n FROM ${t.name} WHERE id = ${p.at(1)}${lock}`,
            ['counter'],
          );
          const current = Number(row!.n);
          await sleep(i % 3); // widen the race window
          await tx.execute(`UPDATE ${t.name} SET n = ${p.at(1)} WHERE id = ${p.at(2)}`, [
            current + 1,
            'counter',
          ]);
          return current;
        }),
      );
      const seen = await withinMs(Promise.all(increments), 30_000, 'concurrent transactions');
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        Array.from({ length: CALLERS }, (_, i) => i),
        'each transaction saw the value left by exactly one other',
      );
      assert.deepEqual(await readRows(store, t.name), [{ id: 'counter', label: 'c', n: CALLERS }]);
    });

    ctx.test('concurrent transactions that fail do not take the others down with them', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const runs = Array.from({ length: CALLERS }, (_, i) =>
        store.transaction(async (tx) => {
          await tx.execute(t.insert, [`r${String(i).padStart(2, '0')}`, 'x', i]);
          await sleep(1);
          if (i % 2 === 1) throw new Error(`caller ${i} fails`);
          return i;
        }),
      );
      const results = await withinMs(Promise.allSettled(runs), 30_000, 'concurrent transactions');
      results.forEach((r, i) => {
        if (i % 2 === 1) {
          assert.equal(r.status, 'rejected');
          assert.equal(
            (r as PromiseRejectedResult).reason.message,
            `caller ${i} fails`,
            'each caller gets its own error',
          );
        } else {
          assert.deepEqual(r, { status: 'fulfilled', value: i }, 'each caller gets its own result');
        }
      });
      assert.deepEqual(await readIds(store, t.name), ['r00', 'r02', 'r04', 'r06', 'r08']);
    });

    ctx.test('plain statements interleaved with a running transaction all land', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const tx = store.transaction(async (handle) => {
        for (let i = 0; i < 5; i++) {
          await handle.execute(t.insert, [`tx${i}`, 'x', i]);
          await sleep(1);
        }
      });
      const plain = Array.from({ length: 5 }, (_, i) => store.execute(t.insert, [`plain${i}`, 'x', i]));
      await withinMs(Promise.all([tx, ...plain]), 30_000, 'transaction plus plain statements');
      assert.equal((await readIds(store, t.name)).length, 10);
    });
  });
}
