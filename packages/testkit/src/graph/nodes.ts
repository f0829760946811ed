import assert from 'node:assert/strict';
import type { GraphNodeInput, Properties } from '@orch/core';
import { expectOrchError } from '../helpers/errors.js';
import { type GraphContext, namespace } from './context.js';

/** Nodes: application ids, sorted labels, properties replaced as a whole. */
export function registerNodeTests(ctx: GraphContext): void {
  ctx.describe('nodes', () => {
    ctx.test('upsertNodes then getNode returns id, sorted labels and properties', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      const [zeta, alpha] = [ns.label('Zeta'), ns.label('Alpha')];
      await ns.seed([
        { id: 'n1', labels: [zeta, alpha, alpha], properties: { title: 'Plan', n: 3 } },
        'bare',
      ]);
      assert.deepEqual(await store.getNode(ns.id('n1')), {
        id: ns.id('n1'),
        labels: [alpha, zeta],
        properties: { title: 'Plan', n: 3 },
      });
      assert.deepEqual(await store.getNode(ns.id('bare')), { id: ns.id('bare'), labels: [], properties: {} });
      assert.equal(await store.getNode(ns.id('missing')), null, 'an unknown id is null, not an error');
    });

    ctx.test(
      'strings the store cannot keep as given (lone surrogates) are refused, nothing written',
      async (scope) => {
        const { store } = scope;
        const ns = namespace(scope);
        const cases: [string, GraphNodeInput][] = [
          ['a lone surrogate in a property value', { id: ns.id('s1'), properties: { title: 'x\ud800' } }],
          [
            'a lone surrogate in a list property',
            { id: ns.id('s2'), properties: { tags: ['ok', '\udfff'] } },
          ],
          ['a lone surrogate in a property name', { id: ns.id('s3'), properties: { 'k\ud800': 1 } }],
          ['a lone surrogate in the id', { id: `${ns.id('s4')}\ud83d` }],
        ];
        for (const [what, node] of cases) {
          await expectOrchError(
            () => store.upsertNodes([{ id: ns.id('fine') }, node]),
            'ORCH_INVALID_INPUT',
            what,
            'graph',
          );
        }
        assert.equal(
          await store.getNode(ns.id('fine')),
          null,
          'the valid node of a rejected call was not written',
        );
        await expectOrchError(
          () =>
            store.upsertEdges([
              { from: ns.id('fine'), to: ns.id('fine'), type: 'T', properties: { note: '\ud800' } },
            ]),
          'ORCH_INVALID_INPUT',
          'a lone surrogate in an edge property',
          'graph',
        );
        await store.upsertNodes([{ id: ns.id('pair'), properties: { title: '\ud83d\ude00' } }]);
        assert.deepEqual((await store.getNode(ns.id('pair')))?.properties, { title: '\ud83d\ude00' });
      },
    );

    ctx.test('upsert replaces labels and properties exactly', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      const [oldLabel, newLabel, kept] = [ns.label('Old'), ns.label('New'), ns.label('Kept')];
      await ns.seed([{ id: 'r', labels: [oldLabel, kept], properties: { gone: 'yes', keep: 1 } }]);
      await store.upsertNodes([
        { id: ns.id('r'), labels: [newLabel, kept], properties: { keep: 2, fresh: true } },
      ]);
      assert.deepEqual(await store.getNode(ns.id('r')), {
        id: ns.id('r'),
        labels: [kept, newLabel].sort(),
        properties: { keep: 2, fresh: true },
      });
      assert.deepEqual(
        await store.findNodes({ label: oldLabel }),
        [],
        'the old label no longer finds the node',
      );
      await store.upsertNodes([{ id: ns.id('r') }]);
      assert.deepEqual(
        await store.getNode(ns.id('r')),
        { id: ns.id('r'), labels: [], properties: {} },
        'upsert with nothing clears both',
      );
    });

    ctx.test('upserting the same nodes twice is idempotent', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      const label = ns.label('Idem');
      const nodes: GraphNodeInput[] = ['a', 'b', 'c'].map((s) => ({
        id: ns.id(s),
        labels: [label],
        properties: { s },
      }));
      ns.track(nodes.map((n) => n.id));
      await store.upsertNodes(nodes);
      await store.upsertNodes(nodes);
      const found = await store.findNodes({ label });
      assert.deepEqual(
        found.map((n) => ns.short(n.id)),
        ['a', 'b', 'c'],
      );
    });

    ctx.test('property values of every allowed type round-trip', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      const properties: Properties = {
        text: 'héllo 🚀 日本語',
        empty: '',
        int: 42,
        negative: -7,
        float: 2.5,
        large: 2 ** 40 + 1,
        yes: true,
        no: false,
        strings: ['a', 'b', 'ü'],
        numbers: [1, 2.5, -3],
        booleans: [true, false],
        'key with spaces': 'allowed',
      };
      await ns.seed([{ id: 'p', properties }]);
      assert.deepEqual((await store.getNode(ns.id('p')))?.properties, properties);
    });

    ctx.test('getNodes returns existing nodes in the order asked', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      await ns.seed(['a', 'b', 'c']);
      const got = await store.getNodes([ns.id('c'), ns.id('missing'), ns.id('a'), ns.id('b')]);
      assert.deepEqual(
        got.map((n) => ns.short(n.id)),
        ['c', 'a', 'b'],
      );
      assert.deepEqual(await store.getNodes([]), []);
    });

    ctx.test('deleteNodes returns how many existed and removes them', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      await ns.seed(['a', 'b', 'c']);
      assert.equal(await store.deleteNodes([ns.id('a'), ns.id('missing'), ns.id('b')]), 2);
      assert.equal(await store.getNode(ns.id('a')), null);
      assert.equal(await store.getNode(ns.id('b')), null);
      assert.ok(await store.getNode(ns.id('c')), 'other nodes stay');
      assert.equal(await store.deleteNodes([ns.id('a')]), 0, 'deleting again counts nothing');
      assert.equal(await store.deleteNodes([]), 0);
    });

    ctx.test('unicode and hostile-looking ids are stored literally', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      const ids = [
        "x'}) DETACH DELETE n //",
        'ключ-🔑-鍵',
        'a b/c?d#e',
        '$id',
        '`backtick`',
        `${'y'.repeat(400)}`,
      ];
      await ns.seed(ids.map((id) => ({ id, properties: { original: id } })));
      for (const id of ids) {
        const node = await store.getNode(ns.id(id));
        assert.equal(node?.id, ns.id(id));
        assert.equal(node?.properties.original, id);
      }
      const longest = `${ns.id('')}${'z'.repeat(512 - ns.id('').length)}`;
      assert.equal(longest.length, 512);
      ns.track([longest]);
      await store.upsertNodes([{ id: longest }]);
      assert.equal((await store.getNode(longest))?.id, longest, 'a 512-character id works');
    });

    ctx.test(
      'invalid ids and properties are ORCH_INVALID_INPUT and nothing of the call is written',
      async (scope) => {
        const { store } = scope;
        const ns = namespace(scope);
        const good = { id: ns.id('good') };
        ns.track([good.id]);
        const badNodes: [string, unknown][] = [
          ['empty id', { id: '' }],
          ['513-character id', { id: 'x'.repeat(513) }],
          ['control character in id', { id: ns.id('a\u0001b') }],
          ['numeric id', { id: 7 }],
          ['null property', { id: ns.id('p1'), properties: { a: null } }],
          ['nested property', { id: ns.id('p2'), properties: { a: { b: 1 } } }],
          ['mixed array property', { id: ns.id('p3'), properties: { a: [1, 'x'] } }],
          ['NaN property', { id: ns.id('p4'), properties: { a: Number.NaN } }],
          ['labels not an array', { id: ns.id('p5'), labels: 'Task' }],
          ['not an object', null],
        ];
        for (const [what, bad] of badNodes) {
          await expectOrchError(
            () => store.upsertNodes([good, bad as GraphNodeInput]),
            'ORCH_INVALID_INPUT',
            `upsertNodes: ${what}`,
            'graph',
          );
        }
        await expectOrchError(
          () => store.upsertNodes([good, { id: good.id, properties: { again: true } }]),
          'ORCH_INVALID_INPUT',
          'the same id twice in one call',
          'graph',
        );
        assert.equal(
          await store.getNode(good.id),
          null,
          'the valid node of each rejected call was not written',
        );
        await expectOrchError(() => store.getNode(''), 'ORCH_INVALID_INPUT', 'getNode("")', 'graph');
        await expectOrchError(
          () => store.deleteNodes(['']),
          'ORCH_INVALID_INPUT',
          'deleteNodes([""])',
          'graph',
        );
      },
    );
  });
}
