import assert from 'node:assert/strict';
import type { Metadata, VectorInput, VectorRecord, VectorStore } from '@orch/core';
import { expectOrchError } from '../helpers/errors.js';
import { eventually, quiesce } from '../helpers/eventually.js';
import { newCollection, type VectorContext, vectorEnv } from './context.js';

const valid = (id: string): VectorRecord => ({ id, vector: [1, 2, 3], metadata: { ok: true } });

/** Upsert `bad` after two valid records and check the whole call wrote nothing. */
async function rejectsWhole(
  store: VectorStore,
  collection: string,
  bad: unknown,
  code: 'ORCH_INVALID_INPUT' | 'ORCH_DIMENSION_MISMATCH',
  what: string,
): Promise<void> {
  await expectOrchError(
    () => store.upsert(collection, [valid('v1'), valid('v2'), bad as VectorRecord]),
    code,
    `upsert: ${what}`,
    'vector',
  );
}

/** Input the engines would store and then answer nonsense about is refused, with stable codes. */
export function registerValidationTests(ctx: VectorContext): void {
  ctx.describe('validation', () => {
    ctx.test(
      'bad vectors in upsert are refused with the documented codes and nothing is written',
      async (scope) => {
        const env = vectorEnv(ctx.options, scope.store);
        const { store } = scope;
        const { name } = await newCollection(scope, 3);
        const cases: [string, unknown, 'ORCH_INVALID_INPUT' | 'ORCH_DIMENSION_MISMATCH'][] = [
          ['NaN', [1, Number.NaN, 3], 'ORCH_INVALID_INPUT'],
          ['Infinity', [1, Number.POSITIVE_INFINITY, 3], 'ORCH_INVALID_INPUT'],
          ['-Infinity', [Number.NEGATIVE_INFINITY, 1, 3], 'ORCH_INVALID_INPUT'],
          ['a component beyond the float32 range', [1, 1e39, 3], 'ORCH_INVALID_INPUT'],
          [
            'a Float64Array component beyond the float32 range',
            new Float64Array([1, -1e39, 3]),
            'ORCH_INVALID_INPUT',
          ],
          ['empty', [], 'ORCH_INVALID_INPUT'],
          ['a string component', [1, '2', 3], 'ORCH_INVALID_INPUT'],
          ['a null component', [1, null, 3], 'ORCH_INVALID_INPUT'],
          ['not an array', '1,2,3', 'ORCH_INVALID_INPUT'],
          ['too short', [1, 2], 'ORCH_DIMENSION_MISMATCH'],
          ['too long', [1, 2, 3, 4], 'ORCH_DIMENSION_MISMATCH'],
          ['a zero vector on a cosine collection', [0, 0, 0], 'ORCH_INVALID_INPUT'],
        ];
        for (const [what, vector, code] of cases)
          await rejectsWhole(store, name, { id: 'bad', vector }, code, what);
        await quiesce(env.consistency);
        assert.equal(
          await store.count(name),
          0,
          'the valid records in the rejected batches were not written',
        );
        assert.deepEqual(await store.get(name, ['v1', 'v2', 'bad']), []);
      },
    );

    ctx.test(
      'strings the store cannot keep as given (lone surrogates) in ids, documents and metadata are refused, nothing written',
      async (scope) => {
        const env = vectorEnv(ctx.options, scope.store);
        const { store } = scope;
        const { name } = await newCollection(scope, 3);
        const cases: [string, unknown][] = [
          ['a lone high surrogate in the document', { id: 's1', vector: [1, 2, 3], document: 'a\ud800b' }],
          [
            'a lone low surrogate in a metadata value',
            { id: 's2', vector: [1, 2, 3], metadata: { title: '\udc00' } },
          ],
          ['a lone surrogate in the id', { id: 'id\ud83d', vector: [1, 2, 3] }],
        ];
        for (const [what, record] of cases)
          await rejectsWhole(store, name, record, 'ORCH_INVALID_INPUT', what);
        await store.upsert(name, [
          { id: 'pair', vector: [1, 2, 3], document: '\ud83d\ude00', metadata: { t: '\ud83d\ude00' } },
        ]);
        await quiesce(env.consistency);
        assert.equal(await store.count(name), 1, 'only the well-formed record was written');
        const [kept] = await store.get(name, ['pair']);
        assert.equal(kept?.document, '\ud83d\ude00', 'a well-formed surrogate pair is kept as given');
        assert.equal(kept?.metadata?.t, '\ud83d\ude00');
      },
    );

    ctx.test('a dimension mismatch names both dimensions', async (scope) => {
      const { store } = scope;
      const { name } = await newCollection(scope, 3);
      const err = await expectOrchError(
        () => store.upsert(name, [{ id: 'x', vector: [1, 2, 3, 4, 5] }]),
        'ORCH_DIMENSION_MISMATCH',
        'upsert 5 into 3',
        'vector',
      );
      assert.match(err.message, /3/);
      assert.match(err.message, /5/);
    });

    ctx.test('bad query vectors and topK are refused', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 3);
      await store.upsert(name, [valid('v1')]);
      await eventually(env.consistency, async () => assert.equal(await store.count(name), 1));
      const vectors: [string, unknown, 'ORCH_INVALID_INPUT' | 'ORCH_DIMENSION_MISMATCH'][] = [
        ['NaN', [Number.NaN, 1, 1], 'ORCH_INVALID_INPUT'],
        ['Infinity', [1, 1, Number.POSITIVE_INFINITY], 'ORCH_INVALID_INPUT'],
        ['beyond the float32 range', [1, 1e39, 1], 'ORCH_INVALID_INPUT'],
        ['empty', [], 'ORCH_INVALID_INPUT'],
        ['wrong length', [1, 2], 'ORCH_DIMENSION_MISMATCH'],
        ['zero on cosine', [0, 0, 0], 'ORCH_INVALID_INPUT'],
        ['missing', undefined, 'ORCH_INVALID_INPUT'],
      ];
      for (const [what, vector, code] of vectors) {
        await expectOrchError(
          () => store.query(name, { vector: vector as VectorInput, topK: 1 }),
          code,
          `query vector ${what}`,
          'vector',
        );
      }
      for (const topK of [0, -1, 1.5, 10_001, '3', undefined]) {
        await expectOrchError(
          () => store.query(name, { vector: [1, 2, 3], topK: topK as number }),
          'ORCH_INVALID_INPUT',
          `topK ${String(topK)}`,
          'vector',
        );
      }
    });

    ctx.test('ids must be non-empty strings of at most 512 characters', async (scope) => {
      const env = vectorEnv(ctx.options, scope.store);
      const { store } = scope;
      const { name } = await newCollection(scope, 3);
      for (const [what, id] of [
        ['empty', ''],
        ['513 characters', 'x'.repeat(513)],
        ['a number', 5],
        ['missing', undefined],
      ] as const) {
        await rejectsWhole(store, name, { id, vector: [1, 2, 3] }, 'ORCH_INVALID_INPUT', `id ${what}`);
      }
      const longest = `${'y'.repeat(511)}z`;
      await store.upsert(name, [{ id: longest, vector: [1, 2, 3] }]);
      await eventually(env.consistency, async () => {
        const got = await store.get(name, [longest]);
        assert.equal(got[0]?.id, longest, 'a 512-character id round-trips');
      });
      assert.equal(await store.count(name), 1);
    });

    ctx.test(
      'metadata that is null, nested, an array, non-finite, badly keyed or too large is refused',
      async (scope) => {
        const env = vectorEnv(ctx.options, scope.store);
        const { store } = scope;
        const { name } = await newCollection(scope, 3);
        const cases: [string, unknown][] = [
          ['a null value', { a: null }],
          ['a nested object', { a: { b: 1 } }],
          ['an array value', { tags: ['x', 'y'] }],
          ['NaN', { n: Number.NaN }],
          ['Infinity', { n: Number.POSITIVE_INFINITY }],
          ['an undefined value', { a: undefined }],
          ['a key with a space', { 'bad key': 1 }],
          ['a key starting with $', { $op: 1 }],
          ['a key starting with a digit', { '1st': 1 }],
          ['metadata null', null],
          ['metadata an array', [1, 2]],
          ['metadata a string', 'meta'],
          ['more than 40 000 bytes', { big: 'x'.repeat(40_001) }],
        ];
        for (const [what, metadata] of cases) {
          await rejectsWhole(
            store,
            name,
            { id: 'bad', vector: [1, 2, 3], metadata: metadata as Metadata },
            'ORCH_INVALID_INPUT',
            `metadata ${what}`,
          );
        }
        await rejectsWhole(
          store,
          name,
          { id: 'bad', vector: [1, 2, 3], document: 42 },
          'ORCH_INVALID_INPUT',
          'a non-string document',
        );
        await rejectsWhole(store, name, null, 'ORCH_INVALID_INPUT', 'a null record');
        await expectOrchError(
          () => store.upsert(name, 'records' as unknown as VectorRecord[]),
          'ORCH_INVALID_INPUT',
          'upsert of a non-array',
          'vector',
        );
        await quiesce(env.consistency);
        assert.equal(await store.count(name), 0);
      },
    );
  });
}
