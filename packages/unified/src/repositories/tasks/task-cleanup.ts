import { marks } from '../../util/sql-lists.js';
import { invalidInput } from '../repository-errors.js';
import { checkOneOf, checkStringArray, InputReader } from '../shared/input.js';
import type { TaskContext } from './task-context.js';
import type { CleanupTasksOptions } from './task-repository.js';
import { FINISHED_TASK_STATUSES, TASK_STATUSES } from './task-types.js';

/** Delete finished tasks last updated before a date, leaves first, one transaction per batch. */
export async function cleanupTasks(ctx: TaskContext, options: CleanupTasksOptions): Promise<number> {
  const r = new InputReader(options, 'options', ['olderThan', 'statuses', 'batchSize']);
  if (!r.has('olderThan')) throw invalidInput('options.olderThan', 'a Date or an ISO-8601 date string');
  const cutoff = r.time('olderThan')!;
  const statuses = r.has('statuses')
    ? checkStringArray(r.raw('statuses'), 'options.statuses').map((s, i) =>
        checkOneOf(s, `options.statuses[${i}]`, TASK_STATUSES),
      )
    : [...FINISHED_TASK_STATUSES];
  const batchSize = r.int('batchSize', 1, 1000) ?? 100;
  if (statuses.length === 0) return 0;
  let deleted = 0;
  // Leaves first: a task goes only when it has no subtasks and nothing depends on it, so a
  // finished parent with an unfinished child, or a dependency still needed, stays. Each batch is
  // one short transaction, so writers are never blocked for long and nothing waits on two locks.
  for (;;) {
    const n = await ctx.write(async (db, changes) => {
      const rows = await db.query<{ id: string }>(
        `SELECT t.id FROM tasks t
          WHERE t.status IN (${marks(statuses.length)}) AND t.updated_at < ?
            AND NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = t.id)
            AND NOT EXISTS (SELECT 1 FROM task_dependencies d WHERE d.depends_on_id = t.id)
          ORDER BY t.updated_at, t.id LIMIT ?`,
        [...statuses, cutoff, batchSize],
      );
      if (rows.length === 0) return 0;
      const ids = rows.map((row) => row.id);
      const list = marks(ids.length);
      await db.execute(`DELETE FROM task_dependencies WHERE task_id IN (${list})`, ids);
      await db.execute(`DELETE FROM task_artifacts WHERE task_id IN (${list})`, ids);
      await db.execute(`DELETE FROM specialist_assignments WHERE task_id IN (${list})`, ids);
      const { changes: removed } = await db.execute(`DELETE FROM tasks WHERE id IN (${list})`, ids);
      changes.deleted(ids);
      return removed;
    });
    deleted += n;
    if (n === 0) return deleted;
  }
}
