import type { Db } from '../../util/db.js';
import { marks } from '../../util/sql-lists.js';
import { invalidInput } from '../repository-errors.js';
import { InputReader } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import {
  type CleanupSessionsOptions,
  ENDED_SESSION_STATUSES,
  SESSION_STATUSES,
} from './session-repository.js';

/** Delete sessions last updated before a date (ended ones unless `includeOpen`), one transaction per batch. */
export async function cleanupSessions(
  ctx: RepositoryContext,
  options: CleanupSessionsOptions,
): Promise<number> {
  const r = new InputReader(options, 'options', ['olderThan', 'includeOpen', 'batchSize']);
  if (!r.has('olderThan')) throw invalidInput('options.olderThan', 'a Date or an ISO-8601 date string');
  const cutoff = r.time('olderThan')!;
  const includeOpen = r.bool('includeOpen') ?? false;
  const batchSize = r.int('batchSize', 1, 1000) ?? 100;
  const statuses = includeOpen ? [...SESSION_STATUSES] : [...ENDED_SESSION_STATUSES];
  let deleted = 0;
  for (;;) {
    const n = await ctx.db.transaction(async (db) => {
      const rows = await db.query<{ id: string }>(
        `SELECT id FROM sessions WHERE updated_at < ? AND status IN (${marks(statuses.length)}) ORDER BY updated_at, id LIMIT ?`,
        [cutoff, ...statuses, batchSize],
      );
      return rows.length
        ? deleteSessions(
            db,
            rows.map((row) => row.id),
          )
        : 0;
    });
    deleted += n;
    if (n === 0) return deleted;
  }
}

/** Delete sessions with their events, contexts and workflow state; returns how many sessions went. */
export async function deleteSessions(db: Db, ids: readonly string[]): Promise<number> {
  const list = marks(ids.length);
  await db.execute(`DELETE FROM events WHERE session_id IN (${list})`, ids);
  await db.execute(`DELETE FROM session_contexts WHERE session_id IN (${list})`, ids);
  await db.execute(`DELETE FROM workflow_states WHERE session_id IN (${list})`, ids);
  const { changes } = await db.execute(`DELETE FROM sessions WHERE id IN (${list})`, ids);
  return changes;
}
