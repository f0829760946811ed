import assert from 'node:assert/strict';
import type { OperationalStore, SqlValue } from '@orch/core';
import type { SuiteContext } from '../common/context.js';
import { expectOrchError } from '../helpers/errors.js';
import { countRows, createTestTable, placeholders, readRows } from './sql.js';

const INJECTIONS = [
  "x'); DROP TABLE students; --",
  "' OR '1'='1",
  '"; DELETE FROM t; --',
  "a\\'b",
  '? $1 $2 :name @p',
] as const;

/** Parameters are bound, never pasted, and values that cannot be bound are refused up front. */
export function registerParameterTests(ctx: SuiteContext<OperationalStore>): void {
  ctx.describe('parameters', () => {
    ctx.test('undefined and NaN parameters are ORCH_INVALID_INPUT and nothing is written', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const p = placeholders(store.dialect);
      const bad: [string, SqlValue][] = [
        ['undefined', undefined as unknown as SqlValue],
        ['NaN', Number.NaN],
        ['an invalid Date', new Date(Number.NaN)],
        ['an object', { a: 1 } as unknown as SqlValue],
      ];
      for (const [what, value] of bad) {
        await expectOrchError(
          () => store.execute(t.insert, ['a', 'x', value]),
          'ORCH_INVALID_INPUT',
          `execute with ${what}`,
          'operational',
        );
        await expectOrchError(
          () => store.query(`SELECT id FROM ${t.name} WHERE n = ${p.at(1)}`, [value]),
          'ORCH_INVALID_INPUT',
          `query with ${what}`,
          'operational',
        );
      }
      assert.equal(await countRows(store, t.name), 0);
    });

    ctx.test(
      'strings the store cannot keep as given (lone surrogates) are ORCH_INVALID_INPUT, nothing written',
      async (scope) => {
        const { store } = scope;
        const t = await createTestTable(scope);
        for (const text of ['\ud800', 'ok\udfffok', 'tail\ud83d']) {
          const err = await expectOrchError(
            () => store.execute(t.insert, ['a', text, 1]),
            'ORCH_INVALID_INPUT',
            `execute with ${JSON.stringify(text)}`,
            'operational',
          );
          assert.match(err.message, /surrogate/i, 'the message says what is wrong with the string');
          await expectOrchError(
            () =>
              store.transaction((tx) =>
                tx.execute(t.insert, ['b', 'fine', 1]).then(() => tx.execute(t.insert, ['c', text, 1])),
              ),
            'ORCH_INVALID_INPUT',
            `a transaction with ${JSON.stringify(text)}`,
            'operational',
          );
        }
        await store.execute(t.insert, ['pair', '\ud83d\ude00', 1]);
        assert.deepEqual(
          await readRows(store, t.name),
          [{ id: 'pair', label: '\ud83d\ude00', n: 1 }],
          'a well-formed pair is kept as given',
        );
      },
    );

    ctx.test('named parameters (an object instead of an array) are ORCH_INVALID_INPUT', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      await expectOrchError(
        () => store.execute(t.insert, { id: 'a' } as unknown as SqlValue[]),
        'ORCH_INVALID_INPUT',
        'execute with an object of parameters',
        'operational',
      );
      assert.equal(await countRows(store, t.name), 0);
    });

    ctx.test('the invalid parameter is named in the error', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const err = await expectOrchError(
        () => store.execute(t.insert, ['a', 'x', undefined as unknown as SqlValue]),
        'ORCH_INVALID_INPUT',
        'undefined third parameter',
        'operational',
      );
      assert.match(err.message, /3|third|undefined/i, 'the message says which parameter is wrong');
    });

    ctx.test('SQL injection attempts through parameters are stored literally', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const p = placeholders(store.dialect);
      for (const [i, text] of INJECTIONS.entries()) await store.execute(t.insert, [text, text, i]);
      const rows = await readRows(store, t.name);
      assert.deepEqual(
        rows.map((r) => r.label).sort(),
        [...INJECTIONS].sort(),
        'every value came back exactly as given',
      );
      assert.ok(rows.every((r) => r.id === r.label));
      const match = await store.query<{ n: unknown }>(`SELECT n FROM ${t.name} WHERE label = ${p.at(1)}`, [
        "' OR '1'='1",
      ]);
      assert.deepEqual(
        match.map((r) => Number(r.n)),
        [1],
        'a tautology in a parameter matches only the equal row',
      );
      assert.equal(await countRows(store, t.name), INJECTIONS.length, 'the table survived');
    });

    ctx.test('null, numbers and strings round-trip through parameters', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const p = placeholders(store.dialect);
      const values: [string, string | null, number | null][] = [
        ['null-label', null, 1],
        ['null-n', 'x', null],
        ['negative', '-', -2147483648],
        ['big', 'b', 2147483647],
        ['zero', '', 0],
      ];
      await store.executeMany(t.insert, values);
      assert.deepEqual(await readRows(store, t.name), [
        { id: 'big', label: 'b', n: 2147483647 },
        { id: 'negative', label: '-', n: -2147483648 },
        { id: 'null-label', label: null, n: 1 },
        { id: 'null-n', label: 'x', n: null },
        { id: 'zero', label: '', n: 0 },
      ]);
      const nulls = await store.query<{ id: string }>(
        `SELECT id FROM ${t.name} WHERE label IS NULL OR n IS NULL ORDER BY id`,
      );
      assert.deepEqual(
        nulls.map((r) => r.id),
        ['null-label', 'null-n'],
        'null is bound as SQL NULL, not a string',
      );
      const empty = await store.query<{ id: string }>(`SELECT id FROM ${t.name} WHERE label = ${p.at(1)}`, [
        '',
      ]);
      assert.deepEqual(
        empty.map((r) => r.id),
        ['zero'],
        'the empty string is not NULL',
      );
    });

    ctx.test('bigint parameters in the safe range bind as integers', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const p = placeholders(store.dialect);
      await store.execute(t.insert, ['a', 'x', 123456789n]);
      const rows = await store.query<{ id: string }>(
        `SELECT id FROM ${t.name} WHERE n = ${p.at(1)}`,
        [123456789],
      );
      assert.deepEqual(
        rows.map((r) => r.id),
        ['a'],
      );
    });
  });
}
