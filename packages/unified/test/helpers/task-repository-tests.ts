import type { SqlValue } from '@orch/core';
import { describe, expect, it } from 'vitest';
import { SqlSpecialistRepository } from '../../src/repositories/specialists/sql-specialist-repository.js';
import { SqlTaskRepository } from '../../src/repositories/tasks/sql-task-repository.js';
import { TASK_STATUSES, TASK_TRANSITIONS, type TaskStatus } from '../../src/repositories/tasks/task-types.js';
import { Db } from '../../src/util/db.js';
import {
  type CreateStore,
  countingExecutor,
  countRows,
  expectOrchError,
  interceptingExecutor,
  loose,
  TestClock,
  useMigratedStore,
} from './repository-context.js';

export function taskRepositoryTests(createStore: CreateStore): void {
  describe('TaskRepository', () => {
    const ctx = useMigratedStore(createStore);
    const repo = (clock?: TestClock) => new SqlTaskRepository(ctx.store, clock ? { now: clock.now } : {});

    describe('create / get', () => {
      it('creates with defaults and a generated id, and reads it back with relations', async () => {
        const tasks = repo();
        const created = await tasks.create({ title: 'Plan the release' });
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(created).toMatchObject({
          title: 'Plan the release',
          description: '',
          type: 'task',
          status: 'created',
          parentId: null,
          sessionId: null,
          specialist: null,
          complexity: null,
          priority: 0,
          result: null,
          metadata: {},
          version: 1,
          completedAt: null,
        });
        expect(created.createdAt).toBe(created.updatedAt);
        const read = await tasks.get(created.id);
        expect(read).toEqual({ ...created, artifacts: [], dependsOn: [], dependents: [] });
      });

      it('keeps a given id, rejects a duplicate one with ORCH_CONFLICT', async () => {
        const tasks = repo();
        await tasks.create({ id: 't1', title: 'one', metadata: { a: { nested: [1, 2] } } });
        expect((await tasks.get('t1'))?.metadata).toEqual({ a: { nested: [1, 2] } });
        const err = await expectOrchError(tasks.create({ id: 't1', title: 'again' }), 'ORCH_CONFLICT');
        expect(err.message).toContain('t1');
        expect((await tasks.get('t1'))?.title).toBe('one');
      });

      it('requires the parent to exist and inherits its session', async () => {
        const tasks = repo();
        await expectOrchError(tasks.create({ title: 'orphan', parentId: 'nope' }), 'ORCH_NOT_FOUND');
        expect(await countRows(ctx.store, 'tasks')).toBe(0);
        const parent = await tasks.create({ title: 'parent', sessionId: 's1' });
        const child = await tasks.create({ title: 'child', parentId: parent.id });
        expect(child.parentId).toBe(parent.id);
        expect(child.sessionId).toBe('s1');
        const detached = await tasks.create({ title: 'child 2', parentId: parent.id, sessionId: null });
        expect(detached.sessionId).toBeNull();
      });

      it('rejects bad input with ORCH_INVALID_INPUT naming the field', async () => {
        const tasks = repo();
        const cases: [unknown, string][] = [
          [{}, 'task.title'],
          [{ title: '   ' }, 'task.title'],
          [{ title: 42 }, 'task.title'],
          [{ title: 'x', stauts: 'active' }, 'task.stauts'],
          [{ title: 'x', status: 'done' }, 'task.status'],
          [{ title: 'x', priority: 1.5 }, 'task.priority'],
          [{ title: 'x', metadata: [] }, 'task.metadata'],
          [{ title: 'x', id: '' }, 'task.id'],
          [null, 'task'],
        ];
        for (const [input, field] of cases) {
          const err = await expectOrchError(tasks.create(loose(input)), 'ORCH_INVALID_INPUT');
          expect(err.details.field, JSON.stringify(input)).toBe(field);
          expect(err.message).toContain(field);
        }
        expect(await countRows(ctx.store, 'tasks')).toBe(0);
      });

      it('returns null for an unknown id', async () => {
        expect(await repo().get('missing')).toBeNull();
      });

      it('getMany returns rows in the order asked, each once, without unknown ids', async () => {
        const tasks = repo();
        for (const id of ['x', 'y', 'z']) await tasks.create({ id, title: `title ${id}` });
        const rows = await tasks.getMany(['z', 'ghost', 'x', 'z']);
        expect(rows.map((t) => [t.id, t.title])).toEqual([
          ['z', 'title z'],
          ['x', 'title x'],
        ]);
        expect(await tasks.getMany([])).toEqual([]);
        const many = Array.from({ length: 1201 }, (_, i) => (i % 2 === 0 ? 'y' : `missing-${i}`));
        expect((await tasks.getMany([...many, 'x'])).map((t) => t.id)).toEqual(['y', 'x']);
        await expectOrchError(tasks.getMany('x' as unknown as string[]), 'ORCH_INVALID_INPUT');
        await expectOrchError(tasks.getMany([42 as unknown as string]), 'ORCH_INVALID_INPUT');
      });

      it('joins a transaction handle: rollback undoes, commit keeps', async () => {
        await expect(
          ctx.store.transaction(async (tx) => {
            await new SqlTaskRepository(tx).create({ id: 'rolled', title: 'gone' });
            throw new Error('abort');
          }),
        ).rejects.toThrow('abort');
        expect(await repo().get('rolled')).toBeNull();
        await ctx.store.transaction(async (tx) => {
          const tasks = new SqlTaskRepository(tx);
          await tasks.create({ id: 'kept', title: 'stays' });
          await tasks.create({ id: 'kept-child', title: 'child', parentId: 'kept' });
          await tasks.addDependency('kept-child', 'kept');
        });
        expect((await repo().get('kept-child'))?.dependsOn).toEqual(['kept']);
      });
    });

    describe('update', () => {
      it('changes only the given fields, merges metadata, bumps version and updatedAt', async () => {
        const clock = new TestClock();
        const tasks = repo(clock);
        const t = await tasks.create({
          title: 'old',
          description: 'keep me',
          specialist: 'architect',
          priority: 3,
          metadata: { a: 1, b: 2, drop: true },
        });
        clock.advance(1000);
        const updated = await tasks.update(t.id, { title: 'new', metadata: { b: 3, c: 4, drop: undefined } });
        expect(updated).toMatchObject({
          title: 'new',
          description: 'keep me',
          specialist: 'architect',
          priority: 3,
          metadata: { a: 1, b: 3, c: 4 },
          version: 2,
          createdAt: t.createdAt,
          updatedAt: clock.iso(),
        });
        expect(updated.metadata).not.toHaveProperty('drop');
        const read = await tasks.get(t.id);
        expect(read).toMatchObject({
          title: 'new',
          metadata: { a: 1, b: 3, c: 4 },
          version: 2,
          updatedAt: clock.iso(),
        });
        const cleared = await tasks.update(t.id, { specialist: null });
        expect(cleared).toMatchObject({ specialist: null, title: 'new', version: 3 });
        expect((await tasks.update(t.id, {})).version).toBe(4);
      });

      it('rejects an unknown id with ORCH_NOT_FOUND (never silent success)', async () => {
        const tasks = repo();
        const err = await expectOrchError(tasks.update('ghost', { title: 'x' }), 'ORCH_NOT_FOUND');
        expect(err.message).toContain('ghost');
        await expectOrchError(
          tasks.update('ghost', { status: 'active' }, { expectedVersion: 1 }),
          'ORCH_NOT_FOUND',
        );
        expect(await countRows(ctx.store, 'tasks')).toBe(0);
      });

      it('rejects a stale expectedVersion with ORCH_CONFLICT and writes nothing', async () => {
        const tasks = repo();
        const t = await tasks.create({ title: 'v' });
        await tasks.update(t.id, { title: 'v2' }, { expectedVersion: 1 });
        const err = await expectOrchError(
          tasks.update(t.id, { title: 'lost' }, { expectedVersion: 1 }),
          'ORCH_CONFLICT',
        );
        expect(err.details).toMatchObject({ reason: 'version', expectedVersion: 1, actualVersion: 2 });
        expect((await tasks.get(t.id))?.title).toBe('v2');
        expect((await tasks.update(t.id, { title: 'v3' }, { expectedVersion: 2 })).version).toBe(3);
      });

      it('rejects bad patches naming the field', async () => {
        const tasks = repo();
        const t = await tasks.create({ title: 'v' });
        const cases: [unknown, string][] = [
          [{ status: 'finished' }, 'patch.status'],
          [{ title: '' }, 'patch.title'],
          [{ priority: '1' }, 'patch.priority'],
          [{ colour: 'red' }, 'patch.colour'],
        ];
        for (const [patch, field] of cases) {
          const err = await expectOrchError(tasks.update(t.id, loose(patch)), 'ORCH_INVALID_INPUT');
          expect(err.details.field).toBe(field);
        }
        const err = await expectOrchError(
          tasks.update(t.id, { title: 'x' }, { expectedVersion: 0 }),
          'ORCH_INVALID_INPUT',
        );
        expect(err.details.field).toBe('options.expectedVersion');
        expect((await tasks.get(t.id))?.version).toBe(1);
      });

      it('writes only over the version it read: a stale read is retried, or a conflict with expectedVersion', async () => {
        const tasks = repo();
        const t = await tasks.create({ title: 'raced', metadata: { a: 1 } });
        let stale: Record<string, unknown> | undefined;
        // The next read of the task returns the row as it was before the last commit (a racing writer).
        const racy = new SqlTaskRepository(
          interceptingExecutor(ctx.store, (sql, rows) => {
            if (stale && /^SELECT .* FROM tasks WHERE id = (\?|\$1)/s.test(sql.trim()) && rows.length === 1) {
              const row = stale;
              stale = undefined;
              return [row];
            }
            return rows;
          }),
        );
        const snapshot = async () =>
          (await new Db(ctx.store).one<Record<string, unknown>>('SELECT * FROM tasks WHERE id = ?', [t.id]))!;
        stale = await snapshot();
        await tasks.update(t.id, { metadata: { other: true } });
        const merged = await racy.update(t.id, { metadata: { mine: true } });
        expect(merged).toMatchObject({ version: 3, metadata: { a: 1, other: true, mine: true } });
        expect((await tasks.get(t.id))?.metadata).toEqual({ a: 1, other: true, mine: true });

        stale = await snapshot();
        await tasks.update(t.id, { title: 'theirs' });
        const modified = await racy.modify(t.id, (cur) => ({
          priority: cur.priority + 1,
          title: `${cur.title}+`,
        }));
        expect(modified).toMatchObject({ title: 'theirs+', priority: 1, version: 5 });

        stale = await snapshot();
        await tasks.update(t.id, { title: 'newer' });
        // The stale row still says version 5, so only the guarded write can notice.
        const err = await expectOrchError(
          racy.update(t.id, { title: 'mine' }, { expectedVersion: 5 }),
          'ORCH_CONFLICT',
        );
        expect(err.details).toMatchObject({ reason: 'version', actualVersion: 6 });
        expect((await tasks.get(t.id))?.title).toBe('newer');
      });

      it('judges a transition on the row as it is, not on a stale read of it', async () => {
        const tasks = repo();
        const t = await tasks.create({ title: 'judged' });
        let stale: Record<string, unknown> | undefined;
        const racy = new SqlTaskRepository(
          interceptingExecutor(ctx.store, (sql, rows) => {
            if (stale && /^SELECT .* FROM tasks WHERE id = (\?|\$1)/s.test(sql.trim()) && rows.length === 1) {
              const row = stale;
              stale = undefined;
              return [row];
            }
            return rows;
          }),
        );
        stale = (await new Db(ctx.store).one<Record<string, unknown>>('SELECT * FROM tasks WHERE id = ?', [
          t.id,
        ]))!;
        await tasks.update(t.id, { status: 'active' });
        // created -> review is refused, active -> review allowed: only the stale read says created.
        const reviewed = await racy.update(t.id, { status: 'review' });
        expect(reviewed).toMatchObject({ status: 'review', version: 3 });
        expect((await tasks.get(t.id))?.status).toBe('review');
      });

      it('writes only the columns a patch changes, with the version and timestamp', async () => {
        const t = await repo().create({ title: 'narrow' });
        const updates: { sql: string; params: readonly SqlValue[] }[] = [];
        const watched = new SqlTaskRepository(
          interceptingExecutor(
            ctx.store,
            (_sql, rows) => rows,
            (sql, params) => {
              if (/^UPDATE tasks/.test(sql.trim())) updates.push({ sql, params });
            },
          ),
        );
        await watched.update(t.id, { status: 'planning' });
        await watched.update(t.id, { title: 'narrow', priority: 2, metadata: { a: 1 } });
        const setColumns = updates.map(({ sql }) =>
          [...sql.slice(0, sql.indexOf('WHERE')).matchAll(/(\w+) = /g)].map((m) => m[1]),
        );
        expect(setColumns).toEqual([
          ['status', 'version', 'updated_at'],
          ['priority', 'metadata', 'version', 'updated_at'],
        ]);
        expect(await repo().get(t.id)).toMatchObject({
          title: 'narrow',
          status: 'planning',
          priority: 2,
          metadata: { a: 1 },
          version: 3,
        });
      });

      it('loses no metadata key under 200 concurrent updates without expectedVersion', async () => {
        const tasks = repo();
        const t = await tasks.create({ title: 'merge' });
        await Promise.all(
          Array.from({ length: 200 }, (_, i) => tasks.update(t.id, { metadata: { [`k${i}`]: i } })),
        );
        const read = await tasks.get(t.id);
        expect(Object.keys(read!.metadata)).toHaveLength(200);
        expect(read!.metadata.k199).toBe(199);
        expect(read!.version).toBe(201);
      });
    });

    describe('lifecycle', () => {
      const allowedEdges = TASK_STATUSES.flatMap((from) =>
        TASK_TRANSITIONS[from].map((to) => [from, to] as const),
      );
      const forbiddenEdges = TASK_STATUSES.flatMap((from) =>
        TASK_STATUSES.filter((to) => to !== from && !TASK_TRANSITIONS[from].includes(to)).map(
          (to) => [from, to] as const,
        ),
      );

      it('allows every edge of TASK_TRANSITIONS', async () => {
        const clock = new TestClock();
        const tasks = repo(clock);
        expect(allowedEdges.length).toBeGreaterThan(20);
        for (const [from, to] of allowedEdges) {
          const t = await tasks.create({ title: `${from} to ${to}`, status: from });
          clock.advance(10);
          const moved = await tasks.update(t.id, { status: to }, { expectedVersion: 1 });
          expect(moved.status, `${from} -> ${to}`).toBe(to);
          expect(moved.version).toBe(2);
          if (to === 'completed') expect(moved.completedAt).toBe(clock.iso());
          else expect(moved.completedAt).toBe(from === 'completed' ? t.completedAt : null);
          expect((await tasks.get(t.id))?.status).toBe(to);
        }
      });

      it('refuses every other change with ORCH_CONFLICT naming from, to and the allowed targets', async () => {
        const tasks = repo();
        expect(forbiddenEdges.length).toBeGreaterThan(40);
        for (const [from, to] of forbiddenEdges) {
          const t = await tasks.create({ title: `${from} to ${to}`, status: from });
          const err = await expectOrchError(
            tasks.update(t.id, { status: to, title: 'changed' }),
            'ORCH_CONFLICT',
          );
          expect(err.message).toContain(`from ${from} to ${to}`);
          expect(err.details).toMatchObject({
            reason: 'transition',
            from,
            to,
            allowed: [...TASK_TRANSITIONS[from]],
          });
          for (const target of TASK_TRANSITIONS[from]) expect(err.message).toContain(target);
          const read = await tasks.get(t.id);
          expect(read).toMatchObject({ status: from, title: `${from} to ${to}`, version: 1 });
        }
      });

      it('walks a full path and keeps completedAt once completed', async () => {
        const clock = new TestClock();
        const tasks = repo(clock);
        const t = await tasks.create({ title: 'walk' });
        const path: TaskStatus[] = [
          'planning',
          'ready',
          'active',
          'blocked',
          'active',
          'review',
          'completed',
        ];
        for (const status of path) {
          clock.advance(1000);
          await tasks.update(t.id, { status });
        }
        const done = await tasks.get(t.id);
        expect(done).toMatchObject({ status: 'completed', version: 8, completedAt: clock.iso() });
        clock.advance(1000);
        const archived = await tasks.archive(t.id);
        expect(archived).toMatchObject({ status: 'archived', completedAt: done!.completedAt });
        await expectOrchError(tasks.update(t.id, { status: 'active' }), 'ORCH_CONFLICT');
        // Setting the current status again is not a transition.
        expect((await tasks.update(t.id, { status: 'archived', result: 'noted' })).result).toBe('noted');
      });

      it('archive follows the lifecycle', async () => {
        const tasks = repo();
        const fresh = await tasks.create({ title: 'fresh' });
        expect((await tasks.archive(fresh.id)).status).toBe('archived');
        const inReview = await tasks.create({ title: 'review', status: 'review' });
        await expectOrchError(tasks.archive(inReview.id), 'ORCH_CONFLICT');
        await expectOrchError(tasks.archive('ghost'), 'ORCH_NOT_FOUND');
      });

      it('cancel fails started work, archives unstarted work, refuses finished tasks', async () => {
        const clock = new TestClock();
        const tasks = repo(clock);
        const active = await tasks.create({ title: 'running', status: 'active', metadata: { keep: 1 } });
        const cancelled = await tasks.cancel(active.id, { reason: 'scope cut' });
        expect(cancelled).toMatchObject({
          status: 'failed',
          result: 'cancelled: scope cut',
          metadata: { keep: 1, cancelled: { reason: 'scope cut', at: clock.iso() } },
          version: 2,
        });
        const planned = await tasks.create({ title: 'planned', status: 'ready' });
        expect((await tasks.cancel(planned.id)).status).toBe('archived');
        const done = await tasks.create({ title: 'done', status: 'completed' });
        const err = await expectOrchError(tasks.cancel(done.id), 'ORCH_CONFLICT');
        expect(err.message).toContain('completed');
        await expectOrchError(tasks.cancel('ghost'), 'ORCH_NOT_FOUND');
        await expectOrchError(tasks.cancel(active.id, { expectedVersion: 1 }), 'ORCH_CONFLICT');
      });
    });

    describe('modify', () => {
      it('loses none of 200 concurrent increments', async () => {
        const tasks = repo();
        const t = await tasks.create({ title: 'counter', metadata: { n: 0 } });
        const results = await Promise.all(
          Array.from({ length: 200 }, () =>
            tasks.modify(t.id, (current) => ({ metadata: { n: (current.metadata.n as number) + 1 } })),
          ),
        );
        const read = await tasks.get(t.id);
        expect(read!.metadata.n).toBe(200);
        expect(read!.version).toBe(201);
        // Every call saw a different value: no two increments were based on the same read.
        expect(new Set(results.map((r) => r.metadata.n)).size).toBe(200);
      });

      it('retries when the task changed between the read and the write', async () => {
        const tasks = repo();
        const t = await tasks.create({ title: 'race', metadata: { n: 0 } });
        let calls = 0;
        const result = await tasks.modify(t.id, async (current) => {
          calls++;
          // Another writer sneaks in on the first attempt (through the same store, so it joins our transaction).
          if (calls === 1) await tasks.update(t.id, { title: 'changed meanwhile' });
          return { metadata: { n: (current.metadata.n as number) + 1 } };
        });
        expect(calls).toBe(2);
        expect(result.metadata.n).toBe(1);
        expect(result.version).toBe(2);
      });

      it('gives up with ORCH_CONFLICT after maxAttempts, returns the task unchanged for a null patch', async () => {
        const tasks = repo();
        const t = await tasks.create({ title: 'busy' });
        let calls = 0;
        await expectOrchError(
          tasks.modify(
            t.id,
            async () => {
              calls++;
              await tasks.update(t.id, { priority: calls });
              return { title: 'never' };
            },
            { maxAttempts: 3 },
          ),
          'ORCH_CONFLICT',
        );
        expect(calls).toBe(3);
        expect((await tasks.get(t.id))?.title).toBe('busy');
        const same = await tasks.modify(t.id, () => null);
        expect(same.version).toBe(1);
        await expectOrchError(
          tasks.modify('ghost', () => ({ title: 'x' })),
          'ORCH_NOT_FOUND',
        );
        await expectOrchError(
          tasks.modify(t.id, () => ({ status: 'completed' })),
          'ORCH_CONFLICT',
        );
      });
    });

    describe('delete', () => {
      it('returns whether the task existed', async () => {
        const tasks = repo();
        const t = await tasks.create({ title: 'x' });
        expect(await tasks.delete(t.id)).toBe(true);
        expect(await tasks.get(t.id)).toBeNull();
        expect(await tasks.delete(t.id)).toBe(false);
      });

      it('refuses while other tasks depend on it, unless forced', async () => {
        const tasks = repo();
        const a = await tasks.create({ id: 'a', title: 'a' });
        await tasks.create({ id: 'b', title: 'b' });
        await tasks.create({ id: 'c', title: 'c' });
        await tasks.addDependency('b', 'a');
        await tasks.addDependency('c', 'a');
        await tasks.addArtifact('a', { name: 'notes', content: 'n' });
        const err = await expectOrchError(tasks.delete(a.id), 'ORCH_CONFLICT');
        expect(err.details.dependents).toEqual(['b', 'c']);
        expect(err.message).toContain('"b"');
        expect(err.message).toContain('force');
        expect(await tasks.get('a')).not.toBeNull();
        expect(await countRows(ctx.store, 'task_artifacts')).toBe(1);

        expect(await tasks.delete('a', { force: true })).toBe(true);
        expect(await tasks.get('a')).toBeNull();
        expect((await tasks.get('b'))?.dependsOn).toEqual([]);
        expect(await countRows(ctx.store, 'task_dependencies')).toBe(0);
        expect(await countRows(ctx.store, 'task_artifacts')).toBe(0);
      });

      it('cascades subtasks, artifacts, dependencies and assignments in one transaction', async () => {
        const tasks = repo();
        await tasks.create({ id: 'root', title: 'root' });
        await tasks.create({ id: 'c1', title: 'c1', parentId: 'root' });
        await tasks.create({ id: 'c2', title: 'c2', parentId: 'root' });
        await tasks.create({ id: 'g1', title: 'g1', parentId: 'c1' });
        await tasks.create({ id: 'other', title: 'other' });
        await tasks.addDependency('c2', 'c1'); // inside the subtree: no refusal
        await tasks.addDependency('g1', 'other'); // from the subtree outwards: no refusal
        await tasks.addArtifact('g1', { name: 'out', content: 'x' });
        const specialists = new SqlSpecialistRepository(ctx.store);
        const s = await specialists.create({ name: 'dev', category: 'engineering' });
        await specialists.assign(s.id, 'g1');

        expect(await tasks.delete('root')).toBe(true);
        for (const id of ['root', 'c1', 'c2', 'g1']) expect(await tasks.get(id)).toBeNull();
        expect(await tasks.get('other')).toMatchObject({ dependents: [] });
        expect(await countRows(ctx.store, 'tasks')).toBe(1);
        expect(await countRows(ctx.store, 'task_dependencies')).toBe(0);
        expect(await countRows(ctx.store, 'task_artifacts')).toBe(0);
        expect(await countRows(ctx.store, 'specialist_assignments')).toBe(0);
      });

      it('refuses when a task outside depends on a subtask', async () => {
        const tasks = repo();
        await tasks.create({ id: 'root', title: 'root' });
        await tasks.create({ id: 'child', title: 'child', parentId: 'root' });
        await tasks.create({ id: 'outside', title: 'outside' });
        await tasks.addDependency('outside', 'child');
        const err = await expectOrchError(tasks.delete('root'), 'ORCH_CONFLICT');
        expect(err.details.dependents).toEqual(['outside']);
        expect(await countRows(ctx.store, 'tasks')).toBe(3);
      });
    });

    describe('query', () => {
      async function seed() {
        const clock = new TestClock('2026-03-01T00:00:00.000Z');
        const tasks = repo(clock);
        const specs = [
          {
            id: 't1',
            title: 'Design schema',
            type: 'design',
            status: 'active',
            specialist: 'architect',
            complexity: 'high',
            priority: 5,
            sessionId: 's1',
          },
          {
            id: 't2',
            title: 'write tests',
            type: 'testing',
            status: 'ready',
            specialist: 'tester',
            complexity: 'low',
            priority: 1,
            sessionId: 's1',
          },
          {
            id: 't3',
            title: 'Implement API',
            type: 'implementation',
            status: 'active',
            specialist: 'implementer',
            complexity: 'medium',
            priority: 5,
            sessionId: 's2',
          },
          {
            id: 't4',
            title: 'review API',
            type: 'review',
            status: 'completed',
            specialist: 'reviewer',
            complexity: 'low',
            priority: 3,
            sessionId: null,
          },
          {
            id: 't5',
            title: 'Deploy',
            type: 'ops',
            status: 'created',
            specialist: null,
            complexity: null,
            priority: 0,
            sessionId: 's2',
          },
        ] as const;
        for (const spec of specs) {
          await tasks.create({ ...spec, description: `about ${spec.title.toLowerCase()}` });
          clock.advance(60_000);
        }
        await tasks.create({ id: 't6', title: 'sub of t1', parentId: 't1', priority: 9 });
        clock.advance(60_000);
        await tasks.update('t2', { priority: 2 }); // t2 is now the most recently updated
        return tasks;
      }

      it('filters by status, type, specialist, complexity, session and parent', async () => {
        const tasks = await seed();
        const ids = async (q: Parameters<typeof tasks.query>[0]) =>
          (await tasks.query(q)).items.map((t) => t.id);
        expect(await ids({ status: ['active'] })).toEqual(['t1', 't3']);
        expect(await ids({ status: ['active', 'completed'] })).toEqual(['t1', 't3', 't4']);
        expect(await ids({ status: [] })).toEqual([]);
        expect(await ids({ type: ['testing', 'ops'] })).toEqual(['t2', 't5']);
        expect(await ids({ specialist: ['architect', 'reviewer'] })).toEqual(['t1', 't4']);
        expect(await ids({ complexity: ['low'] })).toEqual(['t2', 't4']);
        expect(await ids({ sessionId: 's2' })).toEqual(['t3', 't5']);
        expect(await ids({ sessionId: null })).toEqual(['t4']);
        expect(await ids({ parentId: null })).toEqual(['t1', 't2', 't3', 't4', 't5']);
        expect(await ids({ parentId: 't1' })).toEqual(['t6']);
        expect(await ids({ status: ['active'], sessionId: 's1' })).toEqual(['t1']);
        expect(await ids({})).toHaveLength(6);
      });

      it('filters by time windows (after inclusive, before exclusive)', async () => {
        const tasks = await seed();
        const ids = async (q: Parameters<typeof tasks.query>[0]) =>
          (await tasks.query(q)).items.map((t) => t.id);
        expect(await ids({ createdAfter: '2026-03-01T00:02:00.000Z' })).toEqual(['t3', 't4', 't5', 't6']);
        expect(await ids({ createdBefore: new Date('2026-03-01T00:02:00.000Z') })).toEqual(['t1', 't2']);
        expect(
          await ids({ createdAfter: '2026-03-01T00:01:00.000Z', createdBefore: '2026-03-01T00:03:00.000Z' }),
        ).toEqual(['t2', 't3']);
        expect(await ids({ updatedAfter: '2026-03-01T00:06:00.000Z' })).toEqual(['t2']);
        expect(await ids({ updatedBefore: '2026-03-01T00:01:00.000Z' })).toEqual(['t1']);
        const err = await expectOrchError(tasks.query({ createdAfter: 'not a date' }), 'ORCH_INVALID_INPUT');
        expect(err.details.field).toBe('query.createdAfter');
      });

      it('sorts by every field in both directions with id as tiebreak', async () => {
        const tasks = await seed();
        const ids = async (q: Parameters<typeof tasks.query>[0]) =>
          (await tasks.query({ parentId: null, ...q })).items.map((t) => t.id);
        expect(await ids({ sortBy: 'createdAt' })).toEqual(['t1', 't2', 't3', 't4', 't5']);
        expect(await ids({ sortBy: 'createdAt', sortOrder: 'desc' })).toEqual(['t5', 't4', 't3', 't2', 't1']);
        expect(await ids({ sortBy: 'updatedAt', sortOrder: 'desc' })).toEqual(['t2', 't5', 't4', 't3', 't1']);
        expect(await ids({ sortBy: 'priority' })).toEqual(['t5', 't2', 't4', 't1', 't3']);
        expect(await ids({ sortBy: 'priority', sortOrder: 'desc' })).toEqual(['t3', 't1', 't4', 't2', 't5']);
        expect(await ids({ sortBy: 'title' })).toEqual(['t5', 't1', 't3', 't4', 't2']);
        expect(await ids({ sortBy: 'title', sortOrder: 'desc' })).toEqual(['t2', 't4', 't3', 't1', 't5']);
        const err = await expectOrchError(tasks.query({ sortBy: loose('status') }), 'ORCH_INVALID_INPUT');
        expect(err.details.field).toBe('query.sortBy');
      });

      it('pages with limit and offset and reports the total', async () => {
        const tasks = await seed();
        const first = await tasks.query({ limit: 2 });
        expect(first).toMatchObject({ total: 6, limit: 2, offset: 0 });
        expect(first.items.map((t) => t.id)).toEqual(['t1', 't2']);
        const last = await tasks.query({ limit: 4, offset: 4 });
        expect(last.items.map((t) => t.id)).toEqual(['t5', 't6']);
        expect(last.total).toBe(6);
        const beyond = await tasks.query({ limit: 10, offset: 100, status: ['active'] });
        expect(beyond).toMatchObject({ items: [], total: 2 });
        await expectOrchError(tasks.query({ limit: 0 }), 'ORCH_INVALID_INPUT');
        await expectOrchError(tasks.query({ offset: -1 }), 'ORCH_INVALID_INPUT');
        const err = await expectOrchError(tasks.query(loose({ satus: ['active'] })), 'ORCH_INVALID_INPUT');
        expect(err.details.field).toBe('query.satus');
      });

      it('searches title and description case-insensitively, matching % _ and \\ literally', async () => {
        const tasks = repo();
        await tasks.create({ id: 'pct', title: '100% done' });
        await tasks.create({ id: 'plain', title: '100 done' });
        await tasks.create({ id: 'snake', title: 'rename SNAKE_CASE ids' });
        await tasks.create({ id: 'nosnake', title: 'rename snakeXcase ids' });
        await tasks.create({ id: 'desc', title: 'other', description: 'Mentions 50%_off in the body' });
        await tasks.create({ id: 'slash', title: 'path C:\\temp' });
        const ids = async (text: string) => (await tasks.query({ text })).items.map((t) => t.id).sort();
        expect(await ids('%')).toEqual(['desc', 'pct']);
        expect(await ids('0% d')).toEqual(['pct']);
        expect(await ids('_')).toEqual(['desc', 'snake']);
        expect(await ids('snake_case')).toEqual(['snake']);
        expect(await ids('%_')).toEqual(['desc']);
        expect(await ids('\\')).toEqual(['slash']);
        expect(await ids('RENAME')).toEqual(['nosnake', 'snake']);
        expect(await ids('mentions')).toEqual(['desc']);
        expect(await ids('nothing like it')).toEqual([]);
        expect((await tasks.query({ text: '%', sortBy: 'title' })).total).toBe(2);
      });
    });

    describe('hierarchy', () => {
      async function tree() {
        const clock = new TestClock();
        const tasks = repo(clock);
        const make = async (id: string, parentId?: string) => {
          clock.advance(1000);
          await tasks.create({ id, title: id, ...(parentId ? { parentId } : {}) });
        };
        await make('root');
        await make('a', 'root');
        await make('b', 'root');
        await make('a1', 'a');
        await make('a2', 'a');
        await make('a1x', 'a1');
        await make('unrelated');
        return tasks;
      }

      it('lists the tree depth-first with depths', async () => {
        const tasks = await tree();
        const items = await tasks.hierarchy('root');
        expect(items.map((t) => [t.id, t.depth])).toEqual([
          ['root', 0],
          ['a', 1],
          ['a1', 2],
          ['a1x', 3],
          ['a2', 2],
          ['b', 1],
        ]);
        expect((await tasks.hierarchy('a1')).map((t) => t.id)).toEqual(['a1', 'a1x']);
        expect((await tasks.hierarchy('root', { maxDepth: 1 })).map((t) => t.id)).toEqual(['root', 'a', 'b']);
        const root = await tasks.tree('root');
        expect(root.children.map((c) => c.id)).toEqual(['a', 'b']);
        expect(root.children[0]!.children.map((c) => [c.id, c.depth])).toEqual([
          ['a1', 2],
          ['a2', 2],
        ]);
        expect(root.children[0]!.children[0]!.children[0]!.id).toBe('a1x');
        await expectOrchError(tasks.hierarchy('ghost'), 'ORCH_NOT_FOUND');
      });

      it('lists direct subtasks and refuses parent cycles', async () => {
        const tasks = await tree();
        expect((await tasks.subtasks('root')).map((t) => t.id)).toEqual(['a', 'b']);
        expect(await tasks.subtasks('a1x')).toEqual([]);
        await expectOrchError(tasks.subtasks('ghost'), 'ORCH_NOT_FOUND');
        const err = await expectOrchError(tasks.update('root', { parentId: 'a1x' }), 'ORCH_CONFLICT');
        expect(err.details.reason).toBe('cycle');
        await expectOrchError(tasks.update('a', { parentId: 'a' }), 'ORCH_CONFLICT');
        await expectOrchError(tasks.update('a', { parentId: 'ghost' }), 'ORCH_NOT_FOUND');
        await tasks.update('a1', { parentId: 'b' });
        expect((await tasks.hierarchy('root')).map((t) => [t.id, t.depth])).toEqual([
          ['root', 0],
          ['a', 1],
          ['a2', 2],
          ['b', 1],
          ['a1', 2],
          ['a1x', 3],
        ]);
        await tasks.update('b', { parentId: null });
        expect((await tasks.query({ parentId: null })).items.map((t) => t.id)).toEqual([
          'root',
          'b',
          'unrelated',
        ]);
      });
    });

    describe('artifacts', () => {
      it('adds, lists in order, shows them on get, deletes', async () => {
        const clock = new TestClock();
        const tasks = repo(clock);
        await tasks.create({ id: 't', title: 't' });
        const first = await tasks.addArtifact('t', {
          name: 'plan',
          content: '# plan',
          kind: 'markdown',
          metadata: { lines: 1 },
        });
        clock.advance(1);
        const second = await tasks.addArtifact('t', { id: 'art-2', name: 'code', content: '' });
        expect(first).toMatchObject({
          taskId: 't',
          name: 'plan',
          kind: 'markdown',
          content: '# plan',
          metadata: { lines: 1 },
        });
        expect(second).toMatchObject({ id: 'art-2', kind: 'text', content: '', metadata: {} });
        expect(await tasks.listArtifacts('t')).toEqual([first, second]);
        expect((await tasks.get('t'))?.artifacts).toEqual([first, second]);
        await expectOrchError(
          tasks.addArtifact('t', { id: 'art-2', name: 'dup', content: 'x' }),
          'ORCH_CONFLICT',
        );
        await expectOrchError(tasks.addArtifact('ghost', { name: 'x', content: 'x' }), 'ORCH_NOT_FOUND');
        await expectOrchError(tasks.listArtifacts('ghost'), 'ORCH_NOT_FOUND');
        const err = await expectOrchError(tasks.addArtifact('t', loose({ name: 'x' })), 'ORCH_INVALID_INPUT');
        expect(err.details.field).toBe('artifact.content');
        expect(await tasks.deleteArtifact('art-2')).toBe(true);
        expect(await tasks.deleteArtifact('art-2')).toBe(false);
        expect(await tasks.listArtifacts('t')).toEqual([first]);
      });
    });

    describe('dependencies', () => {
      it('adds idempotently, lists both directions, removes', async () => {
        const tasks = repo();
        for (const id of ['a', 'b', 'c']) await tasks.create({ id, title: id });
        expect(await tasks.addDependency('a', 'b')).toBe(true);
        expect(await tasks.addDependency('a', 'b')).toBe(false);
        expect(await tasks.addDependency('a', 'c')).toBe(true);
        expect(await tasks.addDependency('c', 'b')).toBe(true);
        expect(await tasks.dependencies('a')).toEqual({ dependsOn: ['b', 'c'], dependents: [] });
        expect(await tasks.dependencies('b')).toEqual({ dependsOn: [], dependents: ['a', 'c'] });
        expect(await tasks.get('c')).toMatchObject({ dependsOn: ['b'], dependents: ['a'] });
        expect(await tasks.removeDependency('a', 'b')).toBe(true);
        expect(await tasks.removeDependency('a', 'b')).toBe(false);
        expect(await tasks.dependencies('b')).toEqual({ dependsOn: [], dependents: ['c'] });
        await expectOrchError(tasks.addDependency('a', 'ghost'), 'ORCH_NOT_FOUND');
        await expectOrchError(tasks.addDependency('ghost', 'a'), 'ORCH_NOT_FOUND');
        await expectOrchError(tasks.removeDependency('ghost', 'a'), 'ORCH_NOT_FOUND');
        await expectOrchError(tasks.dependencies('ghost'), 'ORCH_NOT_FOUND');
      });

      it('rejects self-dependencies and cycles, naming the cycle', async () => {
        const tasks = repo();
        for (const id of ['a', 'b', 'c', 'd']) await tasks.create({ id, title: id });
        const self = await expectOrchError(tasks.addDependency('a', 'a'), 'ORCH_CONFLICT');
        expect(self.details.reason).toBe('cycle');
        await tasks.addDependency('a', 'b');
        await tasks.addDependency('b', 'c');
        await tasks.addDependency('c', 'd');
        const two = await expectOrchError(tasks.addDependency('b', 'a'), 'ORCH_CONFLICT');
        expect(two.details.cycle).toEqual(['b', 'a', 'b']);
        const long = await expectOrchError(tasks.addDependency('d', 'a'), 'ORCH_CONFLICT');
        expect(long.details.cycle).toEqual(['d', 'a', 'b', 'c', 'd']);
        expect(long.message).toContain('d -> a -> b -> c -> d');
        expect(await countRows(ctx.store, 'task_dependencies')).toBe(3);
        // A diamond is not a cycle.
        expect(await tasks.addDependency('a', 'd')).toBe(true);
        expect(await tasks.addDependency('a', 'c')).toBe(true);
      });

      it('addDependencies adds several edges at once, all or nothing', async () => {
        const tasks = repo();
        for (const id of ['t', 'a', 'b', 'c', 'up']) await tasks.create({ id, title: id });
        await tasks.addDependency('t', 'a');
        expect(await tasks.addDependencies('t', ['c', 'a', 'b', 'c'])).toEqual(['c', 'b']);
        expect((await tasks.dependencies('t')).dependsOn).toEqual(['a', 'b', 'c']);
        expect(await tasks.addDependencies('t', [])).toEqual([]);
        // One unknown id: nothing of the call is written.
        await tasks.addDependency('up', 't');
        const missing = await expectOrchError(tasks.addDependencies('up', ['a', 'ghost']), 'ORCH_NOT_FOUND');
        expect(missing.message).toContain('ghost');
        // One edge closing a cycle: the others are not written either.
        const cycle = await expectOrchError(tasks.addDependencies('a', ['b', 'up']), 'ORCH_CONFLICT');
        expect(cycle.details.cycle).toEqual(['a', 'up', 't', 'a']);
        await expectOrchError(tasks.addDependencies('a', ['b', 'a']), 'ORCH_CONFLICT');
        expect((await tasks.dependencies('a')).dependsOn).toEqual([]);
        expect((await tasks.dependencies('up')).dependsOn).toEqual(['t']);
        await expectOrchError(tasks.addDependencies('a', 'b' as unknown as string[]), 'ORCH_INVALID_INPUT');
      });

      it("create takes the new task's dependencies with its row, all or nothing", async () => {
        const tasks = repo();
        for (const id of ['a', 'b']) await tasks.create({ id, title: id });
        const created = await tasks.create({ id: 'n', title: 'new', dependsOn: ['b', 'a', 'b'] });
        expect(created.id).toBe('n');
        expect(await tasks.dependencies('n')).toEqual({ dependsOn: ['a', 'b'], dependents: [] });
        expect((await tasks.dependencies('a')).dependents).toEqual(['n']);
        // An unknown task: named, and neither the row nor any edge is written.
        const missing = await expectOrchError(
          tasks.create({ id: 'm', title: 'm', dependsOn: ['a', 'ghost'] }),
          'ORCH_NOT_FOUND',
        );
        expect(missing.message).toContain('"ghost"');
        expect(await tasks.get('m')).toBeNull();
        expect(await countRows(ctx.store, 'task_dependencies')).toBe(2);
        // Itself, and bad input, are refused before anything is sent.
        const self = await expectOrchError(
          tasks.create({ id: 's', title: 's', dependsOn: ['s'] }),
          'ORCH_CONFLICT',
        );
        expect(self.details.reason).toBe('cycle');
        await expectOrchError(
          tasks.create({ title: 'x', dependsOn: 'a' as unknown as string[] }),
          'ORCH_INVALID_INPUT',
        );
        await expectOrchError(tasks.create({ title: 'x', dependsOn: [''] }), 'ORCH_INVALID_INPUT');
        // A duplicate id keeps the existing task's edges as they were.
        await expectOrchError(tasks.create({ id: 'a', title: 'again', dependsOn: ['b'] }), 'ORCH_CONFLICT');
        expect((await tasks.dependencies('a')).dependsOn).toEqual([]);
        expect(await countRows(ctx.store, 'tasks')).toBe(3);
      });

      it('finds a cycle closed through a branching graph, from either end', async () => {
        const tasks = repo();
        // root <- m1..m4 <- leaf: the leaf depends on every middle task, each depends on root.
        for (const id of ['root', 'm1', 'm2', 'm3', 'm4', 'leaf', 'new'])
          await tasks.create({ id, title: id });
        for (const m of ['m1', 'm2', 'm3', 'm4']) {
          await tasks.addDependency(m, 'root');
          await tasks.addDependency('leaf', m);
        }
        const closing = await expectOrchError(tasks.addDependency('root', 'leaf'), 'ORCH_CONFLICT');
        expect(closing.details.cycle).toEqual(['root', 'leaf', 'm1', 'root']);
        const middle = await expectOrchError(tasks.addDependency('m3', 'leaf'), 'ORCH_CONFLICT');
        expect(middle.details.cycle).toEqual(['m3', 'leaf', 'm3']);
        // A new task may depend on anything, and anything on it, once.
        expect(await tasks.addDependency('new', 'leaf')).toBe(true);
        await expectOrchError(tasks.addDependency('root', 'new'), 'ORCH_CONFLICT');
        expect(await tasks.addDependency('m2', 'm1')).toBe(true);
        expect(await countRows(ctx.store, 'task_dependencies')).toBe(10);
      });
    });

    describe('metrics', () => {
      it('counts by status, type and specialist and averages completion time', async () => {
        const clock = new TestClock();
        const tasks = repo(clock);
        const empty = await tasks.metrics();
        expect(empty).toMatchObject({
          total: 0,
          completed: 0,
          completionRate: null,
          averageCompletionMs: null,
          open: 0,
        });
        expect(empty.byStatus.created).toBe(0);
        const a = await tasks.create({
          title: 'a',
          type: 'design',
          status: 'active',
          specialist: 'architect',
          sessionId: 's1',
        });
        const b = await tasks.create({ title: 'b', type: 'design', status: 'active', sessionId: 's1' });
        await tasks.create({ title: 'c', type: 'testing', specialist: 'tester' });
        clock.advance(1000);
        await tasks.update(a.id, { status: 'completed' });
        clock.advance(2000);
        await tasks.update(b.id, { status: 'completed' });
        const m = await tasks.metrics();
        expect(m.total).toBe(3);
        expect(m.byStatus).toMatchObject({ completed: 2, created: 1, active: 0, archived: 0 });
        expect(Object.keys(m.byStatus)).toHaveLength(TASK_STATUSES.length);
        expect(m.byType).toEqual({ design: 2, testing: 1 });
        expect(m.bySpecialist).toEqual({ architect: 1, tester: 1 });
        expect(m.completed).toBe(2);
        expect(m.completionRate).toBeCloseTo(2 / 3);
        expect(m.averageCompletionMs).toBe(2000);
        expect(m.open).toBe(1);
        const scoped = await tasks.metrics({ sessionId: 's1' });
        expect(scoped).toMatchObject({
          total: 2,
          completed: 2,
          averageCompletionMs: 2000,
          byType: { design: 2 },
        });
      });
    });

    describe('cleanup', () => {
      it('deletes old finished tasks in batches of one transaction each', async () => {
        const clock = new TestClock('2026-01-01T00:00:00.000Z');
        const tasks = repo(clock);
        for (let i = 0; i < 250; i++) {
          await tasks.create({
            id: `old-${String(i).padStart(3, '0')}`,
            title: `old ${i}`,
            status: i % 2 ? 'completed' : 'failed',
          });
        }
        await tasks.create({ id: 'old-active', title: 'still running', status: 'active' });
        await tasks.addArtifact('old-001', { name: 'log', content: 'x' });
        clock.set('2026-06-01T00:00:00.000Z');
        await tasks.create({ id: 'recent-done', title: 'recent', status: 'completed' });

        const { executor, transactions } = countingExecutor(ctx.store);
        const counted = new SqlTaskRepository(executor);
        const deleted = await counted.cleanup({ olderThan: '2026-03-01T00:00:00.000Z', batchSize: 100 });
        expect(deleted).toBe(250);
        expect(transactions()).toBe(4); // 100 + 100 + 50, then one empty batch that ends the loop
        expect((await tasks.query({})).items.map((t) => t.id).sort()).toEqual(['old-active', 'recent-done']);
        expect(await countRows(ctx.store, 'task_artifacts')).toBe(0);
        expect(await counted.cleanup({ olderThan: '2026-03-01T00:00:00.000Z' })).toBe(0);
      });

      it('keeps tasks still needed: unfinished subtasks and live dependents', async () => {
        const clock = new TestClock('2026-01-01T00:00:00.000Z');
        const tasks = repo(clock);
        await tasks.create({ id: 'p1', title: 'finished parent', status: 'completed' });
        await tasks.create({ id: 'p1-open', title: 'open child', parentId: 'p1', status: 'active' });
        await tasks.create({ id: 'p2', title: 'finished parent 2', status: 'completed' });
        await tasks.create({ id: 'p2-done', title: 'finished child', parentId: 'p2', status: 'completed' });
        await tasks.create({ id: 'dep', title: 'needed dependency', status: 'completed' });
        await tasks.create({ id: 'user', title: 'live dependent', status: 'active' });
        await tasks.addDependency('user', 'dep');
        await tasks.create({ id: 'dep2', title: 'old dependency', status: 'completed' });
        await tasks.create({ id: 'user2', title: 'old dependent', status: 'archived' });
        await tasks.addDependency('user2', 'dep2');
        clock.set('2026-06-01T00:00:00.000Z');
        const deleted = await tasks.cleanup({
          olderThan: new Date('2026-03-01T00:00:00.000Z'),
          batchSize: 1,
        });
        expect(deleted).toBe(4);
        expect((await tasks.query({})).items.map((t) => t.id).sort()).toEqual([
          'dep',
          'p1',
          'p1-open',
          'user',
        ]);
        expect(await tasks.cleanup({ olderThan: '2026-03-01T00:00:00.000Z', statuses: ['active'] })).toBe(2);
        await expectOrchError(tasks.cleanup(loose({})), 'ORCH_INVALID_INPUT');
        await expectOrchError(
          tasks.cleanup({ olderThan: '2026-01-01', statuses: loose(['gone']) }),
          'ORCH_INVALID_INPUT',
        );
      });
    });
  });
}
