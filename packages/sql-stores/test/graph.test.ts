import type { Direction, EdgeKey, GraphPath } from '@orch/core';
import { comparePaths, type SqlStoreBase } from '@orch/core/adapter-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlGraphStore } from '../src/index.js';
import { engines } from './helpers/engines.js';
import { int, pick, rng } from './helpers/random.js';
import { ReferenceGraph } from './helpers/reference-graph.js';
import { tempDir } from './helpers/temp.js';

const DIRECTIONS: readonly Direction[] = ['out', 'in', 'both'];
// Ids with characters that matter to SQL, JSON and string ordering.
const NAMES = ['a', 'b', 'B', 'c d', "o'q", 'q"x', 'é', 'z\\', '10', '9', 'ab', 'a b', 'n-1', '%', 'end'];

function randomGraph(seed: number, nodes: number, edges: number): { ids: string[]; edges: EdgeKey[] } {
  const random = rng(seed);
  const ids = NAMES.slice(0, nodes);
  const keys = new Map<string, EdgeKey>();
  while (keys.size < edges) {
    const from = pick(random, ids);
    // Self-loops on purpose now and then.
    const to = random() < 0.08 ? from : pick(random, ids);
    const type = random() < 0.7 ? 'DEPENDS_ON' : 'BLOCKS';
    keys.set(`${from}\u0000${to}\u0000${type}`, { from, to, type });
  }
  return { ids, edges: [...keys.values()] };
}

/** A path is valid when every edge exists and joins consecutive nodes in the walked direction. */
function checkPath(
  path: GraphPath,
  edges: readonly EdgeKey[],
  direction: Direction,
  types?: readonly string[],
): void {
  expect(new Set(path.nodes).size).toBe(path.nodes.length);
  expect(path.edges).toHaveLength(path.nodes.length - 1);
  path.edges.forEach((e, i) => {
    expect(edges.some((x) => x.from === e.from && x.to === e.to && x.type === e.type)).toBe(true);
    if (types) expect(types).toContain(e.type);
    const [a, b] = [path.nodes[i], path.nodes[i + 1]];
    const forward = e.from === a && e.to === b;
    const backward = e.from === b && e.to === a;
    expect(direction === 'out' ? forward : direction === 'in' ? backward : forward || backward).toBe(true);
  });
}

for (const engine of engines) {
  describe(`SqlGraphStore on ${engine.name}`, () => {
    let executor: SqlStoreBase;
    let graph: SqlGraphStore;

    beforeEach(async () => {
      executor = engine.open();
      graph = new SqlGraphStore({ executor, scheme: engine.scheme });
      await graph.connect();
    });

    afterEach(async () => {
      await graph.close();
      await executor.close();
    });

    it('upserts nodes and edges idempotently, replacing labels and properties', async () => {
      await graph.upsertNodes([
        { id: 'a', labels: ['Task', 'Epic'], properties: { title: 'A', n: 1, tags: ['x', 'y'] } },
        { id: 'b' },
      ]);
      await graph.upsertNodes([{ id: 'a', labels: ['Task'], properties: { title: 'A2' } }]);
      expect(await graph.getNode('a')).toEqual({ id: 'a', labels: ['Task'], properties: { title: 'A2' } });
      expect(await graph.getNode('b')).toEqual({ id: 'b', labels: [], properties: {} });
      expect(await graph.getNode('zz')).toBeNull();
      await graph.upsertEdges([{ from: 'a', to: 'b', type: 'DEPENDS_ON', properties: { w: 1 } }]);
      await graph.upsertEdges([{ from: 'a', to: 'b', type: 'DEPENDS_ON', properties: { w: 2 } }]);
      expect(await graph.getEdges('a')).toEqual([
        { from: 'a', to: 'b', type: 'DEPENDS_ON', properties: { w: 2 } },
      ]);
      expect(await graph.getNodes(['b', 'nope', 'a'])).toHaveLength(2);
    });

    it('writes nothing when an edge endpoint is missing', async () => {
      await graph.upsertNodes([{ id: 'a' }, { id: 'b' }]);
      await expect(
        graph.upsertEdges([
          { from: 'a', to: 'b', type: 'T' },
          { from: 'b', to: 'ghost', type: 'T' },
          { from: 'phantom', to: 'a', type: 'T' },
        ]),
      ).rejects.toMatchObject({
        code: 'ORCH_NOT_FOUND',
        kind: 'graph',
        details: { missing: ['ghost', 'phantom'] },
      });
      expect(await graph.getEdges('a')).toEqual([]);
    });

    it('deletes nodes with their edges, and edges by key', async () => {
      await graph.upsertNodes([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
      await graph.upsertEdges([
        { from: 'a', to: 'b', type: 'T' },
        { from: 'c', to: 'b', type: 'T' },
        { from: 'b', to: 'b', type: 'T' },
        { from: 'a', to: 'c', type: 'T' },
        { from: 'a', to: 'c', type: 'U' },
      ]);
      expect(await graph.getEdges('b', { direction: 'both' })).toEqual([
        { from: 'a', to: 'b', type: 'T', properties: {} },
        { from: 'b', to: 'b', type: 'T', properties: {} },
        { from: 'c', to: 'b', type: 'T', properties: {} },
      ]);
      expect(await graph.getEdges('a', { direction: 'out', types: ['U'] })).toEqual([
        { from: 'a', to: 'c', type: 'U', properties: {} },
      ]);
      expect(await graph.deleteNodes(['b', 'nope'])).toBe(1);
      expect(await graph.getEdges('c', { direction: 'both' })).toHaveLength(2);
      expect(await graph.getEdges('a', { direction: 'both' })).toHaveLength(2);
      expect(
        await graph.deleteEdges([
          { from: 'a', to: 'c', type: 'U' },
          { from: 'a', to: 'c', type: 'V' },
        ]),
      ).toBe(1);
      expect(await graph.getEdges('a')).toEqual([{ from: 'a', to: 'c', type: 'T', properties: {} }]);
    });

    it('finds nodes by label and type-strict property equality, in id order with paging', async () => {
      await graph.upsertNodes([
        { id: 'n1', labels: ['Task'], properties: { status: 'open', n: 1, flag: true, 'we"ird key': 'v' } },
        { id: 'n2', labels: ['Task', 'Epic'], properties: { status: 'open', n: '1', flag: 1 } },
        { id: 'n3', labels: ['Epic'], properties: { status: 'done', n: 1.0, flag: false, list: ['open'] } },
        { id: 'n4', labels: ['Task'], properties: {} },
      ]);
      const ids = async (options: Parameters<SqlGraphStore['findNodes']>[0]) =>
        (await graph.findNodes(options)).map((n) => n.id);
      expect(await ids({})).toEqual(['n1', 'n2', 'n3', 'n4']);
      expect(await ids({ label: 'Task' })).toEqual(['n1', 'n2', 'n4']);
      expect(await ids({ label: 'Epic', properties: { status: 'open' } })).toEqual(['n2']);
      expect(await ids({ properties: { n: 1 } })).toEqual(['n1', 'n3']);
      expect(await ids({ properties: { n: '1' } })).toEqual(['n2']);
      expect(await ids({ properties: { flag: true } })).toEqual(['n1']);
      expect(await ids({ properties: { flag: false } })).toEqual(['n3']);
      expect(await ids({ properties: { flag: 1 } })).toEqual(['n2']);
      expect(await ids({ properties: { list: 'open' } })).toEqual([]);
      expect(await ids({ properties: { 'we"ird key': 'v' } })).toEqual(['n1']);
      expect(await ids({ label: 'Task', limit: 2 })).toEqual(['n1', 'n2']);
      expect(await ids({ label: 'Task', limit: 2, after: 'n2' })).toEqual(['n4']);
    });

    it('matches a plain BFS and path enumeration on random graphs with cycles and self-loops', async () => {
      for (let seed = 1; seed <= 6; seed++) {
        const { ids, edges } = randomGraph(seed, seed <= 3 ? 8 : 15, seed <= 3 ? 16 : 40);
        const reference = new ReferenceGraph(edges);
        await graph.deleteNodes(NAMES);
        await graph.upsertNodes(ids.map((id) => ({ id })));
        await graph.upsertEdges(edges);
        const random = rng(seed * 977);
        for (let round = 0; round < 12; round++) {
          const from = pick(random, ids);
          let to = pick(random, ids);
          if (to === from) to = ids[(ids.indexOf(from) + 1) % ids.length]!;
          const direction = pick(random, DIRECTIONS);
          const types = random() < 0.3 ? ['DEPENDS_ON'] : undefined;
          const depth = int(random, 1, seed <= 3 ? 5 : 8);
          const context = JSON.stringify({ seed, round, from, to, direction, types, depth });

          const expectedNeighbors = [...reference.neighbors(from, direction, types, depth)]
            .sort(([a, da], [b, db]) => da - db || (a < b ? -1 : 1))
            .map(([id, d]) => ({ id, depth: d }));
          const neighbors = await graph.neighbors(from, { direction, types, depth });
          expect(
            neighbors.map((n) => ({ id: n.id, depth: n.depth })),
            context,
          ).toEqual(expectedNeighbors);

          const limit = int(random, 1, 30);
          const all = reference.allPaths(from, to, direction, types, depth).sort(comparePaths);
          const paths = await graph.findPaths(from, to, { direction, types, maxDepth: depth, limit });
          expect(paths, context).toEqual(all.slice(0, limit));

          const shortest = await graph.shortestPath(from, to, { direction, types, maxDepth: depth });
          if (all.length === 0) expect(shortest, context).toBeNull();
          else {
            expect(shortest, context).not.toBeNull();
            expect(shortest!.edges.length, context).toBe(all[0]!.edges.length);
            expect(shortest!.nodes[0]).toBe(from);
            expect(shortest!.nodes.at(-1)).toBe(to);
            checkPath(shortest!, edges, direction, types);
          }
        }
      }
    });

    it('returns the zero-length path and rejects unknown endpoints', async () => {
      await graph.upsertNodes([{ id: 'a' }]);
      expect(await graph.shortestPath('a', 'a')).toEqual({ nodes: ['a'], edges: [] });
      await expect(graph.neighbors('ghost')).rejects.toMatchObject({ code: 'ORCH_NOT_FOUND' });
      await expect(graph.findPaths('a', 'ghost')).rejects.toMatchObject({ code: 'ORCH_NOT_FOUND' });
    });

    it('walks long chains to the depth limit', async () => {
      const n = 40;
      const ids = Array.from({ length: n }, (_, i) => `c${String(i).padStart(2, '0')}`);
      await graph.upsertNodes(ids.map((id) => ({ id })));
      await graph.upsertEdges(ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id, type: 'NEXT' })));
      // A shortcut back to the start makes a cycle.
      await graph.upsertEdges([{ from: ids[n - 1]!, to: ids[0]!, type: 'NEXT' }]);
      const neighbors = await graph.neighbors(ids[0]!, { depth: 25 });
      expect(neighbors).toHaveLength(25);
      expect(neighbors.at(-1)).toMatchObject({ id: ids[25], depth: 25 });
      expect((await graph.shortestPath(ids[0]!, ids[15]!))?.edges).toHaveLength(15);
      expect(await graph.shortestPath(ids[0]!, ids[16]!)).toBeNull();
      const backwards = await graph.shortestPath(ids[3]!, ids[0]!, { direction: 'in' });
      expect(backwards?.nodes).toEqual([ids[3], ids[2], ids[1], ids[0]]);
      expect(backwards?.edges[0]).toEqual({ from: ids[2], to: ids[3], type: 'NEXT' });
      const both = await graph.shortestPath(ids[0]!, ids[38]!, { direction: 'both' });
      expect(both?.nodes).toEqual([ids[0], ids[39], ids[38]]);
    });

    it('upserts more rows than one statement holds', async () => {
      const ids = Array.from({ length: 2500 }, (_, i) => `node-${i}`);
      await graph.upsertNodes(ids.map((id) => ({ id, labels: ['N'], properties: { i: ids.indexOf(id) } })));
      await graph.upsertEdges(ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id, type: 'NEXT' })));
      expect(await graph.findNodes({ label: 'N', limit: 10_000 })).toHaveLength(2500);
      expect((await graph.getEdges('node-1000', { direction: 'both' })).map((e) => e.from)).toEqual([
        'node-1000',
        'node-999',
      ]);
    });

    it('reports a missing start or target from the traversal query itself, at every depth and direction', async () => {
      await graph.upsertNodes([{ id: 'a' }, { id: 'b' }, { id: 'lonely' }]);
      await graph.upsertEdges([
        { from: 'a', to: 'b', type: 'NEXT' },
        { from: 'b', to: 'a', type: 'NEXT' },
      ]);
      for (const direction of DIRECTIONS) {
        // depth 3 runs as one recursive query, depth 6 level by level.
        for (const depth of [1, 3, 6]) {
          const context = JSON.stringify({ direction, depth });
          await expect(graph.neighbors('ghost', { direction, depth }), context).rejects.toMatchObject({
            code: 'ORCH_NOT_FOUND',
            message: 'neighbors: node "ghost" does not exist.',
            details: { missing: ['ghost'] },
          });
          await expect(
            graph.neighbors('ghost', { direction, depth, types: ['NEXT'] }),
            context,
          ).rejects.toMatchObject({ code: 'ORCH_NOT_FOUND' });
          // An existing node with no edges has no neighbours; the start never counts as its own.
          expect(await graph.neighbors('lonely', { direction, depth }), context).toEqual([]);
          expect(
            (await graph.neighbors('a', { direction, depth })).map((n) => [n.id, n.depth]),
            context,
          ).toEqual([['b', 1]]);
          expect(await graph.neighbors('a', { direction, depth, types: ['OTHER'] }), context).toEqual([]);
        }
      }
      for (const op of ['shortestPath', 'findPaths'] as const) {
        const run = (from: string, to: string) =>
          op === 'shortestPath' ? graph.shortestPath(from, to) : graph.findPaths(from, to);
        await expect(run('ghost', 'a')).rejects.toMatchObject({
          code: 'ORCH_NOT_FOUND',
          message: `${op}: node "ghost" does not exist.`,
          details: { missing: ['ghost'] },
        });
        await expect(run('a', 'ghost')).rejects.toMatchObject({ details: { missing: ['ghost'] } });
        await expect(run('ghost', 'phantom')).rejects.toMatchObject({
          message: `${op}: node "ghost", "phantom" does not exist.`,
          details: { missing: ['ghost', 'phantom'] },
        });
        await expect(run('ghost', 'ghost')).rejects.toMatchObject({ details: { missing: ['ghost'] } });
        expect(await run('lonely', 'a')).toEqual(op === 'shortestPath' ? null : []);
      }
      expect(await graph.findPaths('a', 'a')).toEqual([{ nodes: ['a'], edges: [] }]);
    });

    it('orders neighbours by UTF-16 code units where SQLite orders UTF-8 bytes differently', async () => {
      // U+1F600 (a surrogate pair in UTF-16) sorts before U+FF5E in JavaScript, after it in UTF-8.
      const ids = ['\u{1F600}', '\uFF5E', 'z', '\uE000'];
      await graph.upsertNodes([{ id: 's' }, ...ids.map((id) => ({ id }))]);
      await graph.upsertEdges(ids.map((id) => ({ from: 's', to: id, type: 'T' })));
      const expected = [...ids].sort();
      expect(expected[0]).toBe('z');
      for (const depth of [1, 3, 6]) {
        expect((await graph.neighbors('s', { depth })).map((n) => n.id)).toEqual(expected);
      }
    });

    it('stores labels and properties exactly as JSON text', async () => {
      const properties = {
        text: 'line\nbreak \u0000 "quoted" back\\slash é 😀 \u2028',
        big: 1e21,
        small: 1.5e-7,
        negative: -0,
        list: ['x', 'y'],
        flag: false,
        'we"ird key': 1,
      };
      await graph.upsertNodes([{ id: 'p', labels: ['B', 'A'], properties }, { id: 'q' }]);
      await graph.upsertEdges([{ from: 'p', to: 'q', type: 'T', properties }]);
      const [node] = await executor.query<{ labels: string; properties: string }>(
        'SELECT labels, properties FROM orch_graph_nodes WHERE id = ?',
        ['p'],
      );
      expect(node).toEqual({ labels: '["A","B"]', properties: JSON.stringify(properties) });
      const [edge] = await executor.query<{ properties: string }>('SELECT properties FROM orch_graph_edges');
      expect(edge?.properties).toBe(JSON.stringify(properties));
      expect((await graph.getNode('p'))?.properties).toEqual(JSON.parse(JSON.stringify(properties)));
    });

    it('upserts calls larger than one statement piece atomically', async () => {
      // More rows than one INSERT piece (50,000): several statements in one transaction.
      const n = 60_000;
      const ids = Array.from({ length: n }, (_, i) => `m${i}`);
      await graph.upsertNodes(ids.map((id) => ({ id, labels: ['N'] })));
      const chain = ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id, type: 'NEXT' }));
      // The last edge's endpoint is missing: nothing of the call is written.
      await expect(
        graph.upsertEdges([...chain, { from: ids[0]!, to: 'ghost', type: 'NEXT' }]),
      ).rejects.toMatchObject({ code: 'ORCH_NOT_FOUND', details: { missing: ['ghost'] } });
      expect(await executor.query('SELECT count(*) AS c FROM orch_graph_edges')).toEqual([{ c: 0 }]);
      await graph.upsertEdges(chain);
      expect(await executor.query('SELECT count(*) AS c FROM orch_graph_edges')).toEqual([{ c: n - 1 }]);
      expect(await executor.query('SELECT count(*) AS c FROM orch_graph_nodes')).toEqual([{ c: n }]);
      expect((await graph.neighbors('m59990', { depth: 3 })).map((x) => x.id)).toEqual([
        'm59991',
        'm59992',
        'm59993',
      ]);
    });
  });
}

describe('SqlGraphStore in worker threads', () => {
  it('writes a large call in pieces in one transaction, and a failed check writes nothing', async () => {
    const temp = tempDir();
    const engine = engines[0]!;
    const executor = engine.open(temp.file('graph.db'), { worker: true });
    const graph = new SqlGraphStore({ executor, scheme: engine.scheme });
    try {
      await graph.connect();
      const n = 120_000;
      const ids = Array.from({ length: n }, (_, i) => `w${i}`);
      await graph.upsertNodes(ids.map((id) => ({ id })));
      const edges = ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id, type: 'NEXT' }));
      await expect(
        graph.upsertEdges([{ from: 'ghost', to: ids[0]!, type: 'NEXT' }, ...edges]),
      ).rejects.toMatchObject({ code: 'ORCH_NOT_FOUND', details: { missing: ['ghost'] } });
      expect(await executor.query('SELECT count(*) AS c FROM orch_graph_edges')).toEqual([{ c: 0 }]);
      await graph.upsertEdges(edges);
      expect(await executor.query('SELECT count(*) AS c FROM orch_graph_edges')).toEqual([{ c: n - 1 }]);
      expect(await graph.neighbors('w0', { depth: 2 })).toEqual([
        { id: 'w1', labels: [], properties: {}, depth: 1 },
        { id: 'w2', labels: [], properties: {}, depth: 2 },
      ]);
      await expect(graph.neighbors('ghost', { depth: 2 })).rejects.toMatchObject({ code: 'ORCH_NOT_FOUND' });
    } finally {
      await graph.close();
      await executor.close();
      temp.cleanup();
    }
  });
});
