import { randomUUID } from 'node:crypto';
import { findCycle, topologicalOrder } from '@orch/unified';
import { conflict, invalidInput } from '../errors.js';

/** One subtask as a client plans it. Dependencies name sibling subtasks by id or by title. */
export interface SubtaskPlanInput {
  readonly id?: string | undefined;
  readonly title: string;
  readonly description?: string | undefined;
  readonly specialist: string;
  readonly complexity: Complexity;
  readonly dependencies?: readonly string[] | undefined;
  readonly priority?: number | undefined;
  readonly estimatedMinutes?: number | undefined;
}

export const COMPLEXITIES = ['trivial', 'simple', 'moderate', 'complex', 'very_complex'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];

/** Relative effort of a complexity: the weight of a task on the critical path. */
export const COMPLEXITY_WEIGHT: Readonly<Record<string, number>> = {
  trivial: 1,
  simple: 2,
  moderate: 3,
  complex: 5,
  very_complex: 8,
};

export function complexityWeight(complexity: string | null | undefined): number {
  return COMPLEXITY_WEIGHT[complexity ?? ''] ?? 3;
}

export interface ResolvedSubtask extends SubtaskPlanInput {
  readonly id: string;
  /** Ids of the sibling subtasks this one depends on (resolved from ids or titles). */
  readonly dependsOn: string[];
  /** Position in the plan as given (0-based). */
  readonly order: number;
}

export interface ResolvedPlan {
  readonly subtasks: ResolvedSubtask[];
  /** Subtask ids in an order where every subtask comes after its dependencies. */
  readonly creationOrder: string[];
}

const key = (title: string): string => title.trim().toLowerCase();

/**
 * Check a plan before anything is written: unique ids and titles, every dependency naming a
 * sibling (by id first, then by title, case-insensitively), no cycle. Throws `ORCH_INVALID_INPUT`
 * (duplicates, unknown dependencies) or `ORCH_CONFLICT` (a cycle, naming it).
 */
export function resolvePlan(subtasks: readonly SubtaskPlanInput[]): ResolvedPlan {
  if (subtasks.length === 0) throw invalidInput('A plan needs at least one subtask.', { field: 'subtasks' });
  const ids = subtasks.map((s) => s.id ?? randomUUID());
  const byId = new Map<string, number>();
  const byTitle = new Map<string, number>();
  subtasks.forEach((s, i) => {
    if (s.id !== undefined) {
      if (byId.has(s.id))
        throw invalidInput(`Two subtasks have the id ${JSON.stringify(s.id)}; ids must be unique.`, {
          field: `subtasks.${i}.id`,
        });
      byId.set(s.id, i);
    }
    const k = key(s.title);
    if (byTitle.has(k))
      throw invalidInput(
        `Two subtasks are titled ${JSON.stringify(s.title.trim())}; titles must be unique within a plan, since dependencies may name them.`,
        { field: `subtasks.${i}.title` },
      );
    byTitle.set(k, i);
  });
  const unknown: { subtask: string; dependency: string }[] = [];
  const resolved = subtasks.map((s, i): ResolvedSubtask => {
    const dependsOn: string[] = [];
    for (const dep of s.dependencies ?? []) {
      const index = byId.get(dep) ?? byTitle.get(key(dep));
      if (index === undefined) unknown.push({ subtask: s.title, dependency: dep });
      else if (!dependsOn.includes(ids[index]!)) dependsOn.push(ids[index]!);
    }
    return { ...s, id: ids[i]!, dependsOn, order: i };
  });
  if (unknown.length > 0) {
    throw invalidInput(
      `Unknown ${unknown.length === 1 ? 'dependency' : 'dependencies'}: ${unknown
        .map((u) => `${JSON.stringify(u.subtask)} depends on ${JSON.stringify(u.dependency)}`)
        .join(
          '; ',
        )}. A dependency must be the id or title of another subtask of the same plan; nothing was written.`,
      { reason: 'unknown-dependency', unknown },
    );
  }
  const edges = resolved.flatMap((s) => s.dependsOn.map((d) => ({ taskId: s.id, dependsOn: d })));
  const cycle = findCycle(ids, edges);
  if (cycle) {
    const title = new Map(resolved.map((s) => [s.id, s.title]));
    const named = cycle.map((id) => title.get(id) ?? id);
    throw conflict(
      `The subtasks' dependencies form a cycle: ${named.map((n) => JSON.stringify(n)).join(' -> ')}; nothing was written.`,
      { reason: 'cycle', cycle: named },
    );
  }
  return { subtasks: resolved, creationOrder: topologicalOrder(ids, edges) };
}
