import type { Direction, EdgeKey, GraphPath } from '@orch/core';

/** A plain in-memory graph with textbook algorithms: the yardstick for the SQL traversals. */
export class ReferenceGraph {
  readonly #edges: EdgeKey[];

  constructor(edges: readonly EdgeKey[]) {
    this.#edges = [...edges];
  }

  steps(
    node: string,
    direction: Direction,
    types: readonly string[] | undefined,
  ): { next: string; edge: EdgeKey }[] {
    const out: { next: string; edge: EdgeKey }[] = [];
    for (const e of this.#edges) {
      if (types && !types.includes(e.type)) continue;
      if (direction !== 'in' && e.from === node) out.push({ next: e.to, edge: e });
      if (direction !== 'out' && e.to === node) out.push({ next: e.from, edge: e });
    }
    return out;
  }

  /** Plain BFS: node → fewest hops, start excluded. */
  neighbors(
    start: string,
    direction: Direction,
    types: readonly string[] | undefined,
    depth: number,
  ): Map<string, number> {
    const seen = new Map<string, number>([[start, 0]]);
    let frontier = [start];
    for (let d = 1; d <= depth; d++) {
      const next: string[] = [];
      for (const n of frontier) {
        for (const { next: m } of this.steps(n, direction, types)) {
          if (seen.has(m)) continue;
          seen.set(m, d);
          next.push(m);
        }
      }
      frontier = next;
    }
    seen.delete(start);
    return seen;
  }

  /** Every simple path of at most maxDepth edges (depth-first enumeration), unsorted. */
  allPaths(
    from: string,
    to: string,
    direction: Direction,
    types: readonly string[] | undefined,
    maxDepth: number,
  ): GraphPath[] {
    const found: GraphPath[] = [];
    const walk = (nodes: string[], edges: EdgeKey[]): void => {
      const current = nodes[nodes.length - 1]!;
      if (current === to) {
        found.push({ nodes: [...nodes], edges: [...edges] });
        return;
      }
      if (edges.length === maxDepth) return;
      for (const { next, edge } of this.steps(current, direction, types)) {
        if (nodes.includes(next)) continue;
        walk([...nodes, next], [...edges, { from: edge.from, to: edge.to, type: edge.type }]);
      }
    };
    walk([from], []);
    return found;
  }
}
