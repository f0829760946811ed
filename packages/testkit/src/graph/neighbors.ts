import assert from 'node:assert/strict';
import type { Direction, GraphEdgeInput, NeighborOptions } from '@orch/core';
import { expectOrchError } from '../helpers/errors.js';
import { type GraphContext, namespace } from './context.js';
import { referenceNeighbors } from './reference.js';

/**
 * a→b, a→c (REL), b→d, c→d, d→e, e→a (a cycle), f→a, a→a (self-loop), g isolated. Node ids are
 * chosen so that id order differs from depth order for incoming walks.
 */
const EDGES: GraphEdgeInput[] = [
  { from: 'd', to: 'e', type: 'DEP' },
  { from: 'a', to: 'c', type: 'REL' },
  { from: 'f', to: 'a', type: 'DEP' },
  { from: 'a', to: 'b', type: 'DEP' },
  { from: 'e', to: 'a', type: 'DEP' },
  { from: 'c', to: 'd', type: 'DEP' },
  { from: 'b', to: 'd', type: 'DEP' },
  { from: 'a', to: 'a', type: 'SELF' },
];
const NODES = ['g', 'f', 'e', 'd', 'c', 'b', 'a'];

/** `[id, depth]` pairs worked out by hand for neighbors of `a`. */
const HAND_CHECKED: { options: NeighborOptions; expect: [string, number][] }[] = [
  {
    options: {},
    expect: [
      ['b', 1],
      ['c', 1],
    ],
  },
  {
    options: { direction: 'out', depth: 2 },
    expect: [
      ['b', 1],
      ['c', 1],
      ['d', 2],
    ],
  },
  {
    options: { direction: 'out', depth: 3 },
    expect: [
      ['b', 1],
      ['c', 1],
      ['d', 2],
      ['e', 3],
    ],
  },
  {
    options: { direction: 'in', depth: 1 },
    expect: [
      ['e', 1],
      ['f', 1],
    ],
  },
  {
    options: { direction: 'in', depth: 2 },
    expect: [
      ['e', 1],
      ['f', 1],
      ['d', 2],
    ],
  },
  {
    options: { direction: 'in', depth: 3 },
    expect: [
      ['e', 1],
      ['f', 1],
      ['d', 2],
      ['b', 3],
      ['c', 3],
    ],
  },
  {
    options: { direction: 'both', depth: 1 },
    expect: [
      ['b', 1],
      ['c', 1],
      ['e', 1],
      ['f', 1],
    ],
  },
  {
    options: { direction: 'both', depth: 2 },
    expect: [
      ['b', 1],
      ['c', 1],
      ['e', 1],
      ['f', 1],
      ['d', 2],
    ],
  },
  {
    options: { direction: 'out', depth: 3, types: ['DEP'] },
    expect: [
      ['b', 1],
      ['d', 2],
      ['e', 3],
    ],
  },
  { options: { direction: 'out', depth: 3, types: ['REL'] }, expect: [['c', 1]] },
  {
    options: { direction: 'out', depth: 3, types: ['REL', 'DEP'] },
    expect: [
      ['b', 1],
      ['c', 1],
      ['d', 2],
      ['e', 3],
    ],
  },
  { options: { direction: 'both', depth: 3, types: ['SELF'] }, expect: [] },
  {
    options: { direction: 'in', depth: 25 },
    expect: [
      ['e', 1],
      ['f', 1],
      ['d', 2],
      ['b', 3],
      ['c', 3],
    ],
  },
];

/** neighbors: distinct nodes at their fewest hops, ordered by depth then id. */
export function registerNeighborTests(ctx: GraphContext): void {
  ctx.describe('neighbors', () => {
    ctx.test(
      'depth 1 to 3, directions out/in/both and type filters return the hand-checked nodes',
      async (scope) => {
        const { store } = scope;
        const ns = namespace(scope);
        await ns.seed(NODES, EDGES);
        const fullEdges = ns.edges(EDGES);
        const failures: string[] = [];
        for (const { options, expect } of HAND_CHECKED) {
          const ref = referenceNeighbors(fullEdges, ns.id('a'), {
            direction: options.direction ?? 'out',
            types: options.types,
            depth: options.depth ?? 1,
          });
          const refPairs = [...ref.entries()]
            .map(([id, d]): [string, number] => [ns.short(id), d])
            .sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1));
          assert.deepEqual(
            refPairs,
            expect,
            `reference BFS disagrees with the hand-checked result for ${JSON.stringify(options)}`,
          );
          const got = (await store.neighbors(ns.id('a'), options)).map((n): [string, number] => [
            ns.short(n.id),
            n.depth,
          ]);
          if (JSON.stringify(got) !== JSON.stringify(expect))
            failures.push(
              `  ${JSON.stringify(options)}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expect)}`,
            );
        }
        assert.equal(failures.length, 0, `neighbors returned wrong nodes or order:\n${failures.join('\n')}`);
        assert.deepEqual(
          await store.neighbors(ns.id('g'), { direction: 'both', depth: 3 }),
          [],
          'an isolated node has no neighbors',
        );
      },
    );

    ctx.test(
      'a node reachable several ways appears once, at its fewest hops, with labels and properties',
      async (scope) => {
        const { store } = scope;
        const ns = namespace(scope);
        const label = ns.label('Target');
        await ns.seed(
          ['x', 'y', 'w', { id: 'z', labels: [label], properties: { name: 'zed' } }],
          [
            { from: 'x', to: 'y', type: 'T' },
            { from: 'y', to: 'z', type: 'T' },
            { from: 'x', to: 'z', type: 'T' },
            { from: 'x', to: 'w', type: 'T' },
            { from: 'w', to: 'z', type: 'T' },
            { from: 'z', to: 'x', type: 'T' },
          ],
        );
        const found = await store.neighbors(ns.id('x'), { depth: 3 });
        assert.deepEqual(
          found.map((n) => [ns.short(n.id), n.depth]),
          [
            ['w', 1],
            ['y', 1],
            ['z', 1],
          ],
        );
        assert.deepEqual(found[2], {
          id: ns.id('z'),
          labels: [label],
          properties: { name: 'zed' },
          depth: 1,
        });
      },
    );

    ctx.test('neighbors match a reference BFS on a generated graph for every direction', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      const nodes = Array.from({ length: 12 }, (_, i) => `v${String(i).padStart(2, '0')}`);
      const edges: GraphEdgeInput[] = [];
      for (let i = 0; i < nodes.length; i++) {
        edges.push({
          from: nodes[i]!,
          to: nodes[(i * 5 + 3) % nodes.length]!,
          type: i % 2 === 0 ? 'A' : 'B',
        });
        edges.push({ from: nodes[i]!, to: nodes[(i + 1) % nodes.length]!, type: 'A' });
      }
      const unique = [...new Map(edges.map((e) => [`${e.from}|${e.to}|${e.type}`, e])).values()];
      await ns.seed(nodes, unique);
      const full = ns.edges(unique);
      for (const direction of ['out', 'in', 'both'] as Direction[]) {
        for (const depth of [1, 2, 3]) {
          for (const types of [undefined, ['B']]) {
            const ref = referenceNeighbors(full, ns.id('v00'), { direction, types, depth });
            const expected = [...ref.entries()].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1));
            const got = (
              await store.neighbors(ns.id('v00'), types ? { direction, depth, types } : { direction, depth })
            ).map((n) => [n.id, n.depth]);
            assert.deepEqual(
              got,
              expected,
              `neighbors(v00, ${direction}, depth ${depth}, types ${JSON.stringify(types)})`,
            );
          }
        }
      }
    });

    ctx.test(
      'unknown start node is ORCH_NOT_FOUND; bad depth and direction are ORCH_INVALID_INPUT',
      async (scope) => {
        const { store } = scope;
        const ns = namespace(scope);
        await ns.seed(['a']);
        await expectOrchError(
          () => store.neighbors(ns.id('missing')),
          'ORCH_NOT_FOUND',
          'neighbors of an unknown node',
          'graph',
        );
        for (const depth of [0, 26, 1.5]) {
          await expectOrchError(
            () => store.neighbors(ns.id('a'), { depth }),
            'ORCH_INVALID_INPUT',
            `depth ${depth}`,
            'graph',
          );
        }
        await expectOrchError(
          () => store.neighbors(ns.id('a'), { direction: 'sideways' as Direction }),
          'ORCH_INVALID_INPUT',
          'direction sideways',
          'graph',
        );
        await expectOrchError(
          () => store.neighbors(ns.id('a'), { types: [] }),
          'ORCH_INVALID_INPUT',
          'types []',
          'graph',
        );
      },
    );
  });
}
