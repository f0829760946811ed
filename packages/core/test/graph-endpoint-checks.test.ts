import { describe, expect, it } from 'vitest';
import {
  type EdgeKey,
  type GraphCapabilities,
  type GraphEdge,
  type GraphNode,
  GraphStoreBase,
  type NormalizedEdge,
  type NormalizedNeighborOptions,
  type NormalizedNode,
} from '../src/adapter-kit.js';
import type { Neighbor } from '../src/index.js';

/** A store in memory that logs each hook it is called with. */
class LoggingGraphStore extends GraphStoreBase {
  readonly scheme = 'logging';
  readonly capabilities: GraphCapabilities = { nativeQuery: false };
  readonly nodes = new Map<string, NormalizedNode>();
  readonly edges: NormalizedEdge[] = [];
  readonly calls: string[] = [];
  constructor(readonly checksItself: boolean) {
    super();
  }
  protected override get checksTraversalEndpoints(): boolean {
    return this.checksItself;
  }
  protected async doConnect() {}
  protected async doClose() {}
  protected async doHealth() {
    return {};
  }
  protected async doUpsertNodes(nodes: readonly NormalizedNode[]) {
    for (const n of nodes) this.nodes.set(n.id, n);
  }
  protected async doUpsertEdges(edges: readonly NormalizedEdge[]) {
    this.edges.push(...edges);
  }
  protected async doGetNodes(ids: readonly string[]): Promise<GraphNode[]> {
    this.calls.push(`getNodes ${ids.join(',')}`);
    return ids.flatMap((id) => (this.nodes.has(id) ? [{ ...this.nodes.get(id)! }] : []));
  }
  protected async doFindNodes() {
    return [];
  }
  protected async doDeleteNodes() {
    return 0;
  }
  protected async doDeleteEdges(_edges: readonly EdgeKey[]) {
    return 0;
  }
  protected async doGetEdges(id: string): Promise<GraphEdge[]> {
    return this.edges.filter((e) => e.from === id);
  }
  protected override async doNeighbors(id: string, options: NormalizedNeighborOptions): Promise<Neighbor[]> {
    this.calls.push(`neighbors ${id}`);
    if (this.checksItself && !this.nodes.has(id)) throw this.missingNodes('neighbors', [id]);
    return super.doNeighbors(id, options);
  }
}

describe('GraphStoreBase endpoint checks', () => {
  it('looks traversal endpoints up first by default, and leaves it to the hooks when they check', async () => {
    for (const checksItself of [false, true]) {
      const store = new LoggingGraphStore(checksItself);
      await store.upsertNodes([{ id: 'a' }, { id: 'b' }]);
      await store.upsertEdges([{ from: 'a', to: 'b', type: 'NEXT' }]);
      store.calls.length = 0;
      expect((await store.neighbors('a')).map((n) => n.id)).toEqual(['b']);
      expect(store.calls[0]).toBe(checksItself ? 'neighbors a' : 'getNodes a');
      // The same error either way.
      await expect(store.neighbors('ghost')).rejects.toMatchObject({
        code: 'ORCH_NOT_FOUND',
        kind: 'graph',
        message: 'neighbors: node "ghost" does not exist.',
        details: { missing: ['ghost'] },
      });
      // A zero-length path is answered by the base, which still checks its node.
      store.calls.length = 0;
      expect(await store.shortestPath('a', 'a')).toEqual({ nodes: ['a'], edges: [] });
      expect(await store.findPaths('a', 'a')).toEqual([{ nodes: ['a'], edges: [] }]);
      expect(store.calls).toEqual(['getNodes a', 'getNodes a']);
      await expect(store.shortestPath('ghost', 'ghost')).rejects.toMatchObject({
        message: 'shortestPath: node "ghost" does not exist.',
        details: { missing: ['ghost'] },
      });
    }
  });

  it('builds validation messages only on failure, with the same text', async () => {
    const store = new LoggingGraphStore(true);
    await expect(
      store.upsertEdges([
        { from: 'a', to: 'b', type: 'NEXT' },
        { from: 'a', to: '', type: 'NEXT' },
      ]),
    ).rejects.toMatchObject({
      code: 'ORCH_INVALID_INPUT',
      message:
        'upsertEdges edge 1 to: node id must be a non-empty string of at most 512 characters without control characters, got "".',
    });
    await expect(store.upsertEdges([{ from: '\ud800', to: 'b', type: 'NEXT' }])).rejects.toMatchObject({
      message: expect.stringMatching(
        /^upsertEdges edge 0 from: node id: the string has a lone UTF-16 surrogate/,
      ),
    });
    await expect(store.upsertNodes([{ id: 'a' }, { id: 7 as unknown as string }])).rejects.toMatchObject({
      message: expect.stringMatching(/^upsertNodes node 1: node id must be/),
    });
    await expect(
      store.upsertNodes([{ id: 'a', properties: { k: null as unknown as string } }]),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/^upsertNodes node 0 \(id "a"\): property "k" must be/),
    });
    await expect(store.upsertEdges([null as unknown as EdgeKey])).rejects.toMatchObject({
      message: 'upsertEdges edge 0: not an object.',
    });
  });
});
