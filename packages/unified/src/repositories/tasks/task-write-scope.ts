import type { Db } from '../../util/db.js';
import { TaskChanges } from './task-changes.js';

/**
 * How a task repository runs one write. The default is a transaction of its own (a savepoint
 * inside one); the unified manager's scope also turns the recorded changes into outbox entries in
 * that same transaction, so the vector and graph stores follow every task write.
 */
export interface TaskWriteScope {
  run<T>(db: Db, fn: (db: Db, changes: TaskChanges) => Promise<T>): Promise<T>;
}

/** A transaction per write; the changes are not used. */
export const TRANSACTION_SCOPE: TaskWriteScope = {
  run: (db, fn) => db.transaction((tx) => fn(tx, new TaskChanges())),
};

/** A transaction (savepoint) per write, recording every change into `changes`. */
export function recordingScope(changes: TaskChanges): TaskWriteScope {
  return { run: (db, fn) => db.transaction((tx) => fn(tx, changes)) };
}

/**
 * Writes straight on `db`, recording into `changes`: for a caller whose own transaction already
 * makes the whole unit atomic, and which fails as a whole when any write fails.
 */
export function directScope(changes: TaskChanges): TaskWriteScope {
  return { run: (db, fn) => fn(db, changes) };
}

const scopes = new WeakMap<object, TaskWriteScope>();

/** Make `repository` run its writes through `scope` (internal: the manager's mirrored repositories). */
export function useWriteScope<T extends object>(repository: T, scope: TaskWriteScope): T {
  scopes.set(repository, scope);
  return repository;
}

export function writeScopeOf(repository: object): TaskWriteScope {
  return scopes.get(repository) ?? TRANSACTION_SCOPE;
}
