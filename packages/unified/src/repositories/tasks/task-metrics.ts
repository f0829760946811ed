import { num, numOrNull } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import { countsByKey, statusCounts } from '../shared/status-counts.js';
import { FILTER_FIELDS, taskWhere } from './task-query.js';
import type { TaskFilter, TaskMetrics } from './task-repository.js';
import { OPEN_TASK_STATUSES, TASK_STATUSES } from './task-types.js';

export async function taskMetrics(ctx: RepositoryContext, filter: TaskFilter = {}): Promise<TaskMetrics> {
  const { db } = ctx;
  const where = taskWhere(filter, 'filter', FILTER_FIELDS);
  const duration = db.dialect.millisecondsBetween('created_at', 'completed_at');
  const [byStatus, byType, bySpecialist, completion] = await Promise.all([
    db.query<{ k: string; n: number | string }>(
      `SELECT status AS k, COUNT(*) AS n FROM tasks WHERE ${where.sql} GROUP BY status`,
      where.params,
    ),
    db.query<{ k: string; n: number | string }>(
      `SELECT type AS k, COUNT(*) AS n FROM tasks WHERE ${where.sql} GROUP BY type ORDER BY type`,
      where.params,
    ),
    db.query<{ k: string; n: number | string }>(
      `SELECT specialist AS k, COUNT(*) AS n FROM tasks WHERE ${where.sql} AND specialist IS NOT NULL GROUP BY specialist ORDER BY specialist`,
      where.params,
    ),
    db.one<{ n: number | string; avg_ms: number | string | null }>(
      `SELECT COUNT(*) AS n, AVG(${duration}) AS avg_ms FROM tasks WHERE ${where.sql} AND completed_at IS NOT NULL`,
      where.params,
    ),
  ]);
  const { byStatus: counts, total } = statusCounts(TASK_STATUSES, byStatus);
  const completed = num(completion?.n);
  const avg = numOrNull(completion?.avg_ms);
  return {
    total,
    byStatus: counts,
    byType: countsByKey(byType),
    bySpecialist: countsByKey(bySpecialist),
    completed,
    completionRate: total === 0 ? null : completed / total,
    averageCompletionMs: avg === null ? null : Math.round(avg),
    open: OPEN_TASK_STATUSES.reduce((sum, s) => sum + counts[s], 0),
  };
}
