import assert from 'node:assert/strict';
import type { OperationalStore } from '@orch/core';
import type { SuiteContext } from '../common/context.js';
import { createBlobTable, createTestTable, placeholders } from './sql.js';

/** Text that trips encodings: astral emoji, combining marks, RTL, CJK, zero-width joiners. */
export const UNICODE_SAMPLES = [
  'héllo wörld',
  'e\u0301 vs \u00e9',
  '日本語のテキスト',
  'عربى עברית',
  '🚀👩‍👩‍👧‍👦🏳️‍🌈',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u{10FFFF}',
  'tab\tnew\nline\r\n',
  'quote\' "double" `back`',
] as const;

/** Values come back exactly as they went in. */
export function registerRoundTripTests(ctx: SuiteContext<OperationalStore>): void {
  ctx.describe('round-trips', () => {
    ctx.test('unicode text round-trips exactly and compares by exact value', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const p = placeholders(store.dialect);
      for (const [i, text] of UNICODE_SAMPLES.entries()) await store.execute(t.insert, [`u${i}`, text, i]);
      for (const [i, text] of UNICODE_SAMPLES.entries()) {
        const rows = await store.query<{ label: string }>(
          `SELECT label FROM ${t.name} WHERE id = ${p.at(1)}`,
          [`u${i}`],
        );
        assert.equal(rows[0]?.label, text, `sample ${i} changed on the way`);
      }
      const byValue = await store.query<{ id: string }>(`SELECT id FROM ${t.name} WHERE label = ${p.at(1)}`, [
        '🚀👩‍👩‍👧‍👦🏳️‍🌈',
      ]);
      assert.deepEqual(
        byValue.map((r) => r.id),
        ['u4'],
      );
      const unicodeId = await store.execute(t.insert, ['ключ-🔑-鍵', 'id', 99]);
      assert.equal(unicodeId.changes, 1);
      const found = await store.query<{ n: unknown }>(`SELECT n FROM ${t.name} WHERE id = ${p.at(1)}`, [
        'ключ-🔑-鍵',
      ]);
      assert.equal(Number(found[0]?.n), 99);
    });

    ctx.test('large text (1 MiB) round-trips exactly', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const p = placeholders(store.dialect);
      const chunk = 'orch-✓-0123456789-';
      const big = chunk.repeat(Math.ceil((1024 * 1024) / chunk.length)).slice(0, 1024 * 1024);
      await store.execute(t.insert, ['big', big, 1]);
      const rows = await store.query<{ label: string }>(`SELECT label FROM ${t.name} WHERE id = ${p.at(1)}`, [
        'big',
      ]);
      assert.equal(rows[0]?.label.length, big.length);
      assert.ok(rows[0]?.label === big, 'the large text came back changed');
    });

    ctx.test('binary data (Uint8Array) round-trips byte for byte', async (scope) => {
      const { store } = scope;
      const name = await createBlobTable(scope, 'tk_blob_');
      const p = placeholders(store.dialect);
      const bytes = Uint8Array.from({ length: 1024 }, (_, i) => (i * 7) % 256);
      await store.execute(`INSERT INTO ${name} (id, data) VALUES (${p.list(2)})`, ['b', bytes]);
      const rows = await store.query<{ data: unknown }>(`SELECT data FROM ${name} WHERE id = ${p.at(1)}`, [
        'b',
      ]);
      const data = rows[0]?.data;
      assert.ok(
        data instanceof Uint8Array,
        `binary columns come back as Uint8Array (or Buffer), got ${typeof data}`,
      );
      assert.deepEqual([...data], [...bytes]);
    });

    ctx.test('a value written in a committed transaction is read back identically', async (scope) => {
      const { store } = scope;
      const t = await createTestTable(scope);
      const p = placeholders(store.dialect);
      const text = UNICODE_SAMPLES.join(' | ');
      await store.transaction((tx) => tx.execute(t.insert, ['tx', text, 7]));
      const rows = await store.query<{ label: string }>(`SELECT label FROM ${t.name} WHERE id = ${p.at(1)}`, [
        'tx',
      ]);
      assert.equal(rows[0]?.label, text);
    });
  });
}
