import { OrchError, type SqlExecutor } from '@orch/core';
import { assertMigrated, requiredSchemaVersion } from '../migrations/schema-check.js';
import type { RepositoryOptions } from './repository-types.js';
import type { SessionRepository } from './sessions/session-repository.js';
import { SqlSessionRepository } from './sessions/sql-session-repository.js';
import type { SpecialistRepository } from './specialists/specialist-repository.js';
import { SqlSpecialistRepository } from './specialists/sql-specialist-repository.js';
import { SqlTaskRepository } from './tasks/sql-task-repository.js';
import type { TaskRepository } from './tasks/task-repository.js';

/**
 * What the factory is built on: an operational store (or any `SqlExecutor`), or an object holding
 * one (the manager). When that object also has a `tasks` repository (the manager's, whose writes
 * keep the vector and graph stores in step), `createTaskRepository()` returns it.
 */
export type RepositorySource =
  | SqlExecutor
  | { readonly operational: SqlExecutor | null | undefined; readonly tasks?: TaskRepository };

/**
 * Creates the repositories over the operational store, after checking once that `migrate()` has
 * brought the schema up to date (`ORCH_INVALID_CONFIG` with `details.reason: 'not-migrated'`
 * otherwise). Closing it only marks it closed: the store belongs to whoever opened it.
 *
 * @example
 * const manager = await UnifiedDatabaseManager.open(); // migrates
 * await using factory = new AsyncRepositoryFactory(manager);
 * const tasks = await factory.createTaskRepository();
 * const task = await tasks.create({ title: 'New Task', type: 'analysis' });
 */
export class AsyncRepositoryFactory implements AsyncDisposable {
  readonly #source: RepositorySource;
  readonly #options: RepositoryOptions;
  #checked: Promise<SqlExecutor> | undefined;
  #checkedExecutor: SqlExecutor | undefined;
  #closed = false;

  constructor(source: RepositorySource, options: RepositoryOptions = {}) {
    if (typeof source !== 'object' || source === null) {
      throw new OrchError(
        'ORCH_INVALID_CONFIG',
        'AsyncRepositoryFactory needs an operational store or an object with `.operational`.',
      );
    }
    this.#source = source;
    this.#options = options;
  }

  /** The schema version the repositories need (the last migration's id). */
  static get requiredSchemaVersion(): number {
    return requiredSchemaVersion();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The source's own `tasks` repository when it has one (the manager's), else one over the store. */
  async createTaskRepository(): Promise<TaskRepository> {
    const executor = await this.#executor();
    const own = isExecutor(this.#source) ? undefined : this.#source.tasks;
    return own ?? new SqlTaskRepository(executor, this.#options);
  }

  async createSessionRepository(): Promise<SessionRepository> {
    return new SqlSessionRepository(await this.#executor(), this.#options);
  }

  /** Another name for {@link createSessionRepository} (sessions hold the workflow state). */
  createStateRepository(): Promise<SessionRepository> {
    return this.createSessionRepository();
  }

  async createSpecialistRepository(): Promise<SpecialistRepository> {
    return new SqlSpecialistRepository(await this.#executor(), this.#options);
  }

  /** Mark the factory closed (repositories already created keep working; the store is not closed). */
  async close(): Promise<void> {
    this.#closed = true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #executor(): Promise<SqlExecutor> {
    if (this.#closed) {
      return Promise.reject(
        new OrchError('ORCH_CLOSED', 'This AsyncRepositoryFactory is closed; create a new one.'),
      );
    }
    const executor = resolve(this.#source);
    // Only a successful check is remembered (per store): after a failure, running migrate() and retrying works.
    if (!this.#checked || this.#checkedExecutor !== executor) {
      this.#checkedExecutor = executor;
      const checking = check(executor).catch((err: unknown) => {
        if (this.#checked === checking) this.#checked = undefined;
        throw err;
      });
      this.#checked = checking;
    }
    return this.#checked;
  }
}

function resolve(source: RepositorySource): SqlExecutor {
  const executor = isExecutor(source) ? source : source.operational;
  if (!executor || !isExecutor(executor)) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      'AsyncRepositoryFactory: no operational store is configured; the repositories need one (databases.operational.url).',
    );
  }
  return executor;
}

function isExecutor(value: unknown): value is SqlExecutor {
  const v = value as Partial<SqlExecutor> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.query === 'function' &&
    typeof v.execute === 'function' &&
    typeof v.transaction === 'function' &&
    typeof v.dialect?.placeholders === 'function'
  );
}

async function check(executor: SqlExecutor): Promise<SqlExecutor> {
  await assertMigrated(executor);
  return executor;
}
