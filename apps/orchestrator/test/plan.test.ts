import { isOrchError } from '@orch/core';
import type { Task } from '@orch/unified';
import { describe, expect, it } from 'vitest';
import { pathTo } from '../src/orchestrator/orchestrator.js';
import { resolvePlan, type SubtaskPlanInput } from '../src/orchestrator/plan.js';
import { schedule } from '../src/orchestrator/schedule.js';

const s = (
  title: string,
  dependencies: string[] = [],
  extra: Partial<SubtaskPlanInput> = {},
): SubtaskPlanInput => ({
  title,
  specialist: 'implementer',
  complexity: 'simple',
  dependencies,
  ...extra,
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

describe('resolvePlan', () => {
  it('resolves dependencies by id first, then by title, and orders creation topologically', () => {
    const plan = resolvePlan([
      s('Ship', ['build', 'TEST it']),
      s('Build', [], { id: 'build' }),
      s('Test it', ['Build']),
    ]);
    const [ship, build, test] = plan.subtasks;
    expect(build!.id).toBe('build');
    expect(ship!.dependsOn).toEqual(['build', test!.id]);
    expect(test!.dependsOn).toEqual(['build']);
    expect(plan.creationOrder).toEqual(['build', test!.id, ship!.id]);
  });

  it('names a cycle and refuses unknown dependencies and duplicate titles', () => {
    const cycle = thrown(() => resolvePlan([s('a', ['b']), s('b', ['a'])]));
    expect(isOrchError(cycle, 'ORCH_CONFLICT')).toBe(true);
    expect((cycle as { details: { cycle: string[] } }).details.cycle).toEqual(['a', 'b', 'a']);
    const unknown = thrown(() => resolvePlan([s('a', ['nope'])]));
    expect(isOrchError(unknown, 'ORCH_INVALID_INPUT')).toBe(true);
    expect(
      isOrchError(
        thrown(() => resolvePlan([s('a'), s(' A')])),
        'ORCH_INVALID_INPUT',
      ),
    ).toBe(true);
    expect(
      isOrchError(
        thrown(() => resolvePlan([])),
        'ORCH_INVALID_INPUT',
      ),
    ).toBe(true);
  });
});

describe('schedule', () => {
  const task = (id: string, complexity: string, order: number, status = 'ready'): Task =>
    ({
      id,
      complexity,
      status,
      priority: 0,
      metadata: { order },
      createdAt: '2026-01-01T00:00:00.000Z',
    }) as unknown as Task;

  it('puts the ready task that starts the longest remaining chain first', () => {
    // a (trivial) → b (very_complex); c (complex) alone: a's chain weighs 1 + 8 = 9, c's 5.
    const tasks = [task('c', 'complex', 0), task('a', 'trivial', 1), task('b', 'very_complex', 2, 'blocked')];
    const edges = [{ taskId: 'b', dependsOn: 'a' }];
    const status = new Map(tasks.map((t) => [t.id, t.status]));
    const s1 = schedule({ parent: tasks[0]!, tasks, edges }, (id) => status.get(id));
    expect(s1.ready.map((t) => t.id)).toEqual(['a', 'c']);
    expect(s1.remaining.get('a')).toBe(9);
    expect(s1.criticalPath).toEqual({ path: ['a', 'b'], length: 9 });
    expect(s1.order).toEqual(['a', 'b', 'c']);
  });
});

describe('pathTo', () => {
  it('walks the task lifecycle', () => {
    expect(pathTo('ready', 'completed')).toEqual(['active', 'completed']);
    expect(pathTo('planning', 'active')).toEqual(['ready', 'active']);
    expect(pathTo('active', 'active')).toEqual([]);
    expect(pathTo('completed', 'active')).toBeUndefined();
    expect(pathTo('archived', 'ready')).toBeUndefined();
  });
});
