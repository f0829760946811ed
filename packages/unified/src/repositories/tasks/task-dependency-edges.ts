import type { Db } from '../../util/db.js';
import { chunks, idsWhereIn, marks } from '../../util/sql-lists.js';
import { conflict, invalidInput, notFound } from '../repository-errors.js';
import { checkId } from '../shared/input.js';
import type { TaskContext } from './task-context.js';
import type { TaskDependencyIds } from './task-repository.js';
import { taskExists } from './task-rows.js';

/** The key of the dialect's transaction lock taken while edges are checked for cycles and added. */
const DEPENDENCY_LOCK = 7263502;

/** `taskId` depends on each of `dependsOnIds`: all or nothing, no cycles; returns the new edges' ids. */
export async function addDependencies(
  ctx: TaskContext,
  taskId: string,
  dependsOnIds: readonly string[],
): Promise<string[]> {
  checkId(taskId, 'taskId');
  if (!Array.isArray(dependsOnIds)) throw invalidInput('dependsOnIds', 'an array of task ids', dependsOnIds);
  const ids = [...new Set(dependsOnIds)];
  for (const id of ids) {
    checkId(id, 'dependsOnIds[]');
    if (id === taskId) {
      throw conflict(`Task ${JSON.stringify(taskId)} cannot depend on itself.`, {
        reason: 'cycle',
        cycle: [taskId, taskId],
      });
    }
  }
  if (ids.length === 0) return [];
  return ctx.write(async (db, changes) => {
    // Serialize edge additions (where the engine does not already) so two concurrent additions
    // cannot close a cycle together.
    const lock = db.dialect.transactionLock(DEPENDENCY_LOCK);
    if (lock !== undefined) await db.query(lock);
    const stamp = ctx.stamp();
    // Up to ONE_QUERY_IDS edges, the check and the insert are issued together (one round trip
    // where the engine pipelines): the check runs first and sees the table as it was; when it
    // fails, the error below rolls the write unit back, the inserted rows with it.
    const pipelined = ids.length <= ONE_QUERY_IDS;
    const checked = checkEdges(db, taskId, ids);
    const inserted = pipelined ? insertDependencies(db, taskId, ids, stamp) : undefined;
    const [check, insert] = await Promise.allSettled([checked, inserted]);
    if (check.status === 'rejected') throw check.reason;
    const { known, existing, closing } = check.value;
    for (const id of [taskId, ...ids]) if (!known.has(id)) throw notFound('Task', id);
    const fresh = ids.filter((id) => !existing.has(id));
    if (fresh.length === 0) return [];
    if (closing !== undefined) {
      const cycle = [taskId, ...((await dependencyPath(db, closing, taskId)) ?? [closing, taskId])];
      throw conflict(
        `Adding "${taskId} depends on ${closing}" would create a cycle: ${cycle.join(' -> ')}. Remove one of those dependencies first.`,
        { reason: 'cycle', cycle },
      );
    }
    if (insert.status === 'rejected') throw insert.reason;
    if (!pipelined) await insertDependencies(db, taskId, fresh, stamp);
    changes.changed(taskId);
    return fresh;
  });
}

/**
 * The edges of a task this write unit is creating (its row issued just before): no cycle check,
 * since nothing can depend on a task that did not exist, and no lock for the same reason (another
 * writer cannot point at the row before it commits). The existence check and the insert are issued
 * together; a missing task is reported by name, and the caller's unit rolls back the insert.
 */
export async function addNewTaskDependencies(
  db: Db,
  taskId: string,
  ids: readonly string[],
  stamp: string,
): Promise<void> {
  const known = idsWhereIn(db, ids, (list) => `SELECT id FROM tasks WHERE id IN (${list})`);
  const inserted = insertDependencies(db, taskId, ids, stamp);
  const [check, insert] = await Promise.allSettled([known, inserted]);
  if (check.status === 'rejected') throw check.reason;
  const missing = ids.find((id) => !check.value.has(id));
  if (missing !== undefined) throw notFound('Task', missing, 'create the tasks it depends on first');
  if (insert.status === 'rejected') throw insert.reason;
}

/** Insert the edges `taskId` -> each of `ids`; those already there are left as they are. */
async function insertDependencies(
  db: Db,
  taskId: string,
  ids: readonly string[],
  stamp: string,
): Promise<void> {
  for (const chunk of chunks(ids, 300)) {
    await db.execute(
      `INSERT INTO task_dependencies (task_id, depends_on_id, created_at) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}
       ON CONFLICT (task_id, depends_on_id) DO NOTHING`,
      chunk.flatMap((id) => [taskId, id, stamp]),
    );
  }
}

export async function removeDependency(
  ctx: TaskContext,
  taskId: string,
  dependsOnId: string,
): Promise<boolean> {
  checkId(taskId, 'taskId');
  checkId(dependsOnId, 'dependsOnId');
  return ctx.write(async (db, changes) => {
    for (const id of [taskId, dependsOnId]) if (!(await taskExists(db, id))) throw notFound('Task', id);
    const { changes: removed } = await db.execute(
      'DELETE FROM task_dependencies WHERE task_id = ? AND depends_on_id = ?',
      [taskId, dependsOnId],
    );
    if (removed > 0) changes.changed(taskId);
    return removed > 0;
  });
}

export async function dependencies(ctx: TaskContext, taskId: string): Promise<TaskDependencyIds> {
  checkId(taskId, 'taskId');
  if (!(await taskExists(ctx.db, taskId))) throw notFound('Task', taskId);
  return dependencyIds(ctx.db, taskId);
}

/** Both directions of a task's dependency edges (no existence check). */
export async function dependencyIds(db: Db, taskId: string): Promise<TaskDependencyIds> {
  const [dependsOn, dependents] = await Promise.all([
    db.query<{ id: string }>(
      'SELECT depends_on_id AS id FROM task_dependencies WHERE task_id = ? ORDER BY depends_on_id',
      [taskId],
    ),
    db.query<{ id: string }>(
      'SELECT task_id AS id FROM task_dependencies WHERE depends_on_id = ? ORDER BY task_id',
      [taskId],
    ),
  ]);
  return { dependsOn: dependsOn.map((d) => d.id), dependents: dependents.map((d) => d.id) };
}

/** Up to this many dependencies are checked in one query (three lists of placeholders). */
const ONE_QUERY_IDS = 250;

/**
 * What adding edges `taskId → ids` needs to know: which of the tasks exist, which edges exist
 * already, and the first of `ids` that already depends on `taskId` (the edge to it would close a
 * cycle: every new edge starts at taskId, so a cycle needs one of the new dependencies among
 * taskId's transitive dependents; an existing dependency cannot be one, the graph being acyclic).
 * One query for the usual handful of ids.
 */
async function checkEdges(
  db: Db,
  taskId: string,
  ids: readonly string[],
): Promise<{ known: Set<string>; existing: Set<string>; closing: string | undefined }> {
  if (ids.length > ONE_QUERY_IDS) {
    const known = await idsWhereIn(
      db,
      [taskId, ...ids],
      (list) => `SELECT id FROM tasks WHERE id IN (${list})`,
    );
    const existing = await idsWhereIn(
      db,
      ids,
      (list) =>
        `SELECT depends_on_id AS id FROM task_dependencies WHERE task_id = ? AND depends_on_id IN (${list})`,
      [taskId],
    );
    return { known, existing, closing: await firstDependent(db, taskId, ids) };
  }
  const list = marks(ids.length);
  const rows = await db.query<{ k: number | string; id: string }>(
    `WITH RECURSIVE up(id) AS (
        SELECT CAST(? AS TEXT)
        UNION
        SELECT d.task_id FROM task_dependencies d JOIN up u ON d.depends_on_id = u.id
      )
      SELECT 0 AS k, id FROM tasks WHERE id IN (?, ${list})
      UNION ALL
      SELECT 1 AS k, depends_on_id AS id FROM task_dependencies WHERE task_id = ? AND depends_on_id IN (${list})
      UNION ALL
      SELECT 2 AS k, id FROM up WHERE id IN (${list})`,
    [taskId, taskId, ...ids, taskId, ...ids, ...ids],
  );
  const known = new Set<string>();
  const existing = new Set<string>();
  const dependents = new Set<string>();
  for (const r of rows) {
    const k = Number(r.k);
    (k === 0 ? known : k === 1 ? existing : dependents).add(r.id);
  }
  return { known, existing, closing: ids.find((id) => dependents.has(id)) };
}

/**
 * The first of `candidates` (in their order) that depends on `id`, directly or transitively.
 * Walks `id`'s dependents rather than the candidates' dependencies: a new edge usually starts at
 * a new or leaf task, which has few or no dependents, while dependencies can reach most of the
 * graph. At most one row per candidate crosses back.
 */
async function firstDependent(
  db: Db,
  id: string,
  candidates: readonly string[],
): Promise<string | undefined> {
  const found = await idsWhereIn(
    db,
    candidates,
    (list) => `WITH RECURSIVE up(id) AS (
        SELECT CAST(? AS TEXT)
        UNION
        SELECT d.task_id FROM task_dependencies d JOIN up u ON d.depends_on_id = u.id
      )
      SELECT id FROM up WHERE id IN (${list})`,
    [id],
  );
  return candidates.find((c) => found.has(c));
}

/** A dependency path from `from` to `to` (following "depends on" edges), or undefined. */
async function dependencyPath(db: Db, from: string, to: string): Promise<string[] | undefined> {
  const edges = await db.query<{ task_id: string; depends_on_id: string }>(
    `WITH RECURSIVE reach(id) AS (
        SELECT CAST(? AS TEXT)
        UNION
        SELECT d.depends_on_id FROM task_dependencies d JOIN reach r ON d.task_id = r.id
      )
      SELECT d.task_id, d.depends_on_id FROM task_dependencies d
       WHERE d.task_id IN (SELECT id FROM reach)
       ORDER BY d.task_id, d.depends_on_id`,
    [from],
  );
  const next = new Map<string, string[]>();
  for (const e of edges) {
    const list = next.get(e.task_id) ?? [];
    list.push(e.depends_on_id);
    next.set(e.task_id, list);
  }
  // Breadth-first, so the reported cycle is a shortest one.
  const previous = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (node === to) {
      const path: string[] = [];
      for (let n: string | null = node; n !== null; n = previous.get(n) ?? null) path.unshift(n);
      return path;
    }
    for (const n of next.get(node) ?? []) {
      if (!previous.has(n)) {
        previous.set(n, node);
        queue.push(n);
      }
    }
  }
  return undefined;
}
