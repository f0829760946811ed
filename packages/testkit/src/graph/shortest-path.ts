import assert from 'node:assert/strict';
import type { Direction, GraphEdgeInput, PathOptions } from '@orch/core';
import { expectOrchError } from '../helpers/errors.js';
import { type GraphContext, namespace } from './context.js';
import { PATH_EDGES, PATH_NODES } from './paths.js';
import { assertValidPath, referencePaths } from './reference.js';

/** shortestPath: one path with the fewest edges, valid edge by edge, or null. */
export function registerShortestPathTests(ctx: GraphContext): void {
  ctx.describe('shortestPath', () => {
    ctx.test(
      'length is minimal and the path is valid edge by edge, for every direction and type filter',
      async (scope) => {
        const { store } = scope;
        const ns = namespace(scope);
        await ns.seed(PATH_NODES, PATH_EDGES);
        const full = ns.edges(PATH_EDGES);
        const cases: {
          from: string;
          to: string;
          options: Omit<PathOptions, 'limit'>;
          length: number | null;
        }[] = [
          { from: 's', to: 't', options: {}, length: 1 },
          { from: 's', to: 't', options: { types: ['T'] }, length: 2 },
          { from: 's', to: 't', options: { types: ['T'], maxDepth: 1 }, length: null },
          { from: 's', to: 't', options: { types: ['U'] }, length: null },
          { from: 't', to: 'a', options: {}, length: 2 },
          { from: 'a', to: 's', options: { direction: 'in' }, length: 1 },
          { from: 'b', to: 'a', options: {}, length: 3 },
          { from: 'b', to: 'a', options: { direction: 'both' }, length: 1 },
          { from: 'a', to: 'b', options: { direction: 'in', types: ['T'] }, length: 3 },
          { from: 's', to: 'z', options: { direction: 'both' }, length: null },
        ];
        for (const c of cases) {
          const what = `shortestPath(${c.from}, ${c.to}, ${JSON.stringify(c.options)})`;
          const direction: Direction = c.options.direction ?? 'out';
          const all = referencePaths(full, ns.id(c.from), ns.id(c.to), {
            direction,
            types: c.options.types,
            maxDepth: c.options.maxDepth ?? 15,
            limit: 10_000,
          });
          assert.equal(
            all.length === 0 ? null : all[0]!.edges.length,
            c.length,
            `hand-checked length disagrees with the reference: ${what}`,
          );
          const got = await store.shortestPath(ns.id(c.from), ns.id(c.to), c.options);
          if (c.length === null) {
            assert.equal(got, null, `${what} must be null`);
            continue;
          }
          assert.ok(got, `${what} found no path`);
          assert.equal(got.edges.length, c.length, `${what} length`);
          assertValidPath(got, full, ns.id(c.from), ns.id(c.to), { direction, types: c.options.types }, what);
        }
      },
    );

    ctx.test('from a node to itself is the zero-length path, even with a self-loop', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      await ns.seed(PATH_NODES, PATH_EDGES);
      assert.deepEqual(await store.shortestPath(ns.id('s'), ns.id('s')), { nodes: [ns.id('s')], edges: [] });
      assert.deepEqual(await store.shortestPath(ns.id('z'), ns.id('z')), { nodes: [ns.id('z')], edges: [] });
    });

    ctx.test('maxDepth bounds the search (default 15) and a shortcut is preferred', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      const chain = Array.from({ length: 17 }, (_, i) => `c${String(i).padStart(2, '0')}`);
      const edges: GraphEdgeInput[] = chain.slice(1).map((to, i) => ({ from: chain[i]!, to, type: 'NEXT' }));
      await ns.seed(chain, edges);
      const id = (i: number) => ns.id(chain[i]!);
      const fifteen = await store.shortestPath(id(0), id(15));
      assert.equal(fifteen?.edges.length, 15, '15 hops are within the default maxDepth');
      assertValidPath(fifteen!, ns.edges(edges), id(0), id(15), { direction: 'out' }, 'c00→c15');
      assert.equal(
        await store.shortestPath(id(0), id(16)),
        null,
        '16 hops are beyond the default maxDepth of 15',
      );
      assert.equal((await store.shortestPath(id(0), id(3), { maxDepth: 3 }))?.edges.length, 3);
      assert.equal(await store.shortestPath(id(0), id(4), { maxDepth: 3 }), null);
      assert.equal(
        await store.shortestPath(id(16), id(0), { direction: 'in' }),
        null,
        'walking in from the end is too far too',
      );
      assert.equal((await store.shortestPath(id(15), id(0), { direction: 'in' }))?.edges.length, 15);

      const shortcut: GraphEdgeInput = { from: chain[0]!, to: chain[10]!, type: 'JUMP' };
      await store.upsertEdges(ns.edges([shortcut]));
      const viaShortcut = await store.shortestPath(id(0), id(16));
      assert.equal(viaShortcut?.edges.length, 7, 'c00→c10 then six hops');
      assertValidPath(
        viaShortcut!,
        ns.edges([...edges, shortcut]),
        id(0),
        id(16),
        { direction: 'out' },
        'via shortcut',
      );
      assert.equal(
        await store.shortestPath(id(0), id(16), { types: ['NEXT'] }),
        null,
        'without the JUMP type it is too far again',
      );
    });

    ctx.test('unknown endpoints are ORCH_NOT_FOUND; bad options are ORCH_INVALID_INPUT', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      await ns.seed(['a', 'b']);
      await expectOrchError(
        () => store.shortestPath(ns.id('a'), ns.id('missing')),
        'ORCH_NOT_FOUND',
        'unknown target',
        'graph',
      );
      await expectOrchError(
        () => store.shortestPath(ns.id('missing'), ns.id('b')),
        'ORCH_NOT_FOUND',
        'unknown source',
        'graph',
      );
      await expectOrchError(
        () => store.shortestPath(ns.id('a'), ns.id('b'), { maxDepth: 16 }),
        'ORCH_INVALID_INPUT',
        'maxDepth 16',
        'graph',
      );
      await expectOrchError(
        () => store.shortestPath(ns.id('a'), ns.id('b'), { types: ['bad type'] }),
        'ORCH_INVALID_INPUT',
        'bad type',
        'graph',
      );
    });
  });
}
