import type { SqlValue } from '@orch/core';
import type { Db } from '../../util/db.js';
import { conflict, invalidInput, staleVersion } from '../repository-errors.js';
import type { VersionOptions } from '../repository-types.js';
import { checkId, checkInt, InputReader, mergeMetadata, toJsonText } from '../shared/input.js';
import { readForUpdate } from '../shared/versioned-table.js';
import { expectedVersion, VersionRace, versionedUpdate } from '../shared/versioned-update.js';
import type { TaskChanges } from './task-changes.js';
import type { TaskContext } from './task-context.js';
import { checkParent } from './task-hierarchy.js';
import { readUpdate } from './task-input.js';
import type { CancelTaskOptions, ModifyOptions } from './task-repository.js';
import { TASKS } from './task-rows.js';
import { TASK_TRANSITIONS, type Task, type TaskStatus, type UpdateTaskInput } from './task-types.js';

/** Partial update; without `expectedVersion` a concurrent writer is not an error (re-read, re-apply). */
export async function updateTask(
  ctx: TaskContext,
  id: string,
  patch: UpdateTaskInput,
  options: VersionOptions = {},
): Promise<Task> {
  checkId(id, 'id');
  const expected = expectedVersion(options);
  const changes = readUpdate(patch);
  return versionedUpdate<Task, WriteHandle>(ctx.db, {
    table: TASKS,
    id,
    expected,
    readFirst: true,
    transaction: (attempt) => ctx.write((db, recorded) => attempt({ db, recorded })),
    attempt: async ({ db, recorded }, committed) => {
      const current = committed ?? (await readForUpdate(db, TASKS, id, expected));
      return applyChanges(ctx, { db, recorded }, current, changes);
    },
  });
}

/** Read-modify-write, retried on version conflicts so concurrent calls never lose an update. */
export async function modifyTask(
  ctx: TaskContext,
  id: string,
  fn: (task: Task) => UpdateTaskInput | null | Promise<UpdateTaskInput | null>,
  options: ModifyOptions = {},
): Promise<Task> {
  checkId(id, 'id');
  if (typeof fn !== 'function') throw invalidInput('fn', 'a function returning the patch');
  const maxAttempts =
    options.maxAttempts === undefined ? 50 : checkInt(options.maxAttempts, 'options.maxAttempts', 1, 10_000);
  return versionedUpdate<Task, WriteHandle>(ctx.db, {
    table: TASKS,
    id,
    expected: undefined,
    maxAttempts,
    retryConflicts: true,
    transaction: (attempt) => ctx.write((db, recorded) => attempt({ db, recorded })),
    attempt: async ({ db, recorded }) => {
      const current = await readForUpdate(db, TASKS, id);
      const patch = await fn(current);
      if (patch === null || patch === undefined) return current;
      const changes = readUpdate(patch);
      // The row must still be what fn saw (fn may have written through another handle).
      const again = await readForUpdate(db, TASKS, id);
      if (again.version !== current.version) throw staleVersion('Task', id, current.version, again.version);
      return applyChanges(ctx, { db, recorded }, again, changes);
    },
  });
}

/**
 * Stop a task: `failed` once work started, `archived` before; the reason goes into `result` and
 * `metadata.cancelled`. Finished tasks are `ORCH_CONFLICT`.
 */
export async function cancelTask(
  ctx: TaskContext,
  id: string,
  options: CancelTaskOptions = {},
): Promise<Task> {
  checkId(id, 'id');
  const r = new InputReader(options, 'options', ['reason', 'expectedVersion']);
  const reason = r.text('reason', 10_000) ?? '';
  const expected = expectedVersion(options);
  return ctx.write(async (db, recorded) => {
    const current = await readForUpdate(db, TASKS, id, expected);
    const allowed = TASK_TRANSITIONS[current.status];
    const target: TaskStatus | undefined = allowed.includes('failed')
      ? 'failed'
      : allowed.includes('archived') && current.status !== 'completed' && current.status !== 'failed'
        ? 'archived'
        : undefined;
    if (!target) {
      throw conflict(
        `Task ${JSON.stringify(id)} is ${current.status} and cannot be cancelled; only tasks that are not finished can be.`,
        { reason: 'transition', id, from: current.status, to: 'failed', allowed },
      );
    }
    const at = ctx.stamp();
    return applyChanges(ctx, { db, recorded }, current, {
      status: target,
      result: reason ? `cancelled: ${reason}` : 'cancelled',
      metadata: { cancelled: { reason: reason || null, at } },
    });
  });
}

/** What one write of a task works in: its transaction and the record of what it changed. */
interface WriteHandle {
  readonly db: Db;
  readonly recorded: TaskChanges;
}

/** Validate `changes` against `current` and write them; `VersionRace` when the row moved on. */
async function applyChanges(
  ctx: TaskContext,
  { db, recorded }: WriteHandle,
  current: Task,
  changes: UpdateTaskInput,
): Promise<Task> {
  const id = current.id;
  let status = current.status;
  let completedAt = current.completedAt;
  if (changes.status !== undefined && changes.status !== current.status) {
    const allowed = TASK_TRANSITIONS[current.status];
    if (!allowed.includes(changes.status)) {
      throw conflict(
        `Task ${JSON.stringify(id)} cannot go from ${current.status} to ${changes.status}; from ${current.status} it can go to ${allowed.length ? allowed.join(', ') : 'nothing (it is final)'}.`,
        { reason: 'transition', id, from: current.status, to: changes.status, allowed: [...allowed] },
      );
    }
    status = changes.status;
  }
  const now = ctx.stamp();
  if (status === 'completed' && current.status !== 'completed') completedAt = now;

  let parentId = current.parentId;
  if (changes.parentId !== undefined && changes.parentId !== current.parentId) {
    parentId = changes.parentId;
    if (parentId !== null) await checkParent(db, id, parentId);
  }
  const metadata = changes.metadata ? mergeMetadata(current.metadata, changes.metadata) : current.metadata;
  const next: Task = {
    ...current,
    title: changes.title ?? current.title,
    description: changes.description ?? current.description,
    type: changes.type ?? current.type,
    status,
    specialist: changes.specialist !== undefined ? changes.specialist : current.specialist,
    complexity: changes.complexity !== undefined ? changes.complexity : current.complexity,
    priority: changes.priority ?? current.priority,
    result: changes.result !== undefined ? changes.result : current.result,
    metadata,
    parentId,
    sessionId: changes.sessionId !== undefined ? changes.sessionId : current.sessionId,
    version: current.version + 1,
    updatedAt: now,
    completedAt,
  };
  const { changes: n } = await db.execute(...changedColumns(current, next, changes.metadata !== undefined));
  if (n === 0) throw new VersionRace();
  recorded.changed(id);
  return next;
}

/**
 * `UPDATE tasks` setting only the columns whose value changed (with the version and timestamp),
 * checked against the version read: SQLite then leaves alone the indexes and foreign keys of the
 * columns it does not set, which halves what a status change writes.
 */
function changedColumns(current: Task, next: Task, metadataChanged: boolean): [string, SqlValue[]] {
  const sets: string[] = [];
  const values: SqlValue[] = [];
  const set = (column: string, value: SqlValue, changed: boolean) => {
    if (!changed) return;
    sets.push(`${column} = ?`);
    values.push(value);
  };
  set('parent_id', next.parentId, next.parentId !== current.parentId);
  set('session_id', next.sessionId, next.sessionId !== current.sessionId);
  set('title', next.title, next.title !== current.title);
  set('description', next.description, next.description !== current.description);
  set('type', next.type, next.type !== current.type);
  set('status', next.status, next.status !== current.status);
  set('specialist', next.specialist, next.specialist !== current.specialist);
  set('complexity', next.complexity, next.complexity !== current.complexity);
  set('priority', next.priority, next.priority !== current.priority);
  set('result', next.result, next.result !== current.result);
  set('metadata', metadataChanged ? toJsonText(next.metadata, 'task.metadata') : null, metadataChanged);
  set('version', next.version, true);
  set('updated_at', next.updatedAt, true);
  set('completed_at', next.completedAt, next.completedAt !== current.completedAt);
  return [
    `UPDATE tasks SET ${sets.join(', ')} WHERE id = ? AND version = ?`,
    [...values, current.id, current.version],
  ];
}
