import type { SqlValue } from '@orch/core';
import type { Db } from '../../util/db.js';
import { marks } from '../../util/sql-lists.js';
import { notFound } from '../repository-errors.js';
import { checkId, num } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import { specialistCategories } from './specialist-catalog.js';
import type { SpecialistMetrics, SpecialistUsage } from './specialist-repository.js';
import { compare } from './specialist-rows.js';

interface UsageRow {
  id: string;
  name: string;
  category: string;
  assignments: number | string | null;
  open: number | string | null;
  completed: number | string | null;
  succeeded: number | string | null;
}

const USAGE_SELECT = `SELECT s.id, s.name, s.category,
    COUNT(a.id) AS assignments,
    SUM(CASE WHEN a.status = 'assigned' THEN 1 ELSE 0 END) AS open,
    SUM(CASE WHEN a.status = 'completed' THEN 1 ELSE 0 END) AS completed,
    SUM(CASE WHEN a.status = 'completed' AND a.success = 1 THEN 1 ELSE 0 END) AS succeeded
  FROM specialists s LEFT JOIN specialist_assignments a ON a.specialist_id = s.id`;
const USAGE_GROUP = 'GROUP BY s.id, s.name, s.category';

export async function specialistUsage(
  ctx: RepositoryContext,
  specialistId: string,
): Promise<SpecialistUsage> {
  checkId(specialistId, 'specialistId');
  const row = await ctx.db.one<UsageRow>(`${USAGE_SELECT} WHERE s.id = ? ${USAGE_GROUP}`, [specialistId]);
  if (!row) throw notFound('Specialist', specialistId);
  return toUsage(row);
}

/** Usage of the given specialists, by id (each of them is in the map). */
export async function usageOf(db: Db, ids: readonly string[]): Promise<Map<string, SpecialistUsage>> {
  const rows = await db.query<UsageRow>(
    `${USAGE_SELECT} WHERE s.id IN (${marks(ids.length)}) ${USAGE_GROUP}`,
    ids as SqlValue[],
  );
  return new Map(rows.map((row) => [row.id, toUsage(row)]));
}

export async function specialistMetrics(ctx: RepositoryContext): Promise<SpecialistMetrics> {
  const [counts, categories, usageRows] = await Promise.all([
    ctx.db.one<{ n: number | string; active: number | string | null }>(
      'SELECT COUNT(*) AS n, SUM(CASE WHEN active = 1 THEN 1 ELSE 0 END) AS active FROM specialists',
    ),
    specialistCategories(ctx),
    ctx.db.query<UsageRow>(`${USAGE_SELECT} ${USAGE_GROUP}`),
  ]);
  const perSpecialist = usageRows
    .map(toUsage)
    .sort((a, b) => b.assignments - a.assignments || compare(a.name, b.name));
  const completed = perSpecialist.reduce((s, u) => s + u.completed, 0);
  const succeeded = perSpecialist.reduce((s, u) => s + u.succeeded, 0);
  return {
    specialists: num(counts?.n),
    active: num(counts?.active),
    byCategory: Object.fromEntries(categories.map((c) => [c.category, c.count])),
    assignments: perSpecialist.reduce((s, u) => s + u.assignments, 0),
    openAssignments: perSpecialist.reduce((s, u) => s + u.open, 0),
    completedAssignments: completed,
    successRate: completed === 0 ? null : succeeded / completed,
    perSpecialist,
  };
}

function toUsage(row: UsageRow): SpecialistUsage {
  const completed = num(row.completed);
  const succeeded = num(row.succeeded);
  return {
    specialistId: row.id,
    name: row.name,
    category: row.category,
    assignments: num(row.assignments),
    open: num(row.open),
    completed,
    succeeded,
    failed: completed - succeeded,
    successRate: completed === 0 ? null : succeeded / completed,
  };
}
