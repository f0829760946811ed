import { describe, expect, it } from 'vitest';
import {
  breadthFirstDepths,
  breadthFirstShortestPath,
  simplePaths,
  stepsFrom,
  type TraversalStep,
} from '../src/adapter-kit.js';

const edge = (from: string, to: string, type = 'T') => ({ from, to, type, properties: {} });

describe('stepsFrom', () => {
  const edges = [edge('a', 'b'), edge('c', 'a'), edge('a', 'a')];
  it('follows each direction, a self-loop once', () => {
    const next = (d: 'out' | 'in' | 'both') => stepsFrom('a', edges, d).map((s) => s.next);
    expect(next('out')).toEqual(['b', 'a']);
    expect(next('in')).toEqual(['c', 'a']);
    expect(next('both')).toEqual(['b', 'c', 'a']);
  });
});

describe('default traversals over a step source', () => {
  // a -> b -> d, a -> c -> d, d -> a (cycle), d -> e
  const graph: Record<string, string[]> = { a: ['b', 'c'], b: ['d'], c: ['d'], d: ['a', 'e'], e: [] };
  const calls: string[] = [];
  const steps = async (id: string): Promise<TraversalStep[]> => {
    calls.push(id);
    return (graph[id] ?? []).map((to) => ({ edge: { from: id, to, type: 'T' }, next: to }));
  };

  it('gives each reachable node its smallest depth, ordered by depth then id', async () => {
    expect(await breadthFirstDepths('a', 5, steps)).toEqual([
      ['b', 1],
      ['c', 1],
      ['d', 2],
      ['e', 3],
    ]);
    expect(await breadthFirstDepths('a', 1, steps)).toEqual([
      ['b', 1],
      ['c', 1],
    ]);
  });

  it('lists simple paths shortest first within the limit, and never loops on the cycle', async () => {
    const paths = await simplePaths('a', 'e', { maxDepth: 10, limit: 10 }, steps);
    expect(paths.map((p) => p.nodes.join(''))).toEqual(['abde', 'acde']);
    calls.length = 0;
    expect(
      (await simplePaths('a', 'e', { maxDepth: 10, limit: 1 }, steps)).map((p) => p.nodes.join('')),
    ).toEqual(['abde']);
    // Moves are cached per node for the whole search.
    expect(new Set(calls).size).toBe(calls.length);
    expect(await simplePaths('a', 'e', { maxDepth: 2, limit: 10 }, steps)).toEqual([]);
  });

  it('finds a shortest path or null within maxDepth', async () => {
    const path = await breadthFirstShortestPath('b', 'c', 5, steps);
    expect(path?.nodes).toEqual(['b', 'd', 'a', 'c']);
    expect(path?.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['b>d', 'd>a', 'a>c']);
    expect(await breadthFirstShortestPath('b', 'c', 2, steps)).toBeNull();
    expect(await breadthFirstShortestPath('e', 'a', 5, steps)).toBeNull();
  });
});
