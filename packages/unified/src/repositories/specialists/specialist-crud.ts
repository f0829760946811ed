import type { Db } from '../../util/db.js';
import { newId } from '../../util/ids.js';
import { marks } from '../../util/sql-lists.js';
import { conflict, uniqueOrConflict } from '../repository-errors.js';
import type { VersionOptions } from '../repository-types.js';
import { checkId, checkText, InputReader, mergeMetadata, toJsonText } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import { readForUpdate, rowExists } from '../shared/versioned-table.js';
import { expectedVersion, VersionRace, versionedUpdate } from '../shared/versioned-update.js';
import type { CreateSpecialistInput, Specialist, UpdateSpecialistInput } from './specialist-repository.js';
import {
  NAME_MAX,
  SPECIALIST_COLUMNS,
  SPECIALISTS,
  type SpecialistRow,
  TEXT_MAX,
  toSpecialist,
  unique,
} from './specialist-rows.js';

const SPECIALIST_FIELDS = [
  'name',
  'category',
  'description',
  'prompt',
  'taskTypes',
  'capabilities',
  'metadata',
  'active',
] as const;

export async function createSpecialist(
  ctx: RepositoryContext,
  input: CreateSpecialistInput,
): Promise<Specialist> {
  const r = new InputReader(input, 'specialist', ['id', ...SPECIALIST_FIELDS]);
  const now = ctx.stamp();
  const specialist: Specialist = {
    id: r.id('id') ?? newId(),
    name: r.string('name', { required: true, max: NAME_MAX }),
    category: r.string('category', { required: true, max: NAME_MAX }),
    description: r.text('description', TEXT_MAX) ?? '',
    prompt: r.text('prompt', TEXT_MAX) ?? '',
    taskTypes: unique(r.stringArray('taskTypes') ?? []),
    capabilities: unique(r.stringArray('capabilities') ?? []),
    metadata: r.object('metadata') ?? {},
    active: r.bool('active') ?? true,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  return ctx.db.transaction(async (db) => {
    if (await rowExists(db, SPECIALISTS, specialist.id)) {
      throw conflict(
        `Specialist ${JSON.stringify(specialist.id)} already exists; choose another id or omit it.`,
        {
          reason: 'duplicate',
          id: specialist.id,
        },
      );
    }
    await checkNameFree(db, specialist.name, undefined);
    await uniqueOrConflict(
      () =>
        db.execute(`INSERT INTO specialists (${SPECIALIST_COLUMNS}) VALUES (${marks(12)})`, [
          specialist.id,
          specialist.name,
          specialist.category,
          specialist.description,
          specialist.prompt,
          JSON.stringify(specialist.taskTypes),
          JSON.stringify(specialist.capabilities),
          toJsonText(specialist.metadata, 'specialist.metadata'),
          specialist.active ? 1 : 0,
          1,
          now,
          now,
        ]),
      `A specialist named ${JSON.stringify(specialist.name)} already exists; names are unique.`,
      { reason: 'duplicate', name: specialist.name },
    );
    return specialist;
  });
}

export async function getSpecialist(ctx: RepositoryContext, id: string): Promise<Specialist | null> {
  checkId(id, 'id');
  const row = await ctx.db.one<SpecialistRow>(`SELECT ${SPECIALIST_COLUMNS} FROM specialists WHERE id = ?`, [
    id,
  ]);
  return row ? toSpecialist(row) : null;
}

export async function getSpecialistByName(ctx: RepositoryContext, name: string): Promise<Specialist | null> {
  checkText(name, 'name', NAME_MAX, true);
  const row = await ctx.db.one<SpecialistRow>(
    `SELECT ${SPECIALIST_COLUMNS} FROM specialists WHERE name = ?`,
    [name],
  );
  return row ? toSpecialist(row) : null;
}

export async function updateSpecialist(
  ctx: RepositoryContext,
  id: string,
  patch: UpdateSpecialistInput,
  options: VersionOptions = {},
): Promise<Specialist> {
  checkId(id, 'id');
  const r = new InputReader(patch, 'patch', SPECIALIST_FIELDS);
  const name = r.string('name', { max: NAME_MAX });
  const category = r.string('category', { max: NAME_MAX });
  const description = r.text('description', TEXT_MAX);
  const prompt = r.text('prompt', TEXT_MAX);
  const taskTypes = r.stringArray('taskTypes');
  const capabilities = r.stringArray('capabilities');
  const metadata = r.object('metadata');
  const active = r.bool('active');
  const expected = expectedVersion(options);
  return versionedUpdate(ctx.db, {
    table: SPECIALISTS,
    id,
    expected,
    transaction: (attempt) => ctx.db.transaction(attempt),
    readFirst: true,
    attempt: async (db, committed) => {
      const current = committed ?? (await readForUpdate(db, SPECIALISTS, id, expected));
      if (name !== undefined && name !== current.name) await checkNameFree(db, name, id);
      const next: Specialist = {
        ...current,
        name: name ?? current.name,
        category: category ?? current.category,
        description: description ?? current.description,
        prompt: prompt ?? current.prompt,
        taskTypes: taskTypes ? unique(taskTypes) : current.taskTypes,
        capabilities: capabilities ? unique(capabilities) : current.capabilities,
        metadata: metadata ? mergeMetadata(current.metadata, metadata) : current.metadata,
        active: active ?? current.active,
        version: current.version + 1,
        updatedAt: ctx.stamp(),
      };
      const { changes } = await uniqueOrConflict(
        () =>
          db.execute(
            `UPDATE specialists SET name = ?, category = ?, description = ?, prompt = ?, task_types = ?, capabilities = ?,
                    metadata = ?, active = ?, version = ?, updated_at = ?
              WHERE id = ? AND version = ?`,
            [
              next.name,
              next.category,
              next.description,
              next.prompt,
              JSON.stringify(next.taskTypes),
              JSON.stringify(next.capabilities),
              toJsonText(next.metadata, 'specialist.metadata'),
              next.active ? 1 : 0,
              next.version,
              next.updatedAt,
              id,
              current.version,
            ],
          ),
        `A specialist named ${JSON.stringify(next.name)} already exists; names are unique.`,
        { reason: 'duplicate', name: next.name },
      );
      if (changes === 0) throw new VersionRace();
      return next;
    },
  });
}

/** Delete the specialist with its assignments. */
export async function deleteSpecialist(ctx: RepositoryContext, id: string): Promise<boolean> {
  checkId(id, 'id');
  return ctx.db.transaction(async (db) => {
    await db.execute('DELETE FROM specialist_assignments WHERE specialist_id = ?', [id]);
    const { changes } = await db.execute('DELETE FROM specialists WHERE id = ?', [id]);
    return changes > 0;
  });
}

async function checkNameFree(db: Db, name: string, exceptId: string | undefined): Promise<void> {
  const row = await db.one<{ id: string }>('SELECT id FROM specialists WHERE name = ?', [name]);
  if (row && row.id !== exceptId) {
    throw conflict(
      `A specialist named ${JSON.stringify(name)} already exists (id ${row.id}); names are unique.`,
      {
        reason: 'duplicate',
        name,
        existingId: row.id,
      },
    );
  }
}
