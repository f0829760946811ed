import assert from 'node:assert/strict';
import type { Direction, EdgeKey, GraphPath } from '@orch/core';

/** Traversal options as the reference implementations take them. */
export interface RefOptions {
  readonly direction: Direction;
  readonly types?: readonly string[] | undefined;
}

interface Step {
  readonly edge: EdgeKey;
  readonly next: string;
}

function steps(edges: readonly EdgeKey[], node: string, options: RefOptions): Step[] {
  const out: Step[] = [];
  for (const e of edges) {
    if (options.types && !options.types.includes(e.type)) continue;
    if (options.direction !== 'in' && e.from === node) out.push({ edge: e, next: e.to });
    if (options.direction !== 'out' && e.to === node && !(options.direction === 'both' && e.from === node))
      out.push({ edge: e, next: e.from });
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareLists(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = cmp(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** The documented path order: length, then node ids element-wise, then edge types element-wise. */
export function comparePaths(a: GraphPath, b: GraphPath): number {
  return (
    a.edges.length - b.edges.length ||
    compareLists(a.nodes, b.nodes) ||
    compareLists(
      a.edges.map((e) => e.type),
      b.edges.map((e) => e.type),
    )
  );
}

/**
 * Every simple path from `from` to `to` with at most `maxDepth` edges, in the documented order,
 * cut to `limit`: a brute-force enumeration written independently of any store.
 */
export function referencePaths(
  edges: readonly EdgeKey[],
  from: string,
  to: string,
  options: RefOptions & { maxDepth: number; limit: number },
): GraphPath[] {
  if (from === to) return [{ nodes: [from], edges: [] }];
  const found: GraphPath[] = [];
  const walk = (nodes: string[], path: EdgeKey[]): void => {
    const current = nodes[nodes.length - 1]!;
    if (current === to) {
      found.push({ nodes: [...nodes], edges: [...path] });
      return;
    }
    if (path.length === options.maxDepth) return;
    for (const { edge, next } of steps(edges, current, options)) {
      if (nodes.includes(next)) continue;
      walk([...nodes, next], [...path, { from: edge.from, to: edge.to, type: edge.type }]);
    }
  };
  walk([from], []);
  return found.sort(comparePaths).slice(0, options.limit);
}

/** Fewest hops from `start` to every node within `depth` (start excluded). */
export function referenceNeighbors(
  edges: readonly EdgeKey[],
  start: string,
  options: RefOptions & { depth: number },
): Map<string, number> {
  const depthOf = new Map<string, number>([[start, 0]]);
  let frontier = [start];
  for (let d = 1; d <= options.depth; d++) {
    const next: string[] = [];
    for (const node of frontier) {
      for (const { next: n } of steps(edges, node, options)) {
        if (depthOf.has(n)) continue;
        depthOf.set(n, d);
        next.push(n);
      }
    }
    frontier = next;
  }
  depthOf.delete(start);
  return depthOf;
}

/**
 * Check that `path` is a real simple walk from `from` to `to`: each edge exists, has an allowed
 * type and joins consecutive nodes in a direction the options allow.
 */
export function assertValidPath(
  path: GraphPath,
  edges: readonly EdgeKey[],
  from: string,
  to: string,
  options: RefOptions,
  context: string,
): void {
  assert.ok(
    Array.isArray(path.nodes) && Array.isArray(path.edges),
    `${context}: a path has nodes and edges arrays`,
  );
  assert.equal(path.nodes[0], from, `${context}: starts at ${from}`);
  assert.equal(path.nodes[path.nodes.length - 1], to, `${context}: ends at ${to}`);
  assert.equal(path.edges.length, path.nodes.length - 1, `${context}: one edge between consecutive nodes`);
  assert.equal(new Set(path.nodes).size, path.nodes.length, `${context}: no node twice (simple path)`);
  const known = new Set(edges.map((e) => `${e.from}\u0000${e.to}\u0000${e.type}`));
  path.edges.forEach((e, i) => {
    const [a, b] = [path.nodes[i]!, path.nodes[i + 1]!];
    assert.ok(
      known.has(`${e.from}\u0000${e.to}\u0000${e.type}`),
      `${context}: edge ${i} ${JSON.stringify(e)} does not exist`,
    );
    if (options.types)
      assert.ok(
        options.types.includes(e.type),
        `${context}: edge ${i} has type ${e.type}, not one of ${options.types.join(', ')}`,
      );
    const forward = e.from === a && e.to === b;
    const backward = e.from === b && e.to === a;
    const ok =
      options.direction === 'out' ? forward : options.direction === 'in' ? backward : forward || backward;
    assert.ok(
      ok,
      `${context}: edge ${i} ${JSON.stringify(e)} does not lead from ${a} to ${b} in direction ${options.direction}`,
    );
  });
}

/** A small deterministic PRNG (mulberry32), so generated graphs are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
