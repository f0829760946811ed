import type { Direction, EdgeKey, GraphEdge, GraphPath } from './graph-store.js';
import { comparePaths } from './path-order.js';

/** One move of a traversal: the edge taken and the node it leads to. */
export interface TraversalStep {
  readonly edge: EdgeKey;
  readonly next: string;
}

/** The moves from `id` along `edges` (as `getEdges` returns them) in a direction. */
export function stepsFrom(id: string, edges: readonly GraphEdge[], direction: Direction): TraversalStep[] {
  const steps: TraversalStep[] = [];
  for (const { from, to, type } of edges) {
    const edge = { from, to, type };
    // else-if: a self-loop is one move, not two, when both directions are followed.
    if (direction !== 'in' && from === id) steps.push({ edge, next: to });
    else if (direction !== 'out' && to === id) steps.push({ edge, next: from });
  }
  return steps;
}

/** Where a traversal gets the moves from a node (already filtered by direction and types). */
export type StepSource = (id: string) => Promise<readonly TraversalStep[]>;

/**
 * Every node within `depth` moves of `start`, with its smallest depth, ordered by depth then id
 * (`start` itself excluded). Breadth first: each node is expanded once.
 */
export async function breadthFirstDepths(
  start: string,
  depth: number,
  steps: StepSource,
): Promise<[id: string, depth: number][]> {
  const depthOf = new Map<string, number>([[start, 0]]);
  let frontier = [start];
  for (let d = 1; d <= depth && frontier.length > 0; d++) {
    const next: string[] = [];
    for (const current of frontier) {
      for (const step of await steps(current)) {
        if (depthOf.has(step.next)) continue;
        depthOf.set(step.next, d);
        next.push(step.next);
      }
    }
    frontier = next;
  }
  depthOf.delete(start);
  return [...depthOf.entries()].sort(([a, da], [b, db]) => da - db || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Simple paths (no repeated node) from `from` to `to` of at most `maxDepth` edges, at most `limit`
 * of them, in {@link comparePaths} order. Iterative deepening, so paths come out shortest first
 * and a small limit stops the search early. Moves are cached per node for the whole search.
 */
export async function simplePaths(
  from: string,
  to: string,
  options: { readonly maxDepth: number; readonly limit: number },
  steps: StepSource,
): Promise<GraphPath[]> {
  const cache = new Map<string, readonly TraversalStep[]>();
  const movesFrom = async (id: string) => {
    let moves = cache.get(id);
    if (!moves) {
      moves = await steps(id);
      cache.set(id, moves);
    }
    return moves;
  };
  const found: GraphPath[] = [];
  for (let length = 1; length <= options.maxDepth && found.length < options.limit; length++) {
    const ofLength: GraphPath[] = [];
    const nodes = [from];
    const edges: EdgeKey[] = [];
    const visited = new Set([from]);
    const walk = async (): Promise<void> => {
      const current = nodes[nodes.length - 1] as string;
      if (edges.length === length) {
        if (current === to) ofLength.push({ nodes: [...nodes], edges: [...edges] });
        return;
      }
      if (current === to) return; // a simple path ends at its target
      for (const { edge, next } of await movesFrom(current)) {
        if (visited.has(next)) continue;
        visited.add(next);
        nodes.push(next);
        edges.push(edge);
        await walk();
        nodes.pop();
        edges.pop();
        visited.delete(next);
      }
    };
    await walk();
    ofLength.sort(comparePaths);
    found.push(...ofLength.slice(0, options.limit - found.length));
  }
  return found;
}

/**
 * A path with the fewest edges from `from` to `to` within `maxDepth`, or null. Breadth first;
 * among equally short paths the first found in step order wins.
 */
export async function breadthFirstShortestPath(
  from: string,
  to: string,
  maxDepth: number,
  steps: StepSource,
): Promise<GraphPath | null> {
  const cameFrom = new Map<string, { prev: string; edge: EdgeKey } | null>([[from, null]]);
  let frontier = [from];
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const current of frontier) {
      for (const step of await steps(current)) {
        if (cameFrom.has(step.next)) continue;
        cameFrom.set(step.next, { prev: current, edge: step.edge });
        if (step.next === to) return unwind(cameFrom, to);
        next.push(step.next);
      }
    }
    frontier = next;
  }
  return null;
}

function unwind(cameFrom: Map<string, { prev: string; edge: EdgeKey } | null>, to: string): GraphPath {
  const nodes = [to];
  const edges: EdgeKey[] = [];
  for (let step = cameFrom.get(to); step; step = cameFrom.get(step.prev)) {
    nodes.unshift(step.prev);
    edges.unshift(step.edge);
  }
  return { nodes, edges };
}
