import assert from 'node:assert/strict';
import type { Metadata } from '@orch/core';
import { eventually } from '../helpers/eventually.js';
import { UNICODE_SAMPLES } from '../operational/round-trips.js';
import { newCollection, type VectorContext, vectorEnv } from './context.js';

/** Ids, documents and metadata come back exactly as given. */
export function registerVectorRoundTripTests(ctx: VectorContext): void {
  ctx.describe('round-trips', () => {
    ctx.test('unicode ids, documents and metadata values round-trip and filter exactly', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 2);
      const ids = ['ключ-🔑-鍵', 'e\u0301', '\u00e9', 'spaces and / slashes ? # %20', '日本'];
      await store.upsert(
        name,
        ids.map((id, i) => ({
          id,
          vector: [1, i + 1],
          metadata: { label: UNICODE_SAMPLES[i]!, i },
          document: UNICODE_SAMPLES[(i + 1) % UNICODE_SAMPLES.length]!,
        })),
      );
      const got = await eventually(env.consistency, async () => {
        const records = await store.get(name, ids);
        assert.equal(records.length, ids.length);
        return records;
      });
      got.forEach((r, i) => {
        assert.equal(r.id, ids[i], `id ${i}`);
        assert.deepEqual(r.metadata, { label: UNICODE_SAMPLES[i], i });
        if (env.documents) assert.equal(r.document, UNICODE_SAMPLES[(i + 1) % UNICODE_SAMPLES.length]);
      });
      const byLabel = await store.query(name, {
        vector: [1, 1],
        topK: 10,
        filter: { label: UNICODE_SAMPLES[4]! },
      });
      assert.deepEqual(
        byLabel.map((h) => h.id),
        [ids[4]],
      );
      const nfd = await store.get(name, ['e\u0301']);
      assert.deepEqual(
        nfd.map((r) => r.metadata?.i),
        [1],
        'NFD and NFC ids are different records',
      );
    });

    ctx.test('a 20 KB metadata string, many keys and a large document round-trip exactly', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 2);
      const big = 'λ-orch-'.repeat(3000).slice(0, 20_000);
      const many: Metadata = Object.fromEntries(
        Array.from({ length: 100 }, (_, i) => [
          `k_${i}`,
          i % 3 === 0 ? `v${i}` : i % 3 === 1 ? i * 1.5 : i % 2 === 0,
        ]),
      );
      const document = UNICODE_SAMPLES.join('\n').repeat(500);
      await store.upsert(name, [
        { id: 'big', vector: [1, 0], metadata: { big }, document },
        { id: 'many', vector: [0, 1], metadata: many },
      ]);
      const [b, m] = await eventually(env.consistency, async () => {
        const records = await store.get(name, ['big', 'many']);
        assert.equal(records.length, 2);
        return records;
      });
      assert.equal(b!.metadata?.big, big, 'the 20 KB string came back changed');
      if (env.documents) assert.equal(b!.document, document, 'the large document came back changed');
      assert.deepEqual(m!.metadata, many);
      assert.equal(await store.count(name, { big }), 1, 'a 20 KB string can be filtered on');
    });

    ctx.test('metadata numbers and booleans keep their type and value', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 2);
      const metadata: Metadata = {
        int: 42,
        neg: -123.456,
        tiny: 1.5e-7,
        max: 9007199254740991,
        zero: 0,
        yes: true,
        no: false,
        empty: '',
      };
      await store.upsert(name, [{ id: 'types', vector: [1, 1], metadata }]);
      const [r] = await eventually(env.consistency, async () => {
        const records = await store.get(name, ['types']);
        assert.equal(records.length, 1);
        return records;
      });
      assert.deepEqual(
        r!.metadata,
        metadata,
        'no key added, dropped or converted (booleans stay booleans, not 1/0)',
      );
      assert.equal(await store.count(name, { yes: true, no: false, int: 42 }), 1);
    });
  });
}
