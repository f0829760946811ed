import type { SqlValue } from '@orch/core';
import { marks } from '../../util/sql-lists.js';
import type { Page } from '../repository-types.js';
import {
  checkOneOf,
  checkStringArray,
  checkText,
  containsPattern,
  InputReader,
  num,
  paging,
  toIso,
} from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import type { TaskFilter, TaskQuery } from './task-repository.js';
import { TASK_COLUMNS, type TaskRow, toTask } from './task-rows.js';
import { TASK_STATUSES, type Task } from './task-types.js';

const QUERY_FIELDS = [
  'status',
  'type',
  'specialist',
  'complexity',
  'parentId',
  'sessionId',
  'createdAfter',
  'createdBefore',
  'updatedAfter',
  'updatedBefore',
  'text',
  'sortBy',
  'sortOrder',
  'limit',
  'offset',
] as const;

/** The fields of a {@link TaskFilter} (a query without sorting and paging). */
export const FILTER_FIELDS = QUERY_FIELDS.filter(
  (f) => !['sortBy', 'sortOrder', 'limit', 'offset'].includes(f),
);

const SORT_COLUMNS = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  priority: 'priority',
  title: 'LOWER(title)',
} as const;

export async function queryTasks(ctx: RepositoryContext, query: TaskQuery = {}): Promise<Page<Task>> {
  const r = new InputReader(query, 'query', QUERY_FIELDS);
  const sortBy = r.oneOf('sortBy', ['createdAt', 'updatedAt', 'priority', 'title'] as const) ?? 'createdAt';
  const order = (r.oneOf('sortOrder', ['asc', 'desc'] as const) ?? 'asc').toUpperCase();
  const { limit, offset } = paging(r.raw('limit'), r.raw('offset'), 'query');
  const where = taskWhere(query, 'query');
  const [countRow, rows] = await Promise.all([
    ctx.db.one<{ n: number | string }>(`SELECT COUNT(*) AS n FROM tasks WHERE ${where.sql}`, where.params),
    ctx.db.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE ${where.sql}
        ORDER BY ${SORT_COLUMNS[sortBy]} ${order}, id ${order} LIMIT ? OFFSET ?`,
      [...where.params, limit, offset],
    ),
  ]);
  return { items: rows.map(toTask), total: num(countRow?.n), limit, offset };
}

/** The SQL condition of a {@link TaskFilter} (`what` names it in errors; `allowed` its fields). */
export function taskWhere(
  filter: TaskFilter,
  what: string,
  allowed: readonly string[] = QUERY_FIELDS,
): { sql: string; params: SqlValue[] } {
  const r = new InputReader(filter, what, allowed);
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  const inList = (field: 'status' | 'type' | 'specialist' | 'complexity', column: string) => {
    if (!r.has(field)) return;
    const values = checkStringArray(r.raw(field), r.field(field));
    if (field === 'status') {
      values.forEach((v, i) => {
        checkOneOf(v, `${r.field(field)}[${i}]`, TASK_STATUSES);
      });
    }
    if (values.length === 0) {
      clauses.push('1 = 0');
      return;
    }
    clauses.push(`${column} IN (${marks(values.length)})`);
    params.push(...values);
  };
  inList('status', 'status');
  inList('type', 'type');
  inList('specialist', 'specialist');
  inList('complexity', 'complexity');
  for (const [field, column] of [
    ['parentId', 'parent_id'],
    ['sessionId', 'session_id'],
  ] as const) {
    if (!(field in filter) || filter[field] === undefined) continue;
    const value = r.nullableId(field);
    if (value === null) clauses.push(`${column} IS NULL`);
    else {
      clauses.push(`${column} = ?`);
      params.push(value!);
    }
  }
  for (const [field, clause] of [
    ['createdAfter', 'created_at >= ?'],
    ['createdBefore', 'created_at < ?'],
    ['updatedAfter', 'updated_at >= ?'],
    ['updatedBefore', 'updated_at < ?'],
  ] as const) {
    if (!r.has(field)) continue;
    clauses.push(clause);
    params.push(toIso(r.raw(field), r.field(field)));
  }
  if (r.has('text')) {
    const text = checkText(r.raw('text'), r.field('text'), 1000, false);
    if (text !== '') {
      const pattern = containsPattern(text.toLowerCase());
      clauses.push("(LOWER(title) LIKE ? ESCAPE '\\' OR LOWER(description) LIKE ? ESCAPE '\\')");
      params.push(pattern, pattern);
    }
  }
  return { sql: clauses.length ? clauses.join(' AND ') : '1 = 1', params };
}
