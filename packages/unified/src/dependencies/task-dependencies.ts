import type { SyncStores } from '../cross-store/sync-applier.js';
import { DEPENDS_ON } from '../cross-store/task-projection.js';
import { SqlTaskRepository } from '../repositories/tasks/sql-task-repository.js';
import type { Task } from '../repositories/tasks/task-types.js';
import { Db } from '../util/db.js';
import { marks } from '../util/sql-lists.js';
import { criticalPath, type DependencyEdge, findCycle, topologicalOrder } from './dependency-graph.js';

/** Statuses a task can still move from towards work; `ready` answers only for these. */
const OPEN = new Set(['created', 'planning', 'ready', 'blocked']);

/**
 * Dependency questions over a set of tasks. The edges come from the operational store's
 * `task_dependencies`, the source of truth that commits with the task; the graph store mirrors
 * it (through the outbox) for traversals such as `blockersFromGraph`.
 */
export class TaskDependencies {
  readonly #stores: SyncStores;

  constructor(stores: SyncStores) {
    this.#stores = stores;
  }

  /** Tasks `taskId` depends on that are not completed yet. */
  async blockers(taskId: string): Promise<Task[]> {
    const repo = new SqlTaskRepository(this.#stores.operational);
    const task = await repo.get(taskId);
    if (!task) return [];
    const deps = await Promise.all(task.dependsOn.map((id) => repo.get(id)));
    return deps.filter((t): t is NonNullable<typeof t> => !!t && t.status !== 'completed');
  }

  /** The same question answered by graph traversal (transitively, up to `depth` hops). */
  async blockersFromGraph(taskId: string, depth = 1): Promise<string[]> {
    if (!this.#stores.graph) return (await this.blockers(taskId)).map((t) => t.id);
    const neighbors = await this.#stores.graph.neighbors(taskId, {
      direction: 'out',
      types: [DEPENDS_ON],
      depth,
    });
    return neighbors.filter((n) => n.properties.status !== 'completed').map((n) => n.id);
  }

  /** Open subtasks of `parentId` (or of every root when null) whose dependencies are all completed, by priority. */
  async ready(parentId: string | null): Promise<Task[]> {
    const { tasks, edges } = await this.#children(parentId);
    const status = new Map(tasks.map((t) => [t.id, t.status]));
    const byId = new Map(tasks.map((t) => [t.id, t]));
    const external = edges.filter((e) => !status.has(e.dependsOn)).map((e) => e.dependsOn);
    if (external.length > 0) {
      const rows = await new Db(this.#stores.operational).query<{ id: string; status: string }>(
        `SELECT id, status FROM tasks WHERE id IN (${marks(external.length)})`,
        external,
      );
      for (const r of rows) status.set(r.id, r.status as Task['status']);
    }
    return tasks
      .filter((t) => OPEN.has(t.status))
      .filter((t) =>
        edges.filter((e) => e.taskId === t.id).every((e) => status.get(e.dependsOn) === 'completed'),
      )
      .sort(
        (a, b) =>
          b.priority - a.priority || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
      )
      .map((t) => byId.get(t.id)!);
  }

  /** The subtasks of `parentId` in an order that respects every dependency. Cycles are `ORCH_CONFLICT`. */
  async topologicalOrder(parentId: string): Promise<string[]> {
    const { tasks, edges } = await this.#children(parentId);
    return topologicalOrder(sortedIds(tasks), edges);
  }

  /** The longest dependency chain among the subtasks of `parentId`. */
  async criticalPath(
    parentId: string,
    weight?: (task: Task) => number,
  ): Promise<{ path: string[]; length: number }> {
    const { tasks, edges } = await this.#children(parentId);
    const byId = new Map(tasks.map((t) => [t.id, t]));
    return criticalPath(sortedIds(tasks), edges, weight ? (id) => weight(byId.get(id)!) : undefined);
  }

  /** A cycle among the subtasks of `parentId`, if the data has one (adding a dependency already refuses cycles). */
  async findCycle(parentId: string | null): Promise<string[] | undefined> {
    const { tasks, edges } = await this.#children(parentId);
    return findCycle(sortedIds(tasks), edges);
  }

  async #children(parentId: string | null): Promise<{ tasks: Task[]; edges: DependencyEdge[] }> {
    const db = new Db(this.#stores.operational);
    const tasks = (await new SqlTaskRepository(this.#stores.operational).query({ parentId, limit: 10_000 }))
      .items;
    if (tasks.length === 0) return { tasks, edges: [] };
    const ids = tasks.map((t) => t.id);
    const edges = await db.query<{ task_id: string; depends_on_id: string }>(
      `SELECT task_id, depends_on_id FROM task_dependencies WHERE task_id IN (${marks(ids.length)})`,
      ids,
    );
    return { tasks, edges: edges.map((e) => ({ taskId: e.task_id, dependsOn: e.depends_on_id })) };
  }
}

function sortedIds(tasks: readonly Task[]): string[] {
  return [...tasks]
    .sort(
      (a, b) => b.priority - a.priority || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    )
    .map((t) => t.id);
}
