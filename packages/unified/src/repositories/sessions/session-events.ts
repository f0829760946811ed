import type { SqlValue } from '@orch/core';
import { parseJson } from '../../util/db.js';
import { marks } from '../../util/sql-lists.js';
import type { JsonObject, Page } from '../repository-types.js';
import { checkStringArray, checkText, InputReader, num, paging, toJsonText } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import type { AppendEventInput, ListEventsOptions, OrchEvent } from './session-repository.js';
import { requireSession } from './session-rows.js';

interface EventRow {
  id: number | string;
  session_id: string | null;
  task_id: string | null;
  type: string;
  payload: string;
  created_at: string;
}

const EVENT_COLUMNS = 'id, session_id, task_id, type, payload, created_at';
const TYPE_MAX = 200;

export async function appendEvent(ctx: RepositoryContext, input: AppendEventInput): Promise<OrchEvent> {
  const r = new InputReader(input, 'event', ['sessionId', 'taskId', 'type', 'payload']);
  const sessionId = r.nullableId('sessionId') ?? null;
  const taskId = r.nullableId('taskId') ?? null;
  const type = r.string('type', { required: true, max: TYPE_MAX });
  const payload = r.object('payload') ?? {};
  const createdAt = ctx.stamp();
  return ctx.db.transaction(async (db) => {
    if (sessionId !== null) await requireSession(db, sessionId);
    const id = await db.insertReturningId(
      'INSERT INTO events (session_id, task_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?)',
      [sessionId, taskId, type, toJsonText(payload, 'event.payload'), createdAt],
    );
    return { id, sessionId, taskId, type, payload, createdAt };
  });
}

export async function listEvents(
  ctx: RepositoryContext,
  options: ListEventsOptions = {},
): Promise<Page<OrchEvent>> {
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
    ctx.db.one<{ n: number | string }>(`SELECT COUNT(*) AS n FROM events WHERE ${where}`, params),
    ctx.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE ${where} ORDER BY id ${order} LIMIT ? OFFSET ?`,
      [...params, limit, offset],
    ),
  ]);
  return { items: rows.map(toEvent), total: num(count?.n), limit, offset };
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
