import type { SqlValue } from '@orch/core';
import { newId } from '../../util/ids.js';
import { marks } from '../../util/sql-lists.js';
import { conflict, uniqueOrConflict } from '../repository-errors.js';
import type { Page, VersionOptions } from '../repository-types.js';
import {
  checkId,
  checkOneOf,
  checkStringArray,
  InputReader,
  mergeMetadata,
  num,
  paging,
  toJsonText,
} from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import { readForUpdate } from '../shared/versioned-table.js';
import { expectedVersion, VersionRace, versionedUpdate } from '../shared/versioned-update.js';
import { deleteSessions } from './session-cleanup.js';
import {
  type CreateSessionInput,
  ENDED_SESSION_STATUSES,
  type ListSessionsOptions,
  SESSION_STATUSES,
  type Session,
  type SessionStatus,
  type UpdateSessionInput,
} from './session-repository.js';
import { SESSION_COLUMNS, SESSIONS, type SessionRow, sessionExists, toSession } from './session-rows.js';

const NAME_MAX = 1000;

export async function createSession(ctx: RepositoryContext, input: CreateSessionInput): Promise<Session> {
  const r = new InputReader(input, 'session', ['id', 'name', 'status', 'metadata']);
  const now = ctx.stamp();
  const status = r.oneOf('status', SESSION_STATUSES) ?? 'active';
  const session: Session = {
    id: r.id('id') ?? newId(),
    name: r.string('name', { required: true, max: NAME_MAX }),
    status,
    metadata: r.object('metadata') ?? {},
    version: 1,
    createdAt: now,
    updatedAt: now,
    endedAt: ENDED_SESSION_STATUSES.includes(status) ? now : null,
  };
  const duplicate = `Session ${JSON.stringify(session.id)} already exists; choose another id or omit it to get a generated one.`;
  return ctx.db.transaction(async (db) => {
    if (await sessionExists(db, session.id))
      throw conflict(duplicate, { reason: 'duplicate', id: session.id });
    await uniqueOrConflict(
      () =>
        db.execute(`INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (${marks(8)})`, [
          session.id,
          session.name,
          session.status,
          toJsonText(session.metadata, 'session.metadata'),
          session.version,
          session.createdAt,
          session.updatedAt,
          session.endedAt,
        ]),
      duplicate,
      { reason: 'duplicate', id: session.id },
    );
    return session;
  });
}

export async function getSession(ctx: RepositoryContext, id: string): Promise<Session | null> {
  checkId(id, 'id');
  const row = await ctx.db.one<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`, [id]);
  return row ? toSession(row) : null;
}

export async function updateSession(
  ctx: RepositoryContext,
  id: string,
  patch: UpdateSessionInput,
  options: VersionOptions = {},
): Promise<Session> {
  checkId(id, 'id');
  const r = new InputReader(patch, 'patch', ['name', 'status', 'metadata']);
  const name = r.string('name', { max: NAME_MAX });
  const status = r.oneOf('status', SESSION_STATUSES);
  const metadata = r.object('metadata');
  const expected = expectedVersion(options);
  return versionedUpdate(ctx.db, {
    table: SESSIONS,
    id,
    expected,
    transaction: (attempt) => ctx.db.transaction(attempt),
    readFirst: true,
    attempt: async (db, committed) => {
      const current = committed ?? (await readForUpdate(db, SESSIONS, id, expected));
      const now = ctx.stamp();
      const nextStatus = status ?? current.status;
      const ended = ENDED_SESSION_STATUSES.includes(nextStatus);
      const next: Session = {
        ...current,
        name: name ?? current.name,
        status: nextStatus,
        metadata: metadata ? mergeMetadata(current.metadata, metadata) : current.metadata,
        version: current.version + 1,
        updatedAt: now,
        endedAt: ended ? (current.endedAt ?? now) : null,
      };
      const { changes } = await db.execute(
        'UPDATE sessions SET name = ?, status = ?, metadata = ?, version = ?, updated_at = ?, ended_at = ? WHERE id = ? AND version = ?',
        [
          next.name,
          next.status,
          toJsonText(next.metadata, 'session.metadata'),
          next.version,
          next.updatedAt,
          next.endedAt,
          id,
          current.version,
        ],
      );
      if (changes === 0) throw new VersionRace();
      return next;
    },
  });
}

export async function endSession(
  ctx: RepositoryContext,
  id: string,
  status: SessionStatus,
  options: VersionOptions,
): Promise<Session> {
  const ended = checkOneOf(status, 'status', ENDED_SESSION_STATUSES);
  return updateSession(ctx, id, { status: ended }, options);
}

export async function deleteSession(ctx: RepositoryContext, id: string): Promise<boolean> {
  checkId(id, 'id');
  return ctx.db.transaction(async (db) => {
    if (!(await sessionExists(db, id))) return false;
    await deleteSessions(db, [id]);
    return true;
  });
}

export async function listSessions(
  ctx: RepositoryContext,
  options: ListSessionsOptions = {},
): Promise<Page<Session>> {
  const r = new InputReader(options, 'options', ['activeOnly', 'status', 'limit', 'offset']);
  const { limit, offset } = paging(r.raw('limit'), r.raw('offset'), 'options');
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  if (r.bool('activeOnly')) clauses.push("status = 'active'");
  if (r.has('status')) {
    const statuses = checkStringArray(r.raw('status'), 'options.status').map((s, i) =>
      checkOneOf(s, `options.status[${i}]`, SESSION_STATUSES),
    );
    clauses.push(statuses.length ? `status IN (${marks(statuses.length)})` : '1 = 0');
    params.push(...statuses);
  }
  const where = clauses.length ? clauses.join(' AND ') : '1 = 1';
  const [count, rows] = await Promise.all([
    ctx.db.one<{ n: number | string }>(`SELECT COUNT(*) AS n FROM sessions WHERE ${where}`, params),
    ctx.db.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
      [...params, limit, offset],
    ),
  ]);
  return { items: rows.map(toSession), total: num(count?.n), limit, offset };
}
