import type { SqlValue } from '@orch/core';
import { checkText, InputReader } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import type { RecommendOptions, SpecialistRecommendation } from './specialist-repository.js';
import { compare, NAME_MAX, specialistsByTaskType } from './specialist-rows.js';
import { usageOf } from './specialist-usage.js';

/**
 * Active specialists for a task type, best first: highest success rate, then most experience,
 * then name and id (so the order is stable).
 */
export async function recommendSpecialists(
  ctx: RepositoryContext,
  taskType: string,
  options: RecommendOptions = {},
): Promise<SpecialistRecommendation[]> {
  checkText(taskType, 'taskType', NAME_MAX, true);
  const r = new InputReader(options, 'options', ['limit', 'category']);
  const limit = r.int('limit', 1, 100) ?? 5;
  const category = r.string('category', { max: NAME_MAX });
  const clauses = ['active = 1'];
  const params: SqlValue[] = [];
  if (category !== undefined) {
    clauses.push('category = ?');
    params.push(category);
  }
  const candidates = await specialistsByTaskType(ctx.db, taskType, clauses, params);
  if (candidates.length === 0) return [];
  const usage = await usageOf(
    ctx.db,
    candidates.map((c) => c.id),
  );
  return candidates
    .map((specialist) => ({ specialist, usage: usage.get(specialist.id)! }))
    .sort(
      (a, b) =>
        (b.usage.successRate ?? -1) - (a.usage.successRate ?? -1) ||
        b.usage.assignments - a.usage.assignments ||
        compare(a.specialist.name, b.specialist.name) ||
        compare(a.specialist.id, b.specialist.id),
    )
    .slice(0, limit);
}
