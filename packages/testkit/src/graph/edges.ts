import assert from 'node:assert/strict';
import type { GraphEdge } from '@orch/core';
import { expectOrchError } from '../helpers/errors.js';
import { type GraphContext, type Namespace, namespace } from './context.js';

const shortEdges = (ns: Namespace, edges: readonly GraphEdge[]) =>
  edges.map((e) => ({ from: ns.short(e.from), to: ns.short(e.to), type: e.type, properties: e.properties }));

/** Typed directed edges, unique by (from, to, type), never dangling. */
export function registerEdgeTests(ctx: GraphContext): void {
  ctx.describe('edges', () => {
    ctx.test('upsertEdges stores properties; upserting again replaces them exactly', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      await ns.seed(
        ['a', 'b'],
        [{ from: 'a', to: 'b', type: 'DEPENDS_ON', properties: { weight: 1, note: 'old' } }],
      );
      assert.deepEqual(shortEdges(ns, await store.getEdges(ns.id('a'))), [
        { from: 'a', to: 'b', type: 'DEPENDS_ON', properties: { weight: 1, note: 'old' } },
      ]);
      await store.upsertEdges(
        ns.edges([{ from: 'a', to: 'b', type: 'DEPENDS_ON', properties: { weight: 2 } }]),
      );
      await store.upsertEdges(
        ns.edges([{ from: 'a', to: 'b', type: 'DEPENDS_ON', properties: { weight: 2 } }]),
      );
      assert.deepEqual(
        shortEdges(ns, await store.getEdges(ns.id('a'))),
        [{ from: 'a', to: 'b', type: 'DEPENDS_ON', properties: { weight: 2 } }],
        'one edge, with exactly the new properties',
      );
      await store.upsertEdges(ns.edges([{ from: 'a', to: 'b', type: 'DEPENDS_ON' }]));
      assert.deepEqual(
        (await store.getEdges(ns.id('b')))[0]?.properties,
        {},
        'no properties given means none kept',
      );
    });

    ctx.test(
      'edges of different types between the same nodes, and opposite edges, are distinct',
      async (scope) => {
        const { store } = scope;
        const ns = namespace(scope);
        await ns.seed(
          ['a', 'b'],
          [
            { from: 'a', to: 'b', type: 'X' },
            { from: 'a', to: 'b', type: 'Y' },
            { from: 'b', to: 'a', type: 'X' },
          ],
        );
        assert.deepEqual(
          shortEdges(ns, await store.getEdges(ns.id('a'))).map(
            ({ from, to, type }) => `${from}-${type}->${to}`,
          ),
          ['a-X->b', 'a-Y->b', 'b-X->a'],
          'ordered by (from, to, type)',
        );
        assert.equal(await store.deleteEdges(ns.edges([{ from: 'a', to: 'b', type: 'X' }])), 1);
        assert.deepEqual(
          shortEdges(ns, await store.getEdges(ns.id('a'))).map(
            ({ from, to, type }) => `${from}-${type}->${to}`,
          ),
          ['a-Y->b', 'b-X->a'],
          'only the exact key was deleted',
        );
      },
    );

    ctx.test('getEdges follows direction (default both) and types, a self-loop once', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      await ns.seed(
        ['hub', 'x', 'y', 'z'],
        [
          { from: 'z', to: 'hub', type: 'IN_A' },
          { from: 'hub', to: 'y', type: 'OUT_B' },
          { from: 'hub', to: 'x', type: 'OUT_A' },
          { from: 'x', to: 'hub', type: 'IN_B' },
          { from: 'hub', to: 'hub', type: 'SELF' },
          { from: 'x', to: 'y', type: 'OUT_A' },
        ],
      );
      const keys = async (options: Parameters<typeof store.getEdges>[1]) =>
        shortEdges(ns, await store.getEdges(ns.id('hub'), options)).map(
          ({ from, to, type }) => `${from}-${type}->${to}`,
        );
      assert.deepEqual(await keys(undefined), [
        'hub-SELF->hub',
        'hub-OUT_A->x',
        'hub-OUT_B->y',
        'x-IN_B->hub',
        'z-IN_A->hub',
      ]);
      assert.deepEqual(await keys({ direction: 'both' }), [
        'hub-SELF->hub',
        'hub-OUT_A->x',
        'hub-OUT_B->y',
        'x-IN_B->hub',
        'z-IN_A->hub',
      ]);
      assert.deepEqual(await keys({ direction: 'out' }), ['hub-SELF->hub', 'hub-OUT_A->x', 'hub-OUT_B->y']);
      assert.deepEqual(await keys({ direction: 'in' }), ['hub-SELF->hub', 'x-IN_B->hub', 'z-IN_A->hub']);
      assert.deepEqual(await keys({ direction: 'out', types: ['OUT_A', 'IN_A'] }), ['hub-OUT_A->x']);
      assert.deepEqual(await keys({ types: ['IN_A', 'IN_B'] }), ['x-IN_B->hub', 'z-IN_A->hub']);
      assert.deepEqual(await keys({ types: ['NONE'] }), []);
    });

    ctx.test(
      'an edge to a missing node is ORCH_NOT_FOUND naming it, and nothing of the call is written',
      async (scope) => {
        const { store } = scope;
        const ns = namespace(scope);
        await ns.seed(['a', 'b']);
        const err = await expectOrchError(
          () =>
            store.upsertEdges(
              ns.edges([
                { from: 'a', to: 'b', type: 'OK' },
                { from: 'a', to: 'ghost', type: 'BAD' },
                { from: 'phantom', to: 'b', type: 'BAD' },
              ]),
            ),
          'ORCH_NOT_FOUND',
          'upsertEdges with missing endpoints',
          'graph',
        );
        assert.ok(err.message.includes(ns.id('ghost')), `the message names the missing node: ${err.message}`);
        assert.ok(
          err.message.includes(ns.id('phantom')),
          `the message names every missing node: ${err.message}`,
        );
        assert.deepEqual(await store.getEdges(ns.id('a')), [], 'the valid edge of the call was not written');
        assert.equal(await store.getNode(ns.id('ghost')), null, 'no node was created for a missing endpoint');
      },
    );

    ctx.test('the same edge twice in one call is ORCH_INVALID_INPUT', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      await ns.seed(['a', 'b']);
      await expectOrchError(
        () =>
          store.upsertEdges(
            ns.edges([
              { from: 'a', to: 'b', type: 'T' },
              { from: 'a', to: 'b', type: 'T', properties: { x: 1 } },
            ]),
          ),
        'ORCH_INVALID_INPUT',
        'duplicate edge key',
        'graph',
      );
      assert.deepEqual(await store.getEdges(ns.id('a')), []);
      await expectOrchError(
        () =>
          store.upsertEdges(
            ns.edges([{ from: 'a', to: 'b', type: 'T', properties: { bad: null as unknown as string } }]),
          ),
        'ORCH_INVALID_INPUT',
        'null edge property',
        'graph',
      );
    });

    ctx.test('deleteEdges counts existing edges and leaves nodes alone', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      await ns.seed(
        ['a', 'b', 'c'],
        [
          { from: 'a', to: 'b', type: 'T' },
          { from: 'b', to: 'c', type: 'T' },
        ],
      );
      assert.equal(
        await store.deleteEdges(ns.edges([{ from: 'b', to: 'a', type: 'T' }])),
        0,
        'the reverse key is another edge',
      );
      assert.equal(await store.deleteEdges(ns.edges([{ from: 'a', to: 'b', type: 'OTHER' }])), 0);
      assert.equal(
        await store.deleteEdges(
          ns.edges([
            { from: 'a', to: 'b', type: 'T' },
            { from: 'b', to: 'c', type: 'T' },
            { from: 'a', to: 'c', type: 'T' },
          ]),
        ),
        2,
      );
      assert.deepEqual(await store.getEdges(ns.id('b')), []);
      assert.equal((await store.getNodes([ns.id('a'), ns.id('b'), ns.id('c')])).length, 3);
      assert.equal(await store.deleteEdges([]), 0);
    });

    ctx.test('deleteNodes detaches every edge touching the node', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      await ns.seed(
        ['a', 'b', 'c'],
        [
          { from: 'a', to: 'b', type: 'T' },
          { from: 'b', to: 'c', type: 'T' },
          { from: 'c', to: 'a', type: 'T' },
          { from: 'b', to: 'b', type: 'SELF' },
        ],
      );
      assert.equal(await store.deleteNodes([ns.id('b')]), 1);
      assert.deepEqual(
        shortEdges(ns, await store.getEdges(ns.id('a'))).map((e) => `${e.from}->${e.to}`),
        ['c->a'],
      );
      assert.deepEqual(
        shortEdges(ns, await store.getEdges(ns.id('c'))).map((e) => `${e.from}->${e.to}`),
        ['c->a'],
      );
      assert.deepEqual(
        await store.neighbors(ns.id('a'), { direction: 'both' }).then((n) => n.map((x) => ns.short(x.id))),
        ['c'],
      );
      await store.upsertNodes([{ id: ns.id('b') }]);
      assert.deepEqual(await store.getEdges(ns.id('b')), [], 'a re-created node has none of the old edges');
    });
  });
}
