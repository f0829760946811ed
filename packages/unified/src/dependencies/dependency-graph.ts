import { OrchError } from '@orch/core';

/** An edge "task depends on dependency". */
export interface DependencyEdge {
  readonly taskId: string;
  readonly dependsOn: string;
}

/**
 * Orders `ids` so every task comes after the tasks it depends on (Kahn's algorithm). Ties keep the
 * order of `ids`, so callers pass them pre-sorted (e.g. by priority). Edges to tasks outside `ids`
 * are ignored. A cycle is `ORCH_CONFLICT`, naming it.
 */
export function topologicalOrder(ids: readonly string[], edges: readonly DependencyEdge[]): string[] {
  const inSet = new Set(ids);
  const rank = new Map(ids.map((id, i) => [id, i]));
  const waitingOn = new Map<string, number>(ids.map((id) => [id, 0]));
  const dependents = new Map<string, string[]>();
  for (const e of edges) {
    if (!inSet.has(e.taskId) || !inSet.has(e.dependsOn)) continue;
    waitingOn.set(e.taskId, waitingOn.get(e.taskId)! + 1);
    dependents.set(e.dependsOn, [...(dependents.get(e.dependsOn) ?? []), e.taskId]);
  }
  const ready = ids.filter((id) => waitingOn.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => rank.get(a)! - rank.get(b)!);
    const next = ready.shift()!;
    order.push(next);
    for (const d of dependents.get(next) ?? []) {
      const left = waitingOn.get(d)! - 1;
      waitingOn.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  if (order.length < ids.length) {
    const cycle =
      findCycle(
        ids.filter((id) => !order.includes(id)),
        edges,
      ) ?? [];
    throw new OrchError('ORCH_CONFLICT', `The dependencies form a cycle: ${cycle.join(' -> ')}.`, {
      details: { cycle },
    });
  }
  return order;
}

/** One dependency cycle among `ids` (as a closed walk a -> b -> … -> a), or undefined. */
export function findCycle(ids: readonly string[], edges: readonly DependencyEdge[]): string[] | undefined {
  const inSet = new Set(ids);
  const out = new Map<string, string[]>();
  for (const e of edges)
    if (inSet.has(e.taskId) && inSet.has(e.dependsOn))
      out.set(e.taskId, [...(out.get(e.taskId) ?? []), e.dependsOn]);
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 1);
    stack.push(id);
    for (const next of out.get(id) ?? []) {
      if (state.get(next) === 1) return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 2);
    return undefined;
  };
  for (const id of ids) {
    if (state.has(id)) continue;
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}

/**
 * The longest chain of dependent tasks by total weight (default 1 per task): the sequence that
 * bounds how soon the whole set can finish.
 */
export function criticalPath(
  ids: readonly string[],
  edges: readonly DependencyEdge[],
  weight: (id: string) => number = () => 1,
): { path: string[]; length: number } {
  const order = topologicalOrder(ids, edges);
  const inSet = new Set(ids);
  const deps = new Map<string, string[]>();
  for (const e of edges)
    if (inSet.has(e.taskId) && inSet.has(e.dependsOn))
      deps.set(e.taskId, [...(deps.get(e.taskId) ?? []), e.dependsOn]);
  const best = new Map<string, { length: number; prev: string | undefined }>();
  for (const id of order) {
    let prev: string | undefined;
    let length = 0;
    for (const d of deps.get(id) ?? []) {
      const candidate = best.get(d)!.length;
      if (candidate > length || (candidate === length && prev !== undefined && d < prev)) {
        length = candidate;
        prev = d;
      }
    }
    best.set(id, { length: length + weight(id), prev });
  }
  let end: string | undefined;
  for (const id of order) if (end === undefined || best.get(id)!.length > best.get(end)!.length) end = id;
  const path: string[] = [];
  for (let at = end; at !== undefined; at = best.get(at)!.prev) path.unshift(at);
  return { path, length: end === undefined ? 0 : best.get(end)!.length };
}
