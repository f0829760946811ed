import { isOrchError } from '@orch/core';
import { describe, expect, it } from 'vitest';
import { criticalPath, findCycle, topologicalOrder } from '../src/dependencies/dependency-graph.js';

const e = (taskId: string, dependsOn: string) => ({ taskId, dependsOn });

describe('dependency algorithms', () => {
  const edges = [e('b', 'a'), e('c', 'a'), e('d', 'b'), e('d', 'c'), e('e', 'd')];

  it('orders dependencies first and keeps the given order among equals', () => {
    const order = topologicalOrder(['e', 'd', 'c', 'b', 'a'], edges);
    expect(order).toEqual(['a', 'c', 'b', 'd', 'e']);
    for (const { taskId, dependsOn } of edges)
      expect(order.indexOf(dependsOn)).toBeLessThan(order.indexOf(taskId));
  });

  it('names the cycle', () => {
    let caught: unknown;
    try {
      topologicalOrder(['x', 'y', 'z'], [e('x', 'y'), e('y', 'z'), e('z', 'x')]);
    } catch (err) {
      caught = err;
    }
    expect(isOrchError(caught, 'ORCH_CONFLICT')).toBe(true);
    const cycle = findCycle(['x', 'y', 'z'], [e('x', 'y'), e('y', 'z'), e('z', 'x')])!;
    expect(cycle[0]).toBe(cycle[cycle.length - 1]);
    expect(new Set(cycle)).toEqual(new Set(['x', 'y', 'z']));
    expect(findCycle(['a', 'b'], [e('b', 'a')])).toBeUndefined();
  });

  it('finds the heaviest chain', () => {
    const weights: Record<string, number> = { a: 1, b: 5, c: 1, d: 1, e: 1 };
    const { path, length } = criticalPath(['a', 'b', 'c', 'd', 'e'], edges, (id) => weights[id]!);
    expect(path).toEqual(['a', 'b', 'd', 'e']);
    expect(length).toBe(8);
    expect(criticalPath([], [])).toEqual({ path: [], length: 0 });
  });
});
