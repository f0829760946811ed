import { type Db, parseJson } from '../../util/db.js';
import type { JsonObject } from '../repository-types.js';
import { num } from '../shared/input.js';
import { rowExists, type VersionedTable } from '../shared/versioned-table.js';
import type { Task, TaskStatus } from './task-types.js';

/** A row of `tasks` as the engines return it (numbers may come back as strings). */
export interface TaskRow {
  id: string;
  parent_id: string | null;
  session_id: string | null;
  title: string;
  description: string;
  type: string;
  status: string;
  specialist: string | null;
  complexity: string | null;
  priority: number | string;
  result: string | null;
  metadata: string;
  version: number | string;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export const TASK_COLUMNS =
  'id, parent_id, session_id, title, description, type, status, specialist, complexity, priority, result, metadata, version, created_at, updated_at, completed_at';

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    parentId: row.parent_id,
    sessionId: row.session_id,
    title: row.title,
    description: row.description,
    type: row.type,
    status: row.status as TaskStatus,
    specialist: row.specialist,
    complexity: row.complexity,
    priority: num(row.priority),
    result: row.result,
    metadata: parseJson<JsonObject>(row.metadata, {}),
    version: num(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

/** `tasks` for versioned updates. */
export const TASKS: VersionedTable<Task, TaskRow> = {
  entity: 'Task',
  table: 'tasks',
  columns: TASK_COLUMNS,
  toEntity: toTask,
};

export function taskExists(db: Db, id: string): Promise<boolean> {
  return rowExists(db, TASKS, id);
}
