import type { SqlExecutor, SqlValue } from '@orch/core';
import { Db, parseJson } from '../util/db.js';
import { newId } from '../util/ids.js';
import { marks } from '../util/sql-lists.js';
import {
  checkId,
  checkInt,
  checkOneOf,
  checkStringArray,
  checkText,
  InputReader,
  mergeMetadata,
  num,
  numOrNull,
  paging,
  toJsonText,
} from './input.js';
import { conflict, invalidInput, notFound, staleVersion, uniqueOrConflict } from './repository-errors.js';
import type { Page, RepositoryOptions, VersionOptions } from './repository-types.js';
import {
  type AppendEventInput,
  type CleanupSessionsOptions,
  type CreateSessionInput,
  ENDED_SESSION_STATUSES,
  type ListEventsOptions,
  type ListSessionsOptions,
  type OrchEvent,
  SESSION_STATUSES,
  type Session,
  type SessionContext,
  type SessionMetrics,
  type SessionRepository,
  type SessionStatus,
  type SetWorkflowStateOptions,
  type UpdateSessionInput,
  type WorkflowState,
} from './session-repository.js';
import type { JsonObject } from './task-types.js';

interface SessionRow {
  id: string;
  name: string;
  status: string;
  metadata: string;
  version: number | string;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
}

interface ContextRow {
  session_id: string;
  key: string;
  value: string;
  version: number | string;
  updated_at: string;
}

interface EventRow {
  id: number | string;
  session_id: string | null;
  task_id: string | null;
  type: string;
  payload: string;
  created_at: string;
}

const SESSION_COLUMNS = 'id, name, status, metadata, version, created_at, updated_at, ended_at';
const EVENT_COLUMNS = 'id, session_id, task_id, type, payload, created_at';
const NAME_MAX = 1000;
const KEY_MAX = 500;
const TYPE_MAX = 200;

/** Thrown inside an update transaction when the row moved on between read and write. */
class VersionRace extends Error {}

/**
 * {@link SessionRepository} over any `SqlExecutor` (the store or a transaction handle).
 *
 * @example
 * const sessions = new SqlSessionRepository(store);
 * const session = await sessions.create({ name: 'release 1.2' });
 * await sessions.setContext(session.id, 'goal', { milestone: 'beta' });
 * await sessions.appendEvent({ sessionId: session.id, type: 'planned', payload: { subtasks: 4 } });
 */
export class SqlSessionRepository implements SessionRepository {
  readonly #db: Db;
  readonly #now: () => Date;

  constructor(executor: SqlExecutor, options: RepositoryOptions = {}) {
    this.#db = new Db(executor);
    this.#now = options.now ?? (() => new Date());
  }

  async create(input: CreateSessionInput): Promise<Session> {
    const r = new InputReader(input, 'session', ['id', 'name', 'status', 'metadata']);
    const now = this.#stamp();
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
    return this.#db.transaction(async (db) => {
      if (await this.#exists(db, session.id))
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

  async get(id: string): Promise<Session | null> {
    checkId(id, 'id');
    const row = await this.#db.one<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`, [id]);
    return row ? toSession(row) : null;
  }

  async update(id: string, patch: UpdateSessionInput, options: VersionOptions = {}): Promise<Session> {
    checkId(id, 'id');
    const r = new InputReader(patch, 'patch', ['name', 'status', 'metadata']);
    const name = r.string('name', { max: NAME_MAX });
    const status = r.oneOf('status', SESSION_STATUSES);
    const metadata = r.object('metadata');
    const expected = expectedVersion(options, 1);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction(async (db) => {
          const row = await db.one<SessionRow>(
            `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?${db.dialect.forUpdate}`,
            [id],
          );
          if (!row) throw notFound('Session', id);
          const current = toSession(row);
          if (expected !== undefined && current.version !== expected) {
            throw staleVersion('Session', id, expected, current.version);
          }
          const now = this.#stamp();
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
        });
      } catch (err) {
        if (!(err instanceof VersionRace)) throw err;
        if (expected !== undefined || attempt >= 20) {
          const row = await this.get(id);
          if (!row) throw notFound('Session', id);
          throw staleVersion('Session', id, expected ?? -1, row.version);
        }
      }
    }
  }

  async end(id: string, status: SessionStatus = 'completed', options: VersionOptions = {}): Promise<Session> {
    const ended = checkOneOf(status, 'status', ENDED_SESSION_STATUSES);
    return this.update(id, { status: ended }, options);
  }

  async delete(id: string): Promise<boolean> {
    checkId(id, 'id');
    return this.#db.transaction(async (db) => {
      if (!(await this.#exists(db, id))) return false;
      await this.#deleteSessions(db, [id]);
      return true;
    });
  }

  async list(options: ListSessionsOptions = {}): Promise<Page<Session>> {
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
      this.#db.one<{ n: number | string }>(`SELECT COUNT(*) AS n FROM sessions WHERE ${where}`, params),
      this.#db.query<SessionRow>(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
        [...params, limit, offset],
      ),
    ]);
    return { items: rows.map(toSession), total: num(count?.n), limit, offset };
  }

  // ---- contexts ------------------------------------------------------------------------------------

  async setContext(
    sessionId: string,
    key: string,
    value: unknown,
    options: VersionOptions = {},
  ): Promise<SessionContext> {
    checkId(sessionId, 'sessionId');
    checkText(key, 'key', KEY_MAX, true);
    const text = toJsonText(value, 'value');
    const expected = expectedVersion(options, 0);
    return this.#db.transaction(async (db) => {
      await this.#requireSession(db, sessionId);
      const now = this.#stamp();
      if (expected === undefined) {
        // Insert, or (the key exists) bump the version: two statements, so the version step needs
        // nothing of the dialect beyond its conflict clause.
        const inserted = await db.execute(
          `INSERT INTO session_contexts (session_id, key, value, version, updated_at) VALUES (?, ?, ?, 1, ?)${db.dialect.upsert(['session_id', 'key'], [])}`,
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
                db.execute(
                  'INSERT INTO session_contexts (session_id, key, value, version, updated_at) VALUES (?, ?, ?, 1, ?)',
                  [sessionId, key, text, now],
                ),
              `Context ${JSON.stringify(key)} of session ${JSON.stringify(sessionId)} was created concurrently; re-read it and retry.`,
              { reason: 'version', id: `${sessionId}/${key}`, expectedVersion: 0 },
            );
        if (changes === 0) throw staleVersion('Context', `${sessionId}/${key}`, expected, actual + 1);
      }
      const row = await db.one<ContextRow>(
        'SELECT session_id, key, value, version, updated_at FROM session_contexts WHERE session_id = ? AND key = ?',
        [sessionId, key],
      );
      return toContext(row!);
    });
  }

  async getContext(sessionId: string, key: string): Promise<SessionContext | null> {
    checkId(sessionId, 'sessionId');
    checkText(key, 'key', KEY_MAX, true);
    const row = await this.#db.one<ContextRow>(
      'SELECT session_id, key, value, version, updated_at FROM session_contexts WHERE session_id = ? AND key = ?',
      [sessionId, key],
    );
    return row ? toContext(row) : null;
  }

  async deleteContext(sessionId: string, key: string): Promise<boolean> {
    checkId(sessionId, 'sessionId');
    checkText(key, 'key', KEY_MAX, true);
    return this.#db.transaction(async (db) => {
      await this.#requireSession(db, sessionId);
      const { changes } = await db.execute('DELETE FROM session_contexts WHERE session_id = ? AND key = ?', [
        sessionId,
        key,
      ]);
      return changes > 0;
    });
  }

  async listContexts(sessionId: string): Promise<SessionContext[]> {
    checkId(sessionId, 'sessionId');
    await this.#requireSession(this.#db, sessionId);
    const rows = await this.#db.query<ContextRow>(
      'SELECT session_id, key, value, version, updated_at FROM session_contexts WHERE session_id = ? ORDER BY key',
      [sessionId],
    );
    return rows.map(toContext);
  }

  // ---- workflow state ------------------------------------------------------------------------------

  async getWorkflowState(sessionId: string): Promise<WorkflowState | null> {
    checkId(sessionId, 'sessionId');
    const row = await this.#db.one<{
      session_id: string;
      state: string;
      version: number | string;
      updated_at: string;
    }>('SELECT session_id, state, version, updated_at FROM workflow_states WHERE session_id = ?', [
      sessionId,
    ]);
    return row
      ? {
          sessionId: row.session_id,
          state: parseJson<unknown>(row.state, null),
          version: num(row.version),
          updatedAt: row.updated_at,
        }
      : null;
  }

  async setWorkflowState(
    sessionId: string,
    state: unknown,
    options: SetWorkflowStateOptions = {},
  ): Promise<WorkflowState> {
    checkId(sessionId, 'sessionId');
    const text = toJsonText(state, 'state');
    const expected = expectedVersion(options, 0);
    return this.#db.transaction(async (db) => {
      await this.#requireSession(db, sessionId);
      const row = await db.one<{ version: number | string }>(
        `SELECT version FROM workflow_states WHERE session_id = ?${db.dialect.forUpdate}`,
        [sessionId],
      );
      const actual = row ? num(row.version) : 0;
      if (expected !== undefined && actual !== expected) {
        throw staleVersion('Workflow state of session', sessionId, expected, actual);
      }
      const now = this.#stamp();
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

  // ---- events --------------------------------------------------------------------------------------

  async appendEvent(input: AppendEventInput): Promise<OrchEvent> {
    const r = new InputReader(input, 'event', ['sessionId', 'taskId', 'type', 'payload']);
    const sessionId = r.nullableId('sessionId') ?? null;
    const taskId = r.nullableId('taskId') ?? null;
    const type = r.string('type', { required: true, max: TYPE_MAX });
    const payload = r.object('payload') ?? {};
    const createdAt = this.#stamp();
    return this.#db.transaction(async (db) => {
      if (sessionId !== null) await this.#requireSession(db, sessionId);
      const id = await db.insertReturningId(
        'INSERT INTO events (session_id, task_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?)',
        [sessionId, taskId, type, toJsonText(payload, 'event.payload'), createdAt],
      );
      return { id, sessionId, taskId, type, payload, createdAt };
    });
  }

  async listEvents(options: ListEventsOptions = {}): Promise<Page<OrchEvent>> {
    const r = new InputReader(options, 'options', [
      'sessionId',
      'taskId',
      'type',
      'afterId',
      'order',
      'limit',
      'offset',
    ]);
    const { limit, offset } = paging(r.raw('limit'), r.raw('offset'), 'options');
    const order = (r.oneOf('order', ['asc', 'desc'] as const) ?? 'asc').toUpperCase();
    const clauses: string[] = [];
    const params: SqlValue[] = [];
    const sessionId = r.id('sessionId');
    if (sessionId !== undefined) {
      clauses.push('session_id = ?');
      params.push(sessionId);
    }
    const taskId = r.id('taskId');
    if (taskId !== undefined) {
      clauses.push('task_id = ?');
      params.push(taskId);
    }
    if (r.has('type')) {
      const raw = r.raw('type');
      const types =
        typeof raw === 'string'
          ? [checkText(raw, 'options.type', TYPE_MAX, true)]
          : checkStringArray(raw, 'options.type');
      clauses.push(types.length ? `type IN (${marks(types.length)})` : '1 = 0');
      params.push(...types);
    }
    const afterId = r.int('afterId', 0, Number.MAX_SAFE_INTEGER);
    if (afterId !== undefined) {
      clauses.push('id > ?');
      params.push(afterId);
    }
    const where = clauses.length ? clauses.join(' AND ') : '1 = 1';
    const [count, rows] = await Promise.all([
      this.#db.one<{ n: number | string }>(`SELECT COUNT(*) AS n FROM events WHERE ${where}`, params),
      this.#db.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE ${where} ORDER BY id ${order} LIMIT ? OFFSET ?`,
        [...params, limit, offset],
      ),
    ]);
    return { items: rows.map(toEvent), total: num(count?.n), limit, offset };
  }

  // ---- maintenance ---------------------------------------------------------------------------------

  async cleanup(options: CleanupSessionsOptions): Promise<number> {
    const r = new InputReader(options, 'options', ['olderThan', 'includeOpen', 'batchSize']);
    if (!r.has('olderThan')) throw invalidInput('options.olderThan', 'a Date or an ISO-8601 date string');
    const cutoff = r.time('olderThan')!;
    const includeOpen = r.bool('includeOpen') ?? false;
    const batchSize = r.int('batchSize', 1, 1000) ?? 100;
    const statuses = includeOpen ? [...SESSION_STATUSES] : [...ENDED_SESSION_STATUSES];
    let deleted = 0;
    for (;;) {
      const n = await this.#db.transaction(async (db) => {
        const rows = await db.query<{ id: string }>(
          `SELECT id FROM sessions WHERE updated_at < ? AND status IN (${marks(statuses.length)}) ORDER BY updated_at, id LIMIT ?`,
          [cutoff, ...statuses, batchSize],
        );
        return rows.length
          ? this.#deleteSessions(
              db,
              rows.map((row) => row.id),
            )
          : 0;
      });
      deleted += n;
      if (n === 0) return deleted;
    }
  }

  async metrics(): Promise<SessionMetrics> {
    const duration = this.#db.dialect.millisecondsBetween('created_at', 'ended_at');
    const [byStatus, contexts, eventsByType, avg] = await Promise.all([
      this.#db.query<{ k: string; n: number | string }>(
        'SELECT status AS k, COUNT(*) AS n FROM sessions GROUP BY status',
      ),
      this.#db.one<{ n: number | string }>('SELECT COUNT(*) AS n FROM session_contexts'),
      this.#db.query<{ k: string; n: number | string }>(
        'SELECT type AS k, COUNT(*) AS n FROM events GROUP BY type ORDER BY type',
      ),
      this.#db.one<{ v: number | string | null }>(
        `SELECT AVG(${duration}) AS v FROM sessions WHERE ended_at IS NOT NULL`,
      ),
    ]);
    const counts = Object.fromEntries(SESSION_STATUSES.map((s) => [s, 0])) as Record<SessionStatus, number>;
    let total = 0;
    for (const { k, n } of byStatus) {
      total += num(n);
      if (k in counts) counts[k as SessionStatus] = num(n);
    }
    const average = numOrNull(avg?.v);
    return {
      total,
      byStatus: counts,
      active: counts.active,
      contexts: num(contexts?.n),
      events: eventsByType.reduce((sum, { n }) => sum + num(n), 0),
      eventsByType: Object.fromEntries(eventsByType.map(({ k, n }) => [k, num(n)])),
      averageDurationMs: average === null ? null : Math.round(average),
    };
  }

  // ---- internals -----------------------------------------------------------------------------------

  #stamp(): string {
    return this.#now().toISOString();
  }

  async #exists(db: Db, id: string): Promise<boolean> {
    return (await db.one('SELECT 1 AS x FROM sessions WHERE id = ?', [id])) !== undefined;
  }

  async #requireSession(db: Db, id: string): Promise<void> {
    if (!(await this.#exists(db, id))) throw notFound('Session', id, 'create the session first');
  }

  async #deleteSessions(db: Db, ids: readonly string[]): Promise<number> {
    const list = marks(ids.length);
    await db.execute(`DELETE FROM events WHERE session_id IN (${list})`, ids);
    await db.execute(`DELETE FROM session_contexts WHERE session_id IN (${list})`, ids);
    await db.execute(`DELETE FROM workflow_states WHERE session_id IN (${list})`, ids);
    const { changes } = await db.execute(`DELETE FROM sessions WHERE id IN (${list})`, ids);
    return changes;
  }
}

function expectedVersion(options: unknown, min: number): number | undefined {
  if (typeof options !== 'object' || options === null) throw invalidInput('options', 'an object', options);
  const v = (options as { expectedVersion?: unknown }).expectedVersion;
  return v === undefined ? undefined : checkInt(v, 'options.expectedVersion', min, Number.MAX_SAFE_INTEGER);
}

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    name: row.name,
    status: row.status as SessionStatus,
    metadata: parseJson<JsonObject>(row.metadata, {}),
    version: num(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    endedAt: row.ended_at,
  };
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

function toEvent(row: EventRow): OrchEvent {
  return {
    id: num(row.id),
    sessionId: row.session_id,
    taskId: row.task_id,
    type: row.type,
    payload: parseJson<JsonObject>(row.payload, {}),
    createdAt: row.created_at,
  };
}
