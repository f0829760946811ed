import assert from 'node:assert/strict';
import type { Direction, GraphEdgeInput, PathOptions } from '@orch/core';
import { expectOrchError } from '../helpers/errors.js';
import { type GraphContext, namespace } from './context.js';
import { prng, referencePaths } from './reference.js';

/**
 * s→a, s→b, a→t, b→t (T); a→b (U); s→t twice (V and W); t→s (T, a cycle); s→s (self-loop);
 * z isolated. Small enough to enumerate by hand, rich enough to need every ordering rule.
 */
export const PATH_EDGES: GraphEdgeInput[] = [
  { from: 't', to: 's', type: 'T' },
  { from: 's', to: 't', type: 'W' },
  { from: 'b', to: 't', type: 'T' },
  { from: 'a', to: 'b', type: 'U' },
  { from: 's', to: 'b', type: 'T' },
  { from: 's', to: 's', type: 'T' },
  { from: 'a', to: 't', type: 'T' },
  { from: 's', to: 't', type: 'V' },
  { from: 's', to: 'a', type: 'T' },
];
export const PATH_NODES = ['z', 't', 's', 'b', 'a'];

type E = { from: string; to: string; type: string };
const e = (from: string, type: string, to: string): E => ({ from, to, type });
const p = (nodes: string[], edges: E[]) => ({ nodes, edges });

/** Every simple s→t path, direction out, in the documented order. */
const OUT_S_T = [
  p(['s', 't'], [e('s', 'V', 't')]),
  p(['s', 't'], [e('s', 'W', 't')]),
  p(['s', 'a', 't'], [e('s', 'T', 'a'), e('a', 'T', 't')]),
  p(['s', 'b', 't'], [e('s', 'T', 'b'), e('b', 'T', 't')]),
  p(['s', 'a', 'b', 't'], [e('s', 'T', 'a'), e('a', 'U', 'b'), e('b', 'T', 't')]),
];

const HAND_CHECKED: {
  name: string;
  from: string;
  to: string;
  options: PathOptions;
  expect: ReturnType<typeof p>[];
}[] = [
  {
    name: 'all simple paths, shortest first, ties by node ids then edge types',
    from: 's',
    to: 't',
    options: {},
    expect: OUT_S_T,
  },
  {
    name: 'limit keeps the first paths of that order',
    from: 's',
    to: 't',
    options: { limit: 3 },
    expect: OUT_S_T.slice(0, 3),
  },
  { name: 'maxDepth 1', from: 's', to: 't', options: { maxDepth: 1 }, expect: OUT_S_T.slice(0, 2) },
  { name: 'maxDepth 2', from: 's', to: 't', options: { maxDepth: 2 }, expect: OUT_S_T.slice(0, 4) },
  { name: 'types [T]', from: 's', to: 't', options: { types: ['T'] }, expect: OUT_S_T.slice(2, 4) },
  { name: 'types [T, U]', from: 's', to: 't', options: { types: ['T', 'U'] }, expect: OUT_S_T.slice(2, 5) },
  { name: 'types [U] reach nothing', from: 's', to: 't', options: { types: ['U'] }, expect: [] },
  {
    name: 'direction in walks edges backwards and reports them as stored',
    from: 't',
    to: 's',
    options: { direction: 'in' },
    expect: [
      p(['t', 's'], [e('s', 'V', 't')]),
      p(['t', 's'], [e('s', 'W', 't')]),
      p(['t', 'a', 's'], [e('a', 'T', 't'), e('s', 'T', 'a')]),
      p(['t', 'b', 's'], [e('b', 'T', 't'), e('s', 'T', 'b')]),
      p(['t', 'b', 'a', 's'], [e('b', 'T', 't'), e('a', 'U', 'b'), e('s', 'T', 'a')]),
    ],
  },
  {
    name: 'direction both uses edges either way',
    from: 's',
    to: 't',
    options: { direction: 'both' },
    expect: [
      p(['s', 't'], [e('t', 'T', 's')]),
      p(['s', 't'], [e('s', 'V', 't')]),
      p(['s', 't'], [e('s', 'W', 't')]),
      p(['s', 'a', 't'], [e('s', 'T', 'a'), e('a', 'T', 't')]),
      p(['s', 'b', 't'], [e('s', 'T', 'b'), e('b', 'T', 't')]),
      p(['s', 'a', 'b', 't'], [e('s', 'T', 'a'), e('a', 'U', 'b'), e('b', 'T', 't')]),
      p(['s', 'b', 'a', 't'], [e('s', 'T', 'b'), e('a', 'U', 'b'), e('a', 'T', 't')]),
    ],
  },
  {
    name: 'through a cycle, without repeating a node',
    from: 'a',
    to: 's',
    options: {},
    expect: [
      p(['a', 't', 's'], [e('a', 'T', 't'), e('t', 'T', 's')]),
      p(['a', 'b', 't', 's'], [e('a', 'U', 'b'), e('b', 'T', 't'), e('t', 'T', 's')]),
    ],
  },
  {
    name: 'from a node to itself: the zero-length path only',
    from: 's',
    to: 's',
    options: {},
    expect: [p(['s'], [])],
  },
  { name: 'unreachable target', from: 's', to: 'z', options: { direction: 'both' }, expect: [] },
  {
    name: 'against the edges',
    from: 't',
    to: 'a',
    options: {},
    expect: [p(['t', 's', 'a'], [e('t', 'T', 's'), e('s', 'T', 'a')])],
  },
];

/** findPaths: simple paths in a fixed, documented order. */
export function registerPathTests(ctx: GraphContext): void {
  ctx.describe('findPaths', () => {
    ctx.test(
      'fixed graph with parallel edges, a cycle and a self-loop: hand-checked paths and order',
      async (scope) => {
        const { store } = scope;
        const ns = namespace(scope);
        await ns.seed(PATH_NODES, PATH_EDGES);
        const full = ns.edges(PATH_EDGES);
        const failures: string[] = [];
        for (const c of HAND_CHECKED) {
          const ref = referencePaths(full, ns.id(c.from), ns.id(c.to), {
            direction: c.options.direction ?? 'out',
            types: c.options.types,
            maxDepth: c.options.maxDepth ?? 5,
            limit: c.options.limit ?? 100,
          });
          assert.deepEqual(
            ns.shortPaths(ref),
            c.expect,
            `reference enumeration disagrees with the hand-checked paths: ${c.name}`,
          );
          const got = ns.shortPaths(await store.findPaths(ns.id(c.from), ns.id(c.to), c.options));
          if (JSON.stringify(got) !== JSON.stringify(c.expect)) {
            failures.push(
              `  ${c.name}:\n    got      ${JSON.stringify(got)}\n    expected ${JSON.stringify(c.expect)}`,
            );
          }
        }
        assert.equal(failures.length, 0, `findPaths returned wrong paths:\n${failures.join('\n')}`);
      },
    );

    ctx.test(
      'generated graphs: every direction, depth, type filter and limit match a brute-force enumeration',
      async (scope) => {
        const { store } = scope;
        const ns = namespace(scope);
        const random = prng(20_240_601);
        const nodes = Array.from({ length: 9 }, (_, i) => `g${i}`);
        const seen = new Set<string>();
        const edges: GraphEdgeInput[] = [{ from: 'g0', to: 'g0', type: 'A' }];
        while (edges.length < 24) {
          const from = nodes[Math.floor(random() * nodes.length)]!;
          const to = nodes[Math.floor(random() * nodes.length)]!;
          const type = random() < 0.6 ? 'A' : 'B';
          // Opposite edges of one type would give two paths that the documented order cannot tell apart under `both`.
          if (from === to || seen.has(`${from}|${to}|${type}`) || seen.has(`${to}|${from}|${type}`)) continue;
          seen.add(`${from}|${to}|${type}`);
          edges.push({ from, to, type });
        }
        await ns.seed(nodes, edges);
        const full = ns.edges(edges);
        let compared = 0;
        let nonEmpty = 0;
        for (const [from, to] of [
          ['g0', 'g8'],
          ['g3', 'g1'],
          ['g5', 'g2'],
          ['g7', 'g4'],
        ] as const) {
          for (const direction of ['out', 'in', 'both'] as Direction[]) {
            for (const options of [
              { maxDepth: 3 },
              {},
              { types: ['A'] },
              { limit: 4 },
              { maxDepth: 6, limit: 50 },
            ] as PathOptions[]) {
              const full_options = { ...options, direction };
              const expected = referencePaths(full, ns.id(from), ns.id(to), {
                direction,
                types: options.types,
                maxDepth: options.maxDepth ?? 5,
                limit: options.limit ?? 100,
              });
              const got = await store.findPaths(ns.id(from), ns.id(to), full_options);
              assert.deepEqual(
                ns.shortPaths(got),
                ns.shortPaths(expected),
                `findPaths(${from}, ${to}, ${JSON.stringify(full_options)})`,
              );
              compared++;
              if (expected.length > 0) nonEmpty++;
            }
          }
        }
        assert.ok(
          nonEmpty >= compared / 3,
          `the generated graph must exercise real paths (${nonEmpty} of ${compared} non-empty)`,
        );
      },
    );

    ctx.test('unknown endpoints are ORCH_NOT_FOUND; bad options are ORCH_INVALID_INPUT', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      await ns.seed(['a', 'b'], [{ from: 'a', to: 'b', type: 'T' }]);
      await expectOrchError(
        () => store.findPaths(ns.id('a'), ns.id('missing')),
        'ORCH_NOT_FOUND',
        'unknown target',
        'graph',
      );
      await expectOrchError(
        () => store.findPaths(ns.id('missing'), ns.id('a')),
        'ORCH_NOT_FOUND',
        'unknown source',
        'graph',
      );
      await expectOrchError(
        () => store.findPaths(ns.id('missing'), ns.id('missing')),
        'ORCH_NOT_FOUND',
        'unknown node to itself',
        'graph',
      );
      for (const [what, options] of [
        ['maxDepth 0', { maxDepth: 0 }],
        ['maxDepth 16', { maxDepth: 16 }],
        ['limit 0', { limit: 0 }],
        ['limit 10001', { limit: 10_001 }],
        ['direction up', { direction: 'up' }],
        ['types []', { types: [] }],
      ] as const) {
        await expectOrchError(
          () => store.findPaths(ns.id('a'), ns.id('b'), options as PathOptions),
          'ORCH_INVALID_INPUT',
          what,
          'graph',
        );
      }
    });
  });
}
