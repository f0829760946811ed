import { type Db, parseJson } from '../../util/db.js';
import { staleVersion, uniqueOrConflict } from '../repository-errors.js';
import type { VersionOptions } from '../repository-types.js';
import { checkId, checkText, num, toJsonText } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import { expectedVersion } from '../shared/versioned-update.js';
import type { SessionContext } from './session-repository.js';
import { requireSession } from './session-rows.js';

interface ContextRow {
  session_id: string;
  key: string;
  value: string;
  version: number | string;
  updated_at: string;
}

const CONTEXT_COLUMNS = 'session_id, key, value, version, updated_at';
const KEY_MAX = 500;

/** Store a JSON value under `key`; with `expectedVersion` (0: "must not exist yet") only over that version. */
export async function setContext(
  ctx: RepositoryContext,
  sessionId: string,
  key: string,
  value: unknown,
  options: VersionOptions = {},
): Promise<SessionContext> {
  checkId(sessionId, 'sessionId');
  checkText(key, 'key', KEY_MAX, true);
  const text = toJsonText(value, 'value');
  const expected = expectedVersion(options, 0);
  return ctx.db.transaction(async (db) => {
    await requireSession(db, sessionId);
    const now = ctx.stamp();
    if (expected === undefined) {
      // Insert, or (the key exists) bump the version: two statements, so the version step needs
      // nothing of the dialect beyond its conflict clause.
      const inserted = await db.execute(
        `INSERT INTO session_contexts (${CONTEXT_COLUMNS}) VALUES (?, ?, ?, 1, ?)${db.dialect.upsert(['session_id', 'key'], [])}`,
        [sessionId, key, text, now],
      );
      if (inserted.changes === 0) {
        await db.execute(
          'UPDATE session_contexts SET value = ?, version = version + 1, updated_at = ? WHERE session_id = ? AND key = ?',
          [text, now, sessionId, key],
        );
      }
    } else {
      const row = await db.one<{ version: number | string }>(
        'SELECT version FROM session_contexts WHERE session_id = ? AND key = ?',
        [sessionId, key],
      );
      const actual = row ? num(row.version) : 0;
      if (actual !== expected) throw staleVersion('Context', `${sessionId}/${key}`, expected, actual);
      const { changes } = row
        ? await db.execute(
            'UPDATE session_contexts SET value = ?, version = version + 1, updated_at = ? WHERE session_id = ? AND key = ? AND version = ?',
            [text, now, sessionId, key, actual],
          )
        : await uniqueOrConflict(
            () =>
              db.execute(`INSERT INTO session_contexts (${CONTEXT_COLUMNS}) VALUES (?, ?, ?, 1, ?)`, [
                sessionId,
                key,
                text,
                now,
              ]),
            `Context ${JSON.stringify(key)} of session ${JSON.stringify(sessionId)} was created concurrently; re-read it and retry.`,
            { reason: 'version', id: `${sessionId}/${key}`, expectedVersion: 0 },
          );
      if (changes === 0) throw staleVersion('Context', `${sessionId}/${key}`, expected, actual + 1);
    }
    return (await readContext(db, sessionId, key))!;
  });
}

export async function getContext(
  ctx: RepositoryContext,
  sessionId: string,
  key: string,
): Promise<SessionContext | null> {
  checkId(sessionId, 'sessionId');
  checkText(key, 'key', KEY_MAX, true);
  return (await readContext(ctx.db, sessionId, key)) ?? null;
}

export async function deleteContext(
  ctx: RepositoryContext,
  sessionId: string,
  key: string,
): Promise<boolean> {
  checkId(sessionId, 'sessionId');
  checkText(key, 'key', KEY_MAX, true);
  return ctx.db.transaction(async (db) => {
    await requireSession(db, sessionId);
    const { changes } = await db.execute('DELETE FROM session_contexts WHERE session_id = ? AND key = ?', [
      sessionId,
      key,
    ]);
    return changes > 0;
  });
}

export async function listContexts(ctx: RepositoryContext, sessionId: string): Promise<SessionContext[]> {
  checkId(sessionId, 'sessionId');
  await requireSession(ctx.db, sessionId);
  const rows = await ctx.db.query<ContextRow>(
    `SELECT ${CONTEXT_COLUMNS} FROM session_contexts WHERE session_id = ? ORDER BY key`,
    [sessionId],
  );
  return rows.map(toContext);
}

async function readContext(db: Db, sessionId: string, key: string): Promise<SessionContext | undefined> {
  const row = await db.one<ContextRow>(
    `SELECT ${CONTEXT_COLUMNS} FROM session_contexts WHERE session_id = ? AND key = ?`,
    [sessionId, key],
  );
  return row ? toContext(row) : undefined;
}

function toContext(row: ContextRow): SessionContext {
  return {
    sessionId: row.session_id,
    key: row.key,
    value: parseJson<unknown>(row.value, null),
    version: num(row.version),
    updatedAt: row.updated_at,
  };
}
