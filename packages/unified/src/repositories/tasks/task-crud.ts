import type { Db } from '../../util/db.js';
import { chunks, marks } from '../../util/sql-lists.js';
import { conflict, invalidInput, notFound, uniqueOrConflict } from '../repository-errors.js';
import { checkId, InputReader } from '../shared/input.js';
import { artifactsOf } from './task-artifacts.js';
import type { TaskContext } from './task-context.js';
import { addNewTaskDependencies, dependencyIds } from './task-dependency-edges.js';
import { SUBTREE, subtreeIds } from './task-hierarchy.js';
import { readCreate } from './task-input.js';
import type { DeleteTaskOptions } from './task-repository.js';
import { TASK_COLUMNS, type TaskRow, taskExists, toTask } from './task-rows.js';
import type { CreateTaskInput, Task, TaskWithRelations } from './task-types.js';

export async function createTask(ctx: TaskContext, input: CreateTaskInput): Promise<Task> {
  const t = readCreate(input);
  const duplicate = `Task ${JSON.stringify(t.id)} already exists; choose another id or omit it to get a generated one.`;
  return ctx.write(async (db, changes) => {
    // No existence check first: the INSERT's unique violation says it (one round trip less),
    // and it runs in this write's savepoint, so a refusal leaves an enclosing transaction usable.
    let sessionId = t.sessionId ?? null;
    if (t.parentId !== null) {
      const parent = await db.one<{ session_id: string | null }>(
        'SELECT session_id FROM tasks WHERE id = ?',
        [t.parentId],
      );
      if (!parent)
        throw notFound('Parent task', t.parentId, 'create the parent first or pass parentId: null');
      if (t.sessionId === undefined) sessionId = parent.session_id;
    }
    const now = ctx.stamp();
    const row: TaskRow = {
      id: t.id,
      parent_id: t.parentId,
      session_id: sessionId,
      title: t.title,
      description: t.description,
      type: t.type,
      status: t.status,
      specialist: t.specialist,
      complexity: t.complexity,
      priority: t.priority,
      result: null,
      metadata: t.metadataText,
      version: 1,
      created_at: now,
      updated_at: now,
      completed_at: t.status === 'completed' ? now : null,
    };
    const inserted = uniqueOrConflict(
      () =>
        db.execute(`INSERT INTO tasks (${TASK_COLUMNS}) VALUES (${marks(16)})`, [
          row.id,
          row.parent_id,
          row.session_id,
          row.title,
          row.description,
          row.type,
          row.status,
          row.specialist,
          row.complexity,
          row.priority,
          row.result,
          row.metadata,
          row.version,
          row.created_at,
          row.updated_at,
          row.completed_at,
        ]),
      duplicate,
      { reason: 'duplicate', id: t.id },
    );
    // Issued right behind the row, in the same turn (one round trip where the engine pipelines);
    // if the row is refused, this write fails as a whole and takes the edges with it.
    const edges = t.dependsOn.length > 0 ? addNewTaskDependencies(db, t.id, t.dependsOn, now) : undefined;
    const [written, linked] = await Promise.allSettled([inserted, edges]);
    if (written.status === 'rejected') throw written.reason;
    if (linked.status === 'rejected') throw linked.reason;
    changes.created(t.id);
    return toTask(row);
  });
}

export async function getTask(ctx: TaskContext, id: string): Promise<TaskWithRelations | null> {
  checkId(id, 'id');
  // All four reads at once (one round trip where reads are batched); a missing task has no
  // artifacts or edges, so nothing is lost by asking before knowing it exists.
  const [row, artifacts, deps] = await Promise.all([
    ctx.db.one<TaskRow>(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = ?`, [id]),
    artifactsOf(ctx.db, id),
    dependencyIds(ctx.db, id),
  ]);
  if (!row) return null;
  return { ...toTask(row), artifacts, ...deps };
}

export async function getTasks(ctx: TaskContext, ids: readonly string[]): Promise<Task[]> {
  if (!Array.isArray(ids)) throw invalidInput('ids', 'an array of task ids', ids);
  const unique = [...new Set(ids)];
  for (const id of unique) checkId(id, 'ids[]');
  const found = new Map<string, Task>();
  for (const chunk of chunks(unique)) {
    const rows = await ctx.db.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE id IN (${marks(chunk.length)})`,
      chunk,
    );
    for (const row of rows) found.set(row.id, toTask(row));
  }
  return unique.flatMap((id) => found.get(id) ?? []);
}

/** Delete a task with its subtree; refused while tasks outside it depend on it, unless `force`. */
export async function deleteTask(
  ctx: TaskContext,
  id: string,
  options: DeleteTaskOptions = {},
): Promise<boolean> {
  checkId(id, 'id');
  const force = new InputReader(options, 'options', ['force']).bool('force') ?? false;
  return ctx.write(async (db, changes) => {
    if (!(await taskExists(db, id))) return false;
    const outside = await db.query<{ task_id: string; depends_on_id: string }>(
      `SELECT task_id, depends_on_id FROM task_dependencies
        WHERE depends_on_id IN (${SUBTREE}) AND task_id NOT IN (${SUBTREE})
        ORDER BY task_id, depends_on_id`,
      [id, id],
    );
    if (outside.length > 0 && !force) {
      const dependents = [...new Set(outside.map((d) => d.task_id))];
      throw conflict(
        `Task ${JSON.stringify(id)} cannot be deleted: ${dependents.map((d) => JSON.stringify(d)).join(', ')} depend on it (or on its subtasks). Remove those dependencies first, or pass { force: true } to delete them too.`,
        { reason: 'has-dependents', id, dependents },
      );
    }
    const ids = await subtreeIds(db, id);
    await deleteSubtree(db, id);
    changes.deleted(ids);
    // Tasks outside the subtree lost their edges to it.
    changes.changed(...new Set(outside.map((d) => d.task_id)));
    return true;
  });
}

async function deleteSubtree(db: Db, id: string): Promise<void> {
  await db.execute(
    `DELETE FROM task_dependencies WHERE task_id IN (${SUBTREE}) OR depends_on_id IN (${SUBTREE})`,
    [id, id],
  );
  await db.execute(`DELETE FROM task_artifacts WHERE task_id IN (${SUBTREE})`, [id]);
  await db.execute(`DELETE FROM specialist_assignments WHERE task_id IN (${SUBTREE})`, [id]);
  await db.execute(`DELETE FROM tasks WHERE id IN (${SUBTREE})`, [id]);
}
