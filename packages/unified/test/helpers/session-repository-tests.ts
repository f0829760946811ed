import { describe, expect, it } from 'vitest';
import { SqlSessionRepository } from '../../src/repositories/sessions/sql-session-repository.js';
import {
  type CreateStore,
  countRows,
  expectOrchError,
  loose,
  TestClock,
  useMigratedStore,
} from './repository-context.js';

export function sessionRepositoryTests(createStore: CreateStore): void {
  describe('SessionRepository', () => {
    const ctx = useMigratedStore(createStore);
    const repo = (clock?: TestClock) => new SqlSessionRepository(ctx.store, clock ? { now: clock.now } : {});

    describe('sessions', () => {
      it('creates, reads, and returns null / false / NOT_FOUND for unknown ids', async () => {
        const sessions = repo();
        const s = await sessions.create({ name: 'release', metadata: { owner: 'ana' } });
        expect(s).toMatchObject({
          name: 'release',
          status: 'active',
          metadata: { owner: 'ana' },
          version: 1,
          endedAt: null,
        });
        expect(await sessions.get(s.id)).toEqual(s);
        expect(await sessions.get('ghost')).toBeNull();
        expect(await sessions.delete('ghost')).toBe(false);
        await expectOrchError(sessions.update('ghost', { name: 'x' }), 'ORCH_NOT_FOUND');
        await expectOrchError(sessions.end('ghost'), 'ORCH_NOT_FOUND');
        await expectOrchError(sessions.create({ id: s.id, name: 'dup' }), 'ORCH_CONFLICT');
        const err = await expectOrchError(sessions.create({ name: '' }), 'ORCH_INVALID_INPUT');
        expect(err.details.field).toBe('session.name');
      });

      it('partial updates never wipe fields that were not given', async () => {
        const clock = new TestClock();
        const sessions = repo(clock);
        const s = await sessions.create({ name: 'alpha', metadata: { a: 1, b: 2 } });
        const renamed = await sessions.update(s.id, { name: 'beta' });
        expect(renamed).toMatchObject({
          name: 'beta',
          status: 'active',
          metadata: { a: 1, b: 2 },
          version: 2,
        });
        const merged = await sessions.update(s.id, { metadata: { b: 3, c: 4 } });
        expect(merged).toMatchObject({ name: 'beta', metadata: { a: 1, b: 3, c: 4 }, version: 3 });
        clock.advance(5000);
        const ended = await sessions.update(s.id, { status: 'completed' });
        expect(ended).toMatchObject({
          name: 'beta',
          metadata: { a: 1, b: 3, c: 4 },
          endedAt: clock.iso(),
          version: 4,
        });
        expect(await sessions.get(s.id)).toEqual(ended);
        const reopened = await sessions.update(s.id, { status: 'active' });
        expect(reopened.endedAt).toBeNull();
        expect((await sessions.end(s.id, 'failed')).status).toBe('failed');
        const err = await expectOrchError(
          sessions.update(s.id, { name: 'x' }, { expectedVersion: 2 }),
          'ORCH_CONFLICT',
        );
        expect(err.details).toMatchObject({ reason: 'version', expectedVersion: 2, actualVersion: 6 });
        await expectOrchError(sessions.update(s.id, { status: loose('done') }), 'ORCH_INVALID_INPUT');
        await expectOrchError(sessions.end(s.id, loose('active')), 'ORCH_INVALID_INPUT');
      });

      it('lists newest first, active only on request, with paging and total', async () => {
        const clock = new TestClock();
        const sessions = repo(clock);
        for (let i = 0; i < 5; i++) {
          await sessions.create({
            id: `s${i}`,
            name: `session ${i}`,
            status: i % 2 ? 'completed' : 'active',
          });
          clock.advance(1000);
        }
        const all = await sessions.list();
        expect(all.items.map((s) => s.id)).toEqual(['s4', 's3', 's2', 's1', 's0']);
        expect(all.total).toBe(5);
        const active = await sessions.list({ activeOnly: true });
        expect(active.items.map((s) => s.id)).toEqual(['s4', 's2', 's0']);
        expect(active.total).toBe(3);
        const page = await sessions.list({ activeOnly: true, limit: 1, offset: 1 });
        expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 });
        expect(page.items.map((s) => s.id)).toEqual(['s2']);
        expect((await sessions.list({ status: ['completed'] })).items.map((s) => s.id)).toEqual(['s3', 's1']);
        await expectOrchError(sessions.list({ limit: 100_000 }), 'ORCH_INVALID_INPUT');
      });

      it('delete cascades contexts, workflow state and events', async () => {
        const sessions = repo();
        const s = await sessions.create({ name: 'x' });
        const other = await sessions.create({ name: 'y' });
        await sessions.setContext(s.id, 'k', 1);
        await sessions.setWorkflowState(s.id, { step: 1 });
        await sessions.appendEvent({ sessionId: s.id, type: 'started' });
        await sessions.appendEvent({ sessionId: other.id, type: 'started' });
        expect(await sessions.delete(s.id)).toBe(true);
        expect(await sessions.get(s.id)).toBeNull();
        expect(await countRows(ctx.store, 'session_contexts')).toBe(0);
        expect(await countRows(ctx.store, 'workflow_states')).toBe(0);
        expect(await countRows(ctx.store, 'events')).toBe(1);
      });
    });

    describe('contexts', () => {
      it('stores JSON values by key with versions', async () => {
        const sessions = repo();
        const s = await sessions.create({ name: 'ctx' });
        const values: unknown[] = [{ nested: { list: [1, 'two', null] } }, [1, 2], 42, 'text', null, true];
        for (const [i, value] of values.entries()) await sessions.setContext(s.id, `k${i}`, value);
        for (const [i, value] of values.entries())
          expect((await sessions.getContext(s.id, `k${i}`))?.value).toEqual(value);
        const v2 = await sessions.setContext(s.id, 'k0', { replaced: true });
        expect(v2).toMatchObject({ sessionId: s.id, key: 'k0', value: { replaced: true }, version: 2 });
        expect((await sessions.listContexts(s.id)).map((c) => c.key)).toEqual([
          'k0',
          'k1',
          'k2',
          'k3',
          'k4',
          'k5',
        ]);
        expect(await sessions.deleteContext(s.id, 'k1')).toBe(true);
        expect(await sessions.deleteContext(s.id, 'k1')).toBe(false);
        expect(await sessions.getContext(s.id, 'k1')).toBeNull();
        expect(await sessions.getContext('ghost', 'k0')).toBeNull();
        await expectOrchError(sessions.setContext('ghost', 'k', 1), 'ORCH_NOT_FOUND');
        await expectOrchError(sessions.listContexts('ghost'), 'ORCH_NOT_FOUND');
        await expectOrchError(sessions.deleteContext('ghost', 'k'), 'ORCH_NOT_FOUND');
        await expectOrchError(sessions.setContext(s.id, 'k', undefined), 'ORCH_INVALID_INPUT');
        await expectOrchError(sessions.setContext(s.id, '', 1), 'ORCH_INVALID_INPUT');
      });

      it('honours expectedVersion (0 = must not exist yet)', async () => {
        const sessions = repo();
        const s = await sessions.create({ name: 'ctx' });
        expect((await sessions.setContext(s.id, 'plan', 'a', { expectedVersion: 0 })).version).toBe(1);
        await expectOrchError(
          sessions.setContext(s.id, 'plan', 'b', { expectedVersion: 0 }),
          'ORCH_CONFLICT',
        );
        expect((await sessions.setContext(s.id, 'plan', 'b', { expectedVersion: 1 })).version).toBe(2);
        await expectOrchError(
          sessions.setContext(s.id, 'plan', 'c', { expectedVersion: 1 }),
          'ORCH_CONFLICT',
        );
        expect((await sessions.getContext(s.id, 'plan'))?.value).toBe('b');
      });
    });

    describe('workflow state', () => {
      it('gets and sets with versions', async () => {
        const sessions = repo();
        const s = await sessions.create({ name: 'wf' });
        expect(await sessions.getWorkflowState(s.id)).toBeNull();
        const v1 = await sessions.setWorkflowState(s.id, { step: 'plan', done: [] });
        expect(v1).toMatchObject({ sessionId: s.id, state: { step: 'plan', done: [] }, version: 1 });
        const v2 = await sessions.setWorkflowState(s.id, { step: 'build' }, { expectedVersion: 1 });
        expect(v2.version).toBe(2);
        expect(await sessions.getWorkflowState(s.id)).toEqual(v2);
        const err = await expectOrchError(
          sessions.setWorkflowState(s.id, { step: 'x' }, { expectedVersion: 1 }),
          'ORCH_CONFLICT',
        );
        expect(err.details).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
        await expectOrchError(sessions.setWorkflowState(s.id, {}, { expectedVersion: 0 }), 'ORCH_CONFLICT');
        expect((await sessions.getWorkflowState(s.id))?.state).toEqual({ step: 'build' });
        await expectOrchError(sessions.setWorkflowState('ghost', {}), 'ORCH_NOT_FOUND');
        const other = await sessions.create({ name: 'wf2' });
        await expectOrchError(
          sessions.setWorkflowState(other.id, {}, { expectedVersion: 1 }),
          'ORCH_CONFLICT',
        );
        expect((await sessions.setWorkflowState(other.id, ['a'], { expectedVersion: 0 })).state).toEqual([
          'a',
        ]);
      });
    });

    describe('events', () => {
      it('appends in order and lists by session and/or type with paging', async () => {
        const sessions = repo();
        const a = await sessions.create({ name: 'a' });
        const b = await sessions.create({ name: 'b' });
        const appended = [];
        for (const [sessionId, type] of [
          [a.id, 'started'],
          [b.id, 'started'],
          [a.id, 'progress'],
          [a.id, 'progress'],
          [b.id, 'finished'],
          [a.id, 'finished'],
        ] as const) {
          appended.push(
            await sessions.appendEvent({ sessionId, type, payload: { n: appended.length }, taskId: 't1' }),
          );
        }
        const ids = appended.map((e) => e.id);
        expect([...ids].sort((x, y) => x - y)).toEqual(ids);
        expect(new Set(ids).size).toBe(6);
        expect(appended[0]).toMatchObject({
          sessionId: a.id,
          taskId: 't1',
          type: 'started',
          payload: { n: 0 },
        });

        const ofA = await sessions.listEvents({ sessionId: a.id });
        expect(ofA.total).toBe(4);
        expect(ofA.items.map((e) => e.payload.n)).toEqual([0, 2, 3, 5]);
        expect(
          (await sessions.listEvents({ sessionId: a.id, order: 'desc' })).items.map((e) => e.payload.n),
        ).toEqual([5, 3, 2, 0]);
        expect((await sessions.listEvents({ type: 'finished' })).items.map((e) => e.payload.n)).toEqual([
          4, 5,
        ]);
        expect(
          (await sessions.listEvents({ type: ['started', 'finished'], sessionId: b.id })).items.map(
            (e) => e.payload.n,
          ),
        ).toEqual([1, 4]);
        const page = await sessions.listEvents({ sessionId: a.id, limit: 2, offset: 1 });
        expect(page.total).toBe(4);
        expect(page.items.map((e) => e.payload.n)).toEqual([2, 3]);
        expect((await sessions.listEvents({ afterId: ids[3] })).items.map((e) => e.payload.n)).toEqual([
          4, 5,
        ]);
        expect((await sessions.listEvents({ taskId: 't1' })).total).toBe(6);
        expect((await sessions.listEvents({ sessionId: a.id, type: 'nope' })).total).toBe(0);
      });

      it('keeps order and unique ids under concurrent appends; rejects unknown sessions', async () => {
        const sessions = repo();
        const s = await sessions.create({ name: 'busy' });
        await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            sessions.appendEvent({ sessionId: s.id, type: 'tick', payload: { i } }),
          ),
        );
        const list = await sessions.listEvents({ sessionId: s.id, limit: 100 });
        expect(list.total).toBe(50);
        const ids = list.items.map((e) => e.id);
        expect(new Set(ids).size).toBe(50);
        expect([...ids].sort((x, y) => x - y)).toEqual(ids);
        await expectOrchError(sessions.appendEvent({ sessionId: 'ghost', type: 'x' }), 'ORCH_NOT_FOUND');
        const free = await sessions.appendEvent({ type: 'system' });
        expect(free.sessionId).toBeNull();
        const err = await expectOrchError(sessions.appendEvent(loose({ payload: {} })), 'ORCH_INVALID_INPUT');
        expect(err.details.field).toBe('event.type');
      });
    });

    describe('cleanup and metrics', () => {
      it('deletes old ended sessions in batches, keeps open and recent ones', async () => {
        const clock = new TestClock('2026-01-01T00:00:00.000Z');
        const sessions = repo(clock);
        for (let i = 0; i < 7; i++) {
          const s = await sessions.create({ id: `old-${i}`, name: `old ${i}` });
          await sessions.setContext(s.id, 'k', i);
          await sessions.appendEvent({ sessionId: s.id, type: 'x' });
          await sessions.end(s.id);
        }
        await sessions.create({ id: 'old-open', name: 'still open' });
        clock.set('2026-06-01T00:00:00.000Z');
        const recent = await sessions.create({ id: 'recent', name: 'recent' });
        await sessions.end(recent.id);
        expect(await sessions.cleanup({ olderThan: '2026-03-01T00:00:00.000Z', batchSize: 3 })).toBe(7);
        expect((await sessions.list()).items.map((s) => s.id).sort()).toEqual(['old-open', 'recent']);
        expect(await countRows(ctx.store, 'events')).toBe(0);
        expect(await countRows(ctx.store, 'session_contexts')).toBe(0);
        expect(await sessions.cleanup({ olderThan: '2026-03-01T00:00:00.000Z', includeOpen: true })).toBe(1);
        expect((await sessions.list()).items.map((s) => s.id)).toEqual(['recent']);
      });

      it('reports counts and the average duration', async () => {
        const clock = new TestClock();
        const sessions = repo(clock);
        const a = await sessions.create({ name: 'a' });
        const b = await sessions.create({ name: 'b' });
        await sessions.create({ name: 'c' });
        await sessions.setContext(a.id, 'k', 1);
        await sessions.appendEvent({ sessionId: a.id, type: 'start' });
        await sessions.appendEvent({ sessionId: b.id, type: 'start' });
        await sessions.appendEvent({ sessionId: b.id, type: 'stop' });
        clock.advance(1000);
        await sessions.end(a.id);
        clock.advance(2000);
        await sessions.end(b.id, 'failed');
        const m = await sessions.metrics();
        expect(m).toMatchObject({
          total: 3,
          active: 1,
          contexts: 1,
          events: 3,
          eventsByType: { start: 2, stop: 1 },
          averageDurationMs: 2000,
        });
        expect(m.byStatus).toEqual({ active: 1, paused: 0, completed: 1, failed: 1, archived: 0 });
      });
    });
  });
}
