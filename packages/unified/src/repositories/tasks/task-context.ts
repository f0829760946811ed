import type { Db } from '../../util/db.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import type { TaskChanges } from './task-changes.js';

/** What every task concept works with: the database, the clock, and how one write runs. */
export interface TaskContext extends RepositoryContext {
  /** Run one write atomically; `changes` collects the tasks it changed. */
  write<T>(fn: (db: Db, changes: TaskChanges) => Promise<T>): Promise<T>;
}
