import { describe, expect, it } from 'vitest';
import { SqlSessionRepository } from '../../src/repositories/sessions/sql-session-repository.js';
import { SqlSpecialistRepository } from '../../src/repositories/specialists/sql-specialist-repository.js';
import { SqlTaskRepository } from '../../src/repositories/tasks/sql-task-repository.js';
import { type CreateStore, countRows, expectOrchError, useMigratedStore } from './repository-context.js';

/** A lone UTF-16 surrogate: UTF-8 engines would store U+FFFD instead. */
const LONE = 'bad \ud800 text';

/**
 * Text a store cannot keep as given is refused with ORCH_INVALID_INPUT naming the field, and
 * nothing is written: never stored silently altered.
 */
export function wellFormedTextTests(createStore: CreateStore): void {
  describe('text with lone surrogates', () => {
    const ctx = useMigratedStore(createStore);

    it('is refused in task fields, naming the field, and nothing is written', async () => {
      const tasks = new SqlTaskRepository(ctx.store);
      for (const [input, field] of [
        [{ title: LONE }, 'task.title'],
        [{ title: 'ok', description: LONE }, 'task.description'],
        [{ title: 'ok', type: '\udc00' }, 'task.type'],
        [{ id: `id-${LONE}`, title: 'ok' }, 'task.id'],
      ] as const) {
        const err = await expectOrchError(tasks.create(input), 'ORCH_INVALID_INPUT');
        expect(err.details.field).toBe(field);
      }
      expect(await countRows(ctx.store, 'tasks')).toBe(0);
      const t = await tasks.create({ title: 'kept as given 😀' });
      const err = await expectOrchError(tasks.update(t.id, { result: LONE }), 'ORCH_INVALID_INPUT');
      expect(err.details.field).toBe('patch.result');
      await expectOrchError(tasks.addArtifact(t.id, { name: 'a', content: LONE }), 'ORCH_INVALID_INPUT');
      expect(await tasks.get(t.id)).toMatchObject({
        title: 'kept as given 😀',
        result: null,
        version: 1,
        artifacts: [],
      });
    });

    it('is refused in sessions and specialists, and nothing is written', async () => {
      const sessions = new SqlSessionRepository(ctx.store);
      const specialists = new SqlSpecialistRepository(ctx.store);
      await expectOrchError(sessions.create({ name: LONE }), 'ORCH_INVALID_INPUT');
      const s = await sessions.create({ name: 'ok' });
      await expectOrchError(sessions.setContext(s.id, LONE, 1), 'ORCH_INVALID_INPUT');
      await expectOrchError(sessions.appendEvent({ sessionId: s.id, type: LONE }), 'ORCH_INVALID_INPUT');
      await expectOrchError(specialists.create({ name: 'x', category: LONE }), 'ORCH_INVALID_INPUT');
      await expectOrchError(
        specialists.createTemplate({ name: 't', category: 'c', template: LONE }),
        'ORCH_INVALID_INPUT',
      );
      for (const table of ['session_contexts', 'events', 'specialists', 'specialist_templates'])
        expect(await countRows(ctx.store, table), table).toBe(0);
    });
  });
}
