import type { SqlValue } from '@orch/core';
import { type Db, parseJson } from '../../util/db.js';
import type { JsonObject } from '../repository-types.js';
import { containsPattern, num } from '../shared/input.js';
import type { VersionedTable } from '../shared/versioned-table.js';
import type { Specialist } from './specialist-repository.js';

/** A row of `specialists` as the engines return it. */
export interface SpecialistRow {
  id: string;
  name: string;
  category: string;
  description: string;
  prompt: string;
  task_types: string;
  capabilities: string;
  metadata: string;
  active: number | string | boolean;
  version: number | string;
  created_at: string;
  updated_at: string;
}

export const SPECIALIST_COLUMNS =
  'id, name, category, description, prompt, task_types, capabilities, metadata, active, version, created_at, updated_at';

/** Longest name, category and task type of specialists and templates. */
export const NAME_MAX = 200;
/** Longest description, prompt, template text and assignment outcome. */
export const TEXT_MAX = 1_000_000;

export function toSpecialist(row: SpecialistRow): Specialist {
  return {
    id: row.id,
    name: row.name,
    category: row.category,
    description: row.description,
    prompt: row.prompt,
    taskTypes: parseJson<string[]>(row.task_types, []),
    capabilities: parseJson<string[]>(row.capabilities, []),
    metadata: parseJson<JsonObject>(row.metadata, {}),
    active: truthy(row.active),
    version: num(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** `specialists` for versioned updates. */
export const SPECIALISTS: VersionedTable<Specialist, SpecialistRow> = {
  entity: 'Specialist',
  table: 'specialists',
  columns: SPECIALIST_COLUMNS,
  toEntity: toSpecialist,
};

/**
 * Specialists matching `clauses` that handle `taskType`. Task types are a JSON array in a text
 * column: the query narrows with LIKE on the quoted type, then the array is checked exactly.
 */
export async function specialistsByTaskType(
  db: Db,
  taskType: string,
  clauses: readonly string[],
  params: readonly SqlValue[],
): Promise<Specialist[]> {
  const rows = await db.query<SpecialistRow>(
    `SELECT ${SPECIALIST_COLUMNS} FROM specialists WHERE ${[...clauses, "task_types LIKE ? ESCAPE '\\'"].join(' AND ')}`,
    [...params, containsPattern(JSON.stringify(taskType))],
  );
  return rows.map(toSpecialist).filter((s) => s.taskTypes.includes(taskType));
}

/** Booleans as the engines return them (1, '1', 't', true). */
export function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Code-unit order, the same on every engine and locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function byName(a: Specialist, b: Specialist): number {
  return compare(a.name, b.name) || compare(a.id, b.id);
}
