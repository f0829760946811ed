import type { SqlValue } from '@orch/core';
import type { Page } from '../repository-types.js';
import { checkText, InputReader, num, paging } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import type { ListSpecialistsOptions, Specialist } from './specialist-repository.js';
import {
  byName,
  NAME_MAX,
  SPECIALIST_COLUMNS,
  type SpecialistRow,
  specialistsByTaskType,
  toSpecialist,
} from './specialist-rows.js';

/** Specialists by name, filtered by category, task type and whether they are active. */
export async function listSpecialists(
  ctx: RepositoryContext,
  options: ListSpecialistsOptions = {},
): Promise<Page<Specialist>> {
  const r = new InputReader(options, 'options', ['category', 'taskType', 'activeOnly', 'limit', 'offset']);
  const { limit, offset } = paging(r.raw('limit'), r.raw('offset'), 'options');
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  const category = r.string('category', { max: NAME_MAX });
  if (category !== undefined) {
    clauses.push('category = ?');
    params.push(category);
  }
  if (r.bool('activeOnly')) clauses.push('active = 1');
  const taskType = r.string('taskType', { max: NAME_MAX });
  if (taskType === undefined) {
    const where = clauses.length ? clauses.join(' AND ') : '1 = 1';
    const [count, rows] = await Promise.all([
      ctx.db.one<{ n: number | string }>(`SELECT COUNT(*) AS n FROM specialists WHERE ${where}`, params),
      ctx.db.query<SpecialistRow>(
        `SELECT ${SPECIALIST_COLUMNS} FROM specialists WHERE ${where} ORDER BY name, id LIMIT ? OFFSET ?`,
        [...params, limit, offset],
      ),
    ]);
    return { items: rows.map(toSpecialist), total: num(count?.n), limit, offset };
  }
  const matching = (await specialistsByTaskType(ctx.db, taskType, clauses, params)).sort(byName);
  return { items: matching.slice(offset, offset + limit), total: matching.length, limit, offset };
}

export async function listByCategory(ctx: RepositoryContext, category: string): Promise<Specialist[]> {
  checkText(category, 'category', NAME_MAX, true);
  const rows = await ctx.db.query<SpecialistRow>(
    `SELECT ${SPECIALIST_COLUMNS} FROM specialists WHERE category = ? ORDER BY name, id`,
    [category],
  );
  return rows.map(toSpecialist);
}

export async function specialistCategories(
  ctx: RepositoryContext,
): Promise<{ category: string; count: number }[]> {
  const rows = await ctx.db.query<{ category: string; n: number | string }>(
    'SELECT category, COUNT(*) AS n FROM specialists GROUP BY category ORDER BY category',
  );
  return rows.map((row) => ({ category: row.category, count: num(row.n) }));
}
