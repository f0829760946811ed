import { criticalPath, type DependencyEdge, type Task, topologicalOrder } from '@orch/unified';
import { complexityWeight } from './plan.js';

/** The subtasks of one plan with the dependency edges among them (and to outside tasks). */
export interface PlanGraph {
  readonly parent: Task;
  readonly tasks: Task[];
  readonly edges: DependencyEdge[];
}

export interface Schedule {
  /** Every task id in an order that respects the dependencies (ties: critical work first). */
  readonly order: string[];
  /** The longest chain by complexity weight, over the whole plan. */
  readonly criticalPath: { readonly path: string[]; readonly length: number };
  /** Per task: the weight of the longest chain from it to the end of the plan (itself included). */
  readonly remaining: Map<string, number>;
  /** Tasks not started yet whose dependencies are all completed, most critical first. */
  readonly ready: Task[];
}

const NOT_STARTED = new Set(['created', 'planning', 'ready', 'blocked']);

/**
 * Order a plan along its critical path: a ready task that starts a longer remaining chain comes
 * first (its delay delays the whole plan), then higher priority, then plan order.
 */
export function schedule(graph: PlanGraph, statusOf: (id: string) => string | undefined): Schedule {
  const byId = new Map(graph.tasks.map((t) => [t.id, t]));
  const weight = (id: string): number => complexityWeight(byId.get(id)?.complexity);
  const ids = [...graph.tasks].sort(planOrder).map((t) => t.id);
  const internal = graph.edges.filter((e) => byId.has(e.taskId) && byId.has(e.dependsOn));
  const topo = topologicalOrder(ids, internal);
  const dependents = new Map<string, string[]>();
  for (const e of internal) dependents.set(e.dependsOn, [...(dependents.get(e.dependsOn) ?? []), e.taskId]);
  const remaining = new Map<string, number>();
  for (const id of [...topo].reverse()) {
    const after = Math.max(0, ...(dependents.get(id) ?? []).map((d) => remaining.get(d) ?? 0));
    remaining.set(id, weight(id) + after);
  }
  const rank = (t: Task): [number, number, number] => [
    -(remaining.get(t.id) ?? 0),
    -t.priority,
    ids.indexOf(t.id),
  ];
  const compare = (a: Task, b: Task): number => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  };
  const ordered = topologicalOrder(
    [...graph.tasks].sort(compare).map((t) => t.id),
    internal,
  );
  const ready = graph.tasks
    .filter((t) => NOT_STARTED.has(t.status))
    .filter((t) =>
      graph.edges.filter((e) => e.taskId === t.id).every((e) => statusOf(e.dependsOn) === 'completed'),
    )
    .sort(compare);
  return { order: ordered, criticalPath: criticalPath(topo, internal, weight), remaining, ready };
}

function planOrder(a: Task, b: Task): number {
  const oa = typeof a.metadata.order === 'number' ? a.metadata.order : Number.MAX_SAFE_INTEGER;
  const ob = typeof b.metadata.order === 'number' ? b.metadata.order : Number.MAX_SAFE_INTEGER;
  return oa - ob || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}
