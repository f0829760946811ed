import { sqliteDialect } from '@orch/core/adapter-kit';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/migrations/migrate.js';
import { AsyncRepositoryFactory } from '../../src/repositories/async-repository-factory.js';
import { SqlSessionRepository } from '../../src/repositories/sessions/sql-session-repository.js';
import { SqlSpecialistRepository } from '../../src/repositories/specialists/sql-specialist-repository.js';
import { SqlTaskRepository } from '../../src/repositories/tasks/sql-task-repository.js';
import { type CreateStore, expectOrchError } from './repository-context.js';

export function factoryTests(createStore: CreateStore): void {
  describe('AsyncRepositoryFactory', () => {
    it('refuses an unmigrated store until migrate() ran, then creates every repository', async () => {
      const store = await createStore();
      try {
        const factory = new AsyncRepositoryFactory(store);
        const err = await expectOrchError(factory.createTaskRepository(), 'ORCH_INVALID_CONFIG');
        expect(err.message).toContain('run migrate() first');
        expect(err.details).toMatchObject({
          schemaVersion: 0,
          requiredSchemaVersion: AsyncRepositoryFactory.requiredSchemaVersion,
        });
        await migrate(store);
        const tasks = await factory.createTaskRepository();
        const sessions = await factory.createSessionRepository();
        const specialists = await factory.createSpecialistRepository();
        expect(tasks).toBeInstanceOf(SqlTaskRepository);
        expect(sessions).toBeInstanceOf(SqlSessionRepository);
        expect(specialists).toBeInstanceOf(SqlSpecialistRepository);
        expect(await factory.createStateRepository()).toBeInstanceOf(SqlSessionRepository);
        const id = (await tasks.create({ title: 'New Task', type: 'analysis' })).id;
        expect((await tasks.get(id))?.type).toBe('analysis');
        await tasks.update(id, { status: 'active' });
        await tasks.update(id, { status: 'completed' });
        expect((await tasks.get(id))?.status).toBe('completed');
      } finally {
        await store.close();
      }
    });

    it('constructs repositories without touching the database', () => {
      const untouchable = {
        dialect: sqliteDialect,
        query: () => {
          throw new Error('no I/O in constructors');
        },
        execute: () => {
          throw new Error('no I/O in constructors');
        },
        executeMany: () => {
          throw new Error('no I/O in constructors');
        },
        batch: () => {
          throw new Error('no I/O in constructors');
        },
        transaction: () => {
          throw new Error('no I/O in constructors');
        },
      } as const;
      expect(() => new SqlTaskRepository(untouchable)).not.toThrow();
      expect(() => new SqlSessionRepository(untouchable)).not.toThrow();
      expect(() => new SqlSpecialistRepository(untouchable)).not.toThrow();
      expect(() => new AsyncRepositoryFactory(untouchable)).not.toThrow();
    });

    it('accepts anything with .operational and supports await using', async () => {
      const store = await createStore();
      try {
        await migrate(store);
        let escaped: AsyncRepositoryFactory | undefined;
        {
          await using factory = new AsyncRepositoryFactory({ operational: store });
          escaped = factory;
          const sessions = await factory.createSessionRepository();
          await sessions.create({ name: 'seed' });
          expect(factory.closed).toBe(false);
        }
        expect(escaped.closed).toBe(true);
        await expectOrchError(escaped.createTaskRepository(), 'ORCH_CLOSED');
        // The store stays open: it belongs to the caller.
        expect((await new SqlSessionRepository(store).list()).total).toBe(1);
        const missing = new AsyncRepositoryFactory({ operational: undefined });
        await expectOrchError(missing.createTaskRepository(), 'ORCH_INVALID_CONFIG');
      } finally {
        await store.close();
      }
    });
  });
}
