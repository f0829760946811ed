import { type Db, parseJson } from '../../util/db.js';
import { notFound } from '../repository-errors.js';
import type { JsonObject } from '../repository-types.js';
import { num } from '../shared/input.js';
import { rowExists, type VersionedTable } from '../shared/versioned-table.js';
import type { Session, SessionStatus } from './session-repository.js';

/** A row of `sessions` as the engines return it. */
export interface SessionRow {
  id: string;
  name: string;
  status: string;
  metadata: string;
  version: number | string;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
}

export const SESSION_COLUMNS = 'id, name, status, metadata, version, created_at, updated_at, ended_at';

export function toSession(row: SessionRow): Session {
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

/** `sessions` for versioned updates. */
export const SESSIONS: VersionedTable<Session, SessionRow> = {
  entity: 'Session',
  table: 'sessions',
  columns: SESSION_COLUMNS,
  toEntity: toSession,
};

export function sessionExists(db: Db, id: string): Promise<boolean> {
  return rowExists(db, SESSIONS, id);
}

/** `ORCH_NOT_FOUND` unless the session exists. */
export async function requireSession(db: Db, id: string): Promise<void> {
  if (!(await sessionExists(db, id))) throw notFound('Session', id, 'create the session first');
}
