import { describe, expect, it } from 'vitest';
import { SqlSpecialistRepository } from '../../src/repositories/specialists/sql-specialist-repository.js';
import { renderTemplateText, templateVariables } from '../../src/repositories/specialists/template-render.js';
import { SqlTaskRepository } from '../../src/repositories/tasks/sql-task-repository.js';
import {
  type CreateStore,
  expectOrchError,
  loose,
  TestClock,
  useMigratedStore,
} from './repository-context.js';

export function specialistRepositoryTests(createStore: CreateStore): void {
  describe('SpecialistRepository', () => {
    const ctx = useMigratedStore(createStore);
    const repo = (clock?: TestClock) =>
      new SqlSpecialistRepository(ctx.store, clock ? { now: clock.now } : {});

    describe('specialists', () => {
      it('creates, reads by id and name, refuses duplicate names', async () => {
        const specialists = repo();
        const s = await specialists.create({
          name: 'architect',
          category: 'design',
          prompt: 'You design systems.',
          taskTypes: ['design', 'planning', 'design'],
          capabilities: ['diagrams'],
          metadata: { tier: 1 },
        });
        expect(s).toMatchObject({
          name: 'architect',
          taskTypes: ['design', 'planning'],
          active: true,
          version: 1,
          description: '',
        });
        expect(await specialists.get(s.id)).toEqual(s);
        expect(await specialists.getByName('architect')).toEqual(s);
        expect(await specialists.getByName('nobody')).toBeNull();
        expect(await specialists.get('ghost')).toBeNull();
        const err = await expectOrchError(
          specialists.create({ name: 'architect', category: 'other' }),
          'ORCH_CONFLICT',
        );
        expect(err.message).toContain('architect');
        const bad = await expectOrchError(
          specialists.create({ name: 'x', category: 'y', taskTypes: loose('design') }),
          'ORCH_INVALID_INPUT',
        );
        expect(bad.details.field).toBe('specialist.taskTypes');
        const noCategory = await expectOrchError(
          specialists.create(loose({ name: 'x' })),
          'ORCH_INVALID_INPUT',
        );
        expect(noCategory.details.field).toBe('specialist.category');
      });

      it('updates partially, merges metadata, keeps names unique, checks versions', async () => {
        const specialists = repo();
        const s = await specialists.create({
          name: 'tester',
          category: 'quality',
          prompt: 'Test it.',
          metadata: { a: 1 },
        });
        await specialists.create({ name: 'reviewer', category: 'quality' });
        const updated = await specialists.update(s.id, { description: 'finds bugs', metadata: { b: 2 } });
        expect(updated).toMatchObject({
          name: 'tester',
          prompt: 'Test it.',
          description: 'finds bugs',
          metadata: { a: 1, b: 2 },
          version: 2,
        });
        expect(await specialists.get(s.id)).toEqual(updated);
        await expectOrchError(specialists.update(s.id, { name: 'reviewer' }), 'ORCH_CONFLICT');
        await expectOrchError(
          specialists.update(s.id, { active: false }, { expectedVersion: 1 }),
          'ORCH_CONFLICT',
        );
        expect(
          (await specialists.update(s.id, { name: 'qa', active: false }, { expectedVersion: 2 })).active,
        ).toBe(false);
        expect(await specialists.getByName('tester')).toBeNull();
        await expectOrchError(specialists.update('ghost', { name: 'x' }), 'ORCH_NOT_FOUND');
        expect(await specialists.delete(s.id)).toBe(true);
        expect(await specialists.delete(s.id)).toBe(false);
      });

      it('lists by category and task type, and counts categories', async () => {
        const specialists = repo();
        await specialists.create({ name: 'b-dev', category: 'engineering', taskTypes: ['implementation'] });
        await specialists.create({
          name: 'a-dev',
          category: 'engineering',
          taskTypes: ['implementation', '50%_"odd"'],
        });
        await specialists.create({
          name: 'ops',
          category: 'operations',
          taskTypes: ['deploy'],
          active: false,
        });
        await specialists.create({
          name: 'impl-ish',
          category: 'other',
          taskTypes: ['implementation-review'],
        });
        expect((await specialists.listByCategory('engineering')).map((s) => s.name)).toEqual([
          'a-dev',
          'b-dev',
        ]);
        expect(await specialists.categories()).toEqual([
          { category: 'engineering', count: 2 },
          { category: 'operations', count: 1 },
          { category: 'other', count: 1 },
        ]);
        expect((await specialists.list({ taskType: 'implementation' })).items.map((s) => s.name)).toEqual([
          'a-dev',
          'b-dev',
        ]);
        expect((await specialists.list({ taskType: '50%_"odd"' })).items.map((s) => s.name)).toEqual([
          'a-dev',
        ]);
        expect((await specialists.list({ taskType: '50%' })).total).toBe(0);
        const page = await specialists.list({ limit: 2, offset: 1 });
        expect(page.total).toBe(4);
        expect(page.items.map((s) => s.name)).toEqual(['b-dev', 'impl-ish']);
        expect((await specialists.list({ activeOnly: true })).total).toBe(3);
        expect((await specialists.list({ category: 'operations' })).items.map((s) => s.name)).toEqual([
          'ops',
        ]);
      });
    });

    describe('templates', () => {
      it('renders with variables and rejects missing ones naming them', async () => {
        const specialists = repo();
        const t = await specialists.createTemplate({
          name: 'role-prompt',
          category: 'prompts',
          template: 'You are {{ role }} working on {{project}}. Again: {{role}}.',
        });
        expect(t.variables).toEqual(['role', 'project']);
        expect(await specialists.renderTemplate(t.id, { role: 'the tester', project: 'orch' })).toBe(
          'You are the tester working on orch. Again: the tester.',
        );
        expect(await specialists.renderTemplate(t.id, { role: '{{project}}', project: 7, extra: true })).toBe(
          'You are {{project}} working on 7. Again: {{project}}.',
        );
        const err = await expectOrchError(
          specialists.renderTemplate(t.id, { role: 'x' }),
          'ORCH_INVALID_INPUT',
        );
        expect(err.message).toContain('project');
        expect(err.details).toMatchObject({ field: 'variables.project', missing: ['project'] });
        const both = await expectOrchError(specialists.renderTemplate(t.id, {}), 'ORCH_INVALID_INPUT');
        expect(both.details.missing).toEqual(['role', 'project']);
        await expectOrchError(specialists.renderTemplate('ghost', {}), 'ORCH_NOT_FOUND');
        await expectOrchError(
          specialists.renderTemplate(t.id, loose({ role: { x: 1 }, project: 'p' })),
          'ORCH_INVALID_INPUT',
        );
      });

      it('creates, reads, updates, lists and deletes templates', async () => {
        const specialists = repo();
        const t = await specialists.createTemplate({
          name: 'greet',
          category: 'misc',
          template: 'Hi {{name}}',
          variables: ['name', 'unused'],
        });
        expect(t.variables).toEqual(['name', 'unused']);
        await expectOrchError(
          specialists.createTemplate({ name: 'greet', category: 'misc', template: 'x' }),
          'ORCH_CONFLICT',
        );
        const undeclared = await expectOrchError(
          specialists.createTemplate({
            name: 'bad',
            category: 'misc',
            template: '{{a}} {{b}}',
            variables: ['a'],
          }),
          'ORCH_INVALID_INPUT',
        );
        expect(undeclared.message).toContain('b');
        expect(await specialists.getTemplateByName('greet')).toEqual(t);
        const updated = await specialists.updateTemplate(t.id, { template: 'Hello {{name}} from {{team}}' });
        expect(updated).toMatchObject({
          name: 'greet',
          category: 'misc',
          variables: ['name', 'team'],
          version: 2,
        });
        expect(await specialists.renderTemplate(t.id, { name: 'Ana', team: 'core' })).toBe(
          'Hello Ana from core',
        );
        await expectOrchError(
          specialists.updateTemplate(t.id, { category: 'x' }, { expectedVersion: 1 }),
          'ORCH_CONFLICT',
        );
        await expectOrchError(specialists.updateTemplate('ghost', { category: 'x' }), 'ORCH_NOT_FOUND');
        await specialists.createTemplate({ name: 'other', category: 'prompts', template: 'static' });
        expect((await specialists.listTemplates()).map((x) => x.name)).toEqual(['greet', 'other']);
        expect((await specialists.listTemplates({ category: 'prompts' })).map((x) => x.name)).toEqual([
          'other',
        ]);
        await expectOrchError(specialists.updateTemplate(t.id, { name: 'other' }), 'ORCH_CONFLICT');
        expect(await specialists.deleteTemplate(t.id)).toBe(true);
        expect(await specialists.getTemplate(t.id)).toBeNull();
        expect(await specialists.deleteTemplate(t.id)).toBe(false);
      });

      it('exposes the pure renderer', () => {
        expect(templateVariables('{{a}}{{ b }}{{a}} {{ not valid }}')).toEqual(['a', 'b']);
        expect(renderTemplateText('{{x}}-{{x}}', { x: false })).toBe('false-false');
      });
    });

    describe('assignments, usage and recommendation', () => {
      it('assigns, completes once, and refuses unknown or inactive parties', async () => {
        const clock = new TestClock();
        const specialists = repo(clock);
        const tasks = new SqlTaskRepository(ctx.store);
        const task = await tasks.create({ title: 'build' });
        const dev = await specialists.create({ name: 'dev', category: 'engineering' });
        const idle = await specialists.create({ name: 'idle', category: 'engineering', active: false });
        const a = await specialists.assign(dev.id, task.id);
        expect(a).toMatchObject({
          specialistId: dev.id,
          taskId: task.id,
          status: 'assigned',
          success: null,
          completedAt: null,
        });
        await expectOrchError(specialists.assign(dev.id, task.id), 'ORCH_CONFLICT');
        await expectOrchError(specialists.assign(idle.id, task.id), 'ORCH_CONFLICT');
        await expectOrchError(specialists.assign('ghost', task.id), 'ORCH_NOT_FOUND');
        await expectOrchError(specialists.assign(dev.id, 'ghost'), 'ORCH_NOT_FOUND');
        clock.advance(500);
        const done = await specialists.completeAssignment(a.id, { success: true, outcome: 'merged' });
        expect(done).toMatchObject({
          status: 'completed',
          success: true,
          outcome: 'merged',
          completedAt: clock.iso(),
        });
        expect(await specialists.getAssignment(a.id)).toEqual(done);
        await expectOrchError(specialists.completeAssignment(a.id, { success: false }), 'ORCH_CONFLICT');
        await expectOrchError(specialists.completeAssignment('ghost', { success: true }), 'ORCH_NOT_FOUND');
        await expectOrchError(specialists.completeAssignment(a.id, loose({})), 'ORCH_INVALID_INPUT');
        const again = await specialists.assign(dev.id, task.id); // the first one is closed now
        expect((await specialists.listAssignments({ taskId: task.id })).map((x) => x.id)).toEqual([
          a.id,
          again.id,
        ]);
        expect((await specialists.listAssignments({ status: 'assigned' })).map((x) => x.id)).toEqual([
          again.id,
        ]);
      });

      it('reports usage and metrics per specialist', async () => {
        const specialists = repo();
        const tasks = new SqlTaskRepository(ctx.store);
        const t1 = await tasks.create({ title: 't1' });
        const t2 = await tasks.create({ title: 't2' });
        const t3 = await tasks.create({ title: 't3' });
        const dev = await specialists.create({ name: 'dev', category: 'engineering' });
        const qa = await specialists.create({ name: 'qa', category: 'quality' });
        const ok = await specialists.assign(dev.id, t1.id);
        const ko = await specialists.assign(dev.id, t2.id);
        await specialists.assign(dev.id, t3.id);
        await specialists.completeAssignment(ok.id, { success: true });
        await specialists.completeAssignment(ko.id, { success: false, outcome: 'tests failed' });
        expect(await specialists.usage(dev.id)).toEqual({
          specialistId: dev.id,
          name: 'dev',
          category: 'engineering',
          assignments: 3,
          open: 1,
          completed: 2,
          succeeded: 1,
          failed: 1,
          successRate: 0.5,
        });
        expect(await specialists.usage(qa.id)).toMatchObject({ assignments: 0, successRate: null });
        await expectOrchError(specialists.usage('ghost'), 'ORCH_NOT_FOUND');
        const m = await specialists.metrics();
        expect(m).toMatchObject({
          specialists: 2,
          active: 2,
          byCategory: { engineering: 1, quality: 1 },
          assignments: 3,
          openAssignments: 1,
          completedAssignments: 2,
          successRate: 0.5,
        });
        expect(m.perSpecialist.map((u) => u.name)).toEqual(['dev', 'qa']);
      });

      it('recommends by success rate, then usage, then name, deterministically', async () => {
        const specialists = repo();
        const tasks = new SqlTaskRepository(ctx.store);
        const make = (name: string, taskTypes: string[], active = true) =>
          specialists.create({
            name,
            category: name.startsWith('q') ? 'quality' : 'engineering',
            taskTypes,
            active,
          });
        const perfectOnce = await make('perfect-once', ['testing']);
        const perfectTwice = await make('perfect-twice', ['testing', 'review']);
        const half = await make('half', ['testing']);
        const zzNew = await make('zz-new', ['testing']);
        const aaNew = await make('aa-new', ['testing']);
        const inactive = await make('inactive', ['testing'], false);
        await make('other-type', ['deploy']);
        const qTester = await make('q-tester', ['testing']);

        let n = 0;
        const record = async (specialistId: string, success: boolean | null) => {
          const task = await tasks.create({ title: `t${n++}` });
          const a = await specialists.assign(specialistId, task.id);
          if (success !== null) await specialists.completeAssignment(a.id, { success });
        };
        await record(perfectOnce.id, true);
        await record(perfectTwice.id, true);
        await record(perfectTwice.id, true);
        await record(half.id, true);
        await record(half.id, false);
        await record(zzNew.id, null); // assigned, not completed: no rate yet, but used once
        await record(qTester.id, false);
        await specialists.update(inactive.id, { active: true });
        await record(inactive.id, true);
        await specialists.update(inactive.id, { active: false });

        const ranked = await specialists.recommend('testing', { limit: 10 });
        expect(ranked.map((r) => r.specialist.name)).toEqual([
          'perfect-twice',
          'perfect-once',
          'half',
          'q-tester',
          'zz-new',
          'aa-new',
        ]);
        expect(ranked[0]!.usage).toMatchObject({ assignments: 2, successRate: 1 });
        expect(ranked.at(-1)!.specialist.id).toBe(aaNew.id);
        expect((await specialists.recommend('testing', { limit: 2 })).map((r) => r.specialist.name)).toEqual([
          'perfect-twice',
          'perfect-once',
        ]);
        expect(
          (await specialists.recommend('testing', { category: 'quality' })).map((r) => r.specialist.name),
        ).toEqual(['q-tester']);
        expect(await specialists.recommend('unknown-type')).toEqual([]);
        expect((await specialists.recommend('review')).map((r) => r.specialist.name)).toEqual([
          'perfect-twice',
        ]);
        // The same call gives the same answer.
        expect((await specialists.recommend('testing', { limit: 10 })).map((r) => r.specialist.id)).toEqual(
          ranked.map((r) => r.specialist.id),
        );
      });
    });
  });
}
