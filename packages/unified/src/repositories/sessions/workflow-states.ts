import { parseJson } from '../../util/db.js';
import { staleVersion, uniqueOrConflict } from '../repository-errors.js';
import { checkId, num, toJsonText } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import { expectedVersion } from '../shared/versioned-update.js';
import type { SetWorkflowStateOptions, WorkflowState } from './session-repository.js';
import { requireSession } from './session-rows.js';

export async function getWorkflowState(
  ctx: RepositoryContext,
  sessionId: string,
): Promise<WorkflowState | null> {
  checkId(sessionId, 'sessionId');
  const row = await ctx.db.one<{
    session_id: string;
    state: string;
    version: number | string;
    updated_at: string;
  }>('SELECT session_id, state, version, updated_at FROM workflow_states WHERE session_id = ?', [sessionId]);
  return row
    ? {
        sessionId: row.session_id,
        state: parseJson<unknown>(row.state, null),
        version: num(row.version),
        updatedAt: row.updated_at,
      }
    : null;
}

/** Replace the session's workflow state; with `expectedVersion` (0: "none yet") only over that version. */
export async function setWorkflowState(
  ctx: RepositoryContext,
  sessionId: string,
  state: unknown,
  options: SetWorkflowStateOptions = {},
): Promise<WorkflowState> {
  checkId(sessionId, 'sessionId');
  const text = toJsonText(state, 'state');
  const expected = expectedVersion(options, 0);
  return ctx.db.transaction(async (db) => {
    await requireSession(db, sessionId);
    const row = await db.one<{ version: number | string }>(
      `SELECT version FROM workflow_states WHERE session_id = ?${db.dialect.forUpdate}`,
      [sessionId],
    );
    const actual = row ? num(row.version) : 0;
    if (expected !== undefined && actual !== expected) {
      throw staleVersion('Workflow state of session', sessionId, expected, actual);
    }
    const now = ctx.stamp();
    if (row) {
      const { changes } = await db.execute(
        'UPDATE workflow_states SET state = ?, version = ?, updated_at = ? WHERE session_id = ? AND version = ?',
        [text, actual + 1, now, sessionId, actual],
      );
      if (changes === 0) throw staleVersion('Workflow state of session', sessionId, actual, actual + 1);
    } else {
      await uniqueOrConflict(
        () =>
          db.execute(
            'INSERT INTO workflow_states (session_id, state, version, updated_at) VALUES (?, ?, 1, ?)',
            [sessionId, text, now],
          ),
        `The workflow state of session ${JSON.stringify(sessionId)} was created concurrently; re-read it and retry.`,
        { reason: 'version', id: sessionId, expectedVersion: 0 },
      );
    }
    return { sessionId, state: JSON.parse(text) as unknown, version: actual + 1, updatedAt: now };
  });
}
