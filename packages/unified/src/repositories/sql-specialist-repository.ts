import type { SqlExecutor, SqlValue } from '@orch/core';
import { Db, parseJson } from '../util/db.js';
import { newId } from '../util/ids.js';
import { marks } from '../util/sql-lists.js';
import {
  checkId,
  checkInt,
  checkText,
  containsPattern,
  InputReader,
  mergeMetadata,
  num,
  paging,
  toJsonText,
} from './input.js';
import { conflict, invalidInput, notFound, staleVersion, uniqueOrConflict } from './repository-errors.js';
import type { Page, RepositoryOptions, VersionOptions } from './repository-types.js';
import type {
  AssignmentStatus,
  CompleteAssignmentInput,
  CreateSpecialistInput,
  CreateTemplateInput,
  ListAssignmentsOptions,
  ListSpecialistsOptions,
  RecommendOptions,
  Specialist,
  SpecialistAssignment,
  SpecialistMetrics,
  SpecialistRecommendation,
  SpecialistRepository,
  SpecialistTemplate,
  SpecialistUsage,
  TemplateValue,
  UpdateSpecialistInput,
  UpdateTemplateInput,
} from './specialist-repository.js';
import type { JsonObject } from './task-types.js';
import { isVariableName, renderTemplateText, templateVariables } from './template-render.js';

interface SpecialistRow {
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

interface TemplateRow {
  id: string;
  name: string;
  category: string;
  template: string;
  variables: string;
  version: number | string;
  created_at: string;
  updated_at: string;
}

interface AssignmentRow {
  id: string;
  specialist_id: string;
  task_id: string;
  status: string;
  outcome: string | null;
  success: number | string | boolean | null;
  assigned_at: string;
  completed_at: string | null;
}

interface UsageRow {
  id: string;
  name: string;
  category: string;
  assignments: number | string | null;
  open: number | string | null;
  completed: number | string | null;
  succeeded: number | string | null;
}

const SPECIALIST_COLUMNS =
  'id, name, category, description, prompt, task_types, capabilities, metadata, active, version, created_at, updated_at';
const TEMPLATE_COLUMNS = 'id, name, category, template, variables, version, created_at, updated_at';
const ASSIGNMENT_COLUMNS = 'id, specialist_id, task_id, status, outcome, success, assigned_at, completed_at';
const USAGE_SELECT = `SELECT s.id, s.name, s.category,
    COUNT(a.id) AS assignments,
    SUM(CASE WHEN a.status = 'assigned' THEN 1 ELSE 0 END) AS open,
    SUM(CASE WHEN a.status = 'completed' THEN 1 ELSE 0 END) AS completed,
    SUM(CASE WHEN a.status = 'completed' AND a.success = 1 THEN 1 ELSE 0 END) AS succeeded
  FROM specialists s LEFT JOIN specialist_assignments a ON a.specialist_id = s.id`;
const USAGE_GROUP = 'GROUP BY s.id, s.name, s.category';

const NAME_MAX = 200;
const TEXT_MAX = 1_000_000;
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

/** Thrown inside an update transaction when the row moved on between read and write. */
class VersionRace extends Error {}

/**
 * {@link SpecialistRepository} over any `SqlExecutor` (the store or a transaction handle).
 *
 * @example
 * const specialists = new SqlSpecialistRepository(store);
 * await specialists.create({ name: 'tester', category: 'quality', taskTypes: ['testing'] });
 * const [best] = await specialists.recommend('testing');
 */
export class SqlSpecialistRepository implements SpecialistRepository {
  readonly #db: Db;
  readonly #now: () => Date;

  constructor(executor: SqlExecutor, options: RepositoryOptions = {}) {
    this.#db = new Db(executor);
    this.#now = options.now ?? (() => new Date());
  }

  // ---- specialists ---------------------------------------------------------------------------------

  async create(input: CreateSpecialistInput): Promise<Specialist> {
    const r = new InputReader(input, 'specialist', ['id', ...SPECIALIST_FIELDS]);
    const now = this.#stamp();
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
    return this.#db.transaction(async (db) => {
      if (await db.one('SELECT 1 AS x FROM specialists WHERE id = ?', [specialist.id])) {
        throw conflict(
          `Specialist ${JSON.stringify(specialist.id)} already exists; choose another id or omit it.`,
          {
            reason: 'duplicate',
            id: specialist.id,
          },
        );
      }
      await this.#checkNameFree(db, specialist.name, undefined);
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

  async get(id: string): Promise<Specialist | null> {
    checkId(id, 'id');
    const row = await this.#db.one<SpecialistRow>(
      `SELECT ${SPECIALIST_COLUMNS} FROM specialists WHERE id = ?`,
      [id],
    );
    return row ? toSpecialist(row) : null;
  }

  async getByName(name: string): Promise<Specialist | null> {
    checkText(name, 'name', NAME_MAX, true);
    const row = await this.#db.one<SpecialistRow>(
      `SELECT ${SPECIALIST_COLUMNS} FROM specialists WHERE name = ?`,
      [name],
    );
    return row ? toSpecialist(row) : null;
  }

  async update(id: string, patch: UpdateSpecialistInput, options: VersionOptions = {}): Promise<Specialist> {
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
    const expected = versionOption(options);
    return this.#versioned('Specialist', id, expected, async (db) => {
      const row = await db.one<SpecialistRow>(
        `SELECT ${SPECIALIST_COLUMNS} FROM specialists WHERE id = ?${db.dialect.forUpdate}`,
        [id],
      );
      if (!row) throw notFound('Specialist', id);
      const current = toSpecialist(row);
      if (expected !== undefined && current.version !== expected) {
        throw staleVersion('Specialist', id, expected, current.version);
      }
      if (name !== undefined && name !== current.name) await this.#checkNameFree(db, name, id);
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
        updatedAt: this.#stamp(),
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
    });
  }

  async delete(id: string): Promise<boolean> {
    checkId(id, 'id');
    return this.#db.transaction(async (db) => {
      await db.execute('DELETE FROM specialist_assignments WHERE specialist_id = ?', [id]);
      const { changes } = await db.execute('DELETE FROM specialists WHERE id = ?', [id]);
      return changes > 0;
    });
  }

  async list(options: ListSpecialistsOptions = {}): Promise<Page<Specialist>> {
    const r = new InputReader(options, 'options', ['category', 'taskType', 'activeOnly', 'limit', 'offset']);
    const { limit, offset } = paging(r.raw('limit'), r.raw('offset'), 'options');
    const clauses: string[] = [];
    const params: SqlValue[] = [];
    const category = r.string('category', { max: NAME_MAX });
    if (category !== undefined) {
      clauses.push('category = ?');
      params.push(category);
    }
    if (r.bool('activeOnly')) clauses.push('active = 1');
    const taskType = r.string('taskType', { max: NAME_MAX });
    if (taskType === undefined) {
      const where = clauses.length ? clauses.join(' AND ') : '1 = 1';
      const [count, rows] = await Promise.all([
        this.#db.one<{ n: number | string }>(`SELECT COUNT(*) AS n FROM specialists WHERE ${where}`, params),
        this.#db.query<SpecialistRow>(
          `SELECT ${SPECIALIST_COLUMNS} FROM specialists WHERE ${where} ORDER BY name, id LIMIT ? OFFSET ?`,
          [...params, limit, offset],
        ),
      ]);
      return { items: rows.map(toSpecialist), total: num(count?.n), limit, offset };
    }
    // Task types live in a JSON array: narrow with LIKE, then check exactly.
    const matching = (await this.#byTaskType(this.#db, taskType, clauses, params)).sort(byName);
    return { items: matching.slice(offset, offset + limit), total: matching.length, limit, offset };
  }

  async listByCategory(category: string): Promise<Specialist[]> {
    checkText(category, 'category', NAME_MAX, true);
    const rows = await this.#db.query<SpecialistRow>(
      `SELECT ${SPECIALIST_COLUMNS} FROM specialists WHERE category = ? ORDER BY name, id`,
      [category],
    );
    return rows.map(toSpecialist);
  }

  async categories(): Promise<{ category: string; count: number }[]> {
    const rows = await this.#db.query<{ category: string; n: number | string }>(
      'SELECT category, COUNT(*) AS n FROM specialists GROUP BY category ORDER BY category',
    );
    return rows.map((row) => ({ category: row.category, count: num(row.n) }));
  }

  // ---- templates -----------------------------------------------------------------------------------

  async createTemplate(input: CreateTemplateInput): Promise<SpecialistTemplate> {
    const r = new InputReader(input, 'template', ['id', 'name', 'category', 'template', 'variables']);
    const now = this.#stamp();
    const text = requiredText(r, 'template');
    const template: SpecialistTemplate = {
      id: r.id('id') ?? newId(),
      name: r.string('name', { required: true, max: NAME_MAX }),
      category: r.string('category', { required: true, max: NAME_MAX }),
      template: text,
      variables: templateVars(text, r.stringArray('variables'), 'template'),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const duplicate = `A template named ${JSON.stringify(template.name)} (or with id ${JSON.stringify(template.id)}) already exists; names and ids are unique.`;
    return this.#db.transaction(async (db) => {
      const clash = await db.one('SELECT 1 AS x FROM specialist_templates WHERE id = ? OR name = ?', [
        template.id,
        template.name,
      ]);
      if (clash) throw conflict(duplicate, { reason: 'duplicate', id: template.id, name: template.name });
      await uniqueOrConflict(
        () =>
          db.execute(`INSERT INTO specialist_templates (${TEMPLATE_COLUMNS}) VALUES (${marks(8)})`, [
            template.id,
            template.name,
            template.category,
            template.template,
            JSON.stringify(template.variables),
            1,
            now,
            now,
          ]),
        duplicate,
        { reason: 'duplicate', id: template.id, name: template.name },
      );
      return template;
    });
  }

  async getTemplate(id: string): Promise<SpecialistTemplate | null> {
    checkId(id, 'id');
    const row = await this.#db.one<TemplateRow>(
      `SELECT ${TEMPLATE_COLUMNS} FROM specialist_templates WHERE id = ?`,
      [id],
    );
    return row ? toTemplate(row) : null;
  }

  async getTemplateByName(name: string): Promise<SpecialistTemplate | null> {
    checkText(name, 'name', NAME_MAX, true);
    const row = await this.#db.one<TemplateRow>(
      `SELECT ${TEMPLATE_COLUMNS} FROM specialist_templates WHERE name = ?`,
      [name],
    );
    return row ? toTemplate(row) : null;
  }

  async updateTemplate(
    id: string,
    patch: UpdateTemplateInput,
    options: VersionOptions = {},
  ): Promise<SpecialistTemplate> {
    checkId(id, 'id');
    const r = new InputReader(patch, 'patch', ['name', 'category', 'template', 'variables']);
    const name = r.string('name', { max: NAME_MAX });
    const category = r.string('category', { max: NAME_MAX });
    const text = r.has('template') ? requiredText(r, 'template') : undefined;
    const variables = r.stringArray('variables');
    const expected = versionOption(options);
    return this.#versioned('Template', id, expected, async (db) => {
      const row = await db.one<TemplateRow>(
        `SELECT ${TEMPLATE_COLUMNS} FROM specialist_templates WHERE id = ?`,
        [id],
      );
      if (!row) throw notFound('Template', id);
      const current = toTemplate(row);
      if (expected !== undefined && current.version !== expected)
        throw staleVersion('Template', id, expected, current.version);
      const nextText = text ?? current.template;
      const next: SpecialistTemplate = {
        ...current,
        name: name ?? current.name,
        category: category ?? current.category,
        template: nextText,
        // Declared variables are kept unless replaced, but must still cover the (new) text.
        variables: templateVars(
          nextText,
          variables ?? (text === undefined ? current.variables : undefined),
          'patch',
        ),
        version: current.version + 1,
        updatedAt: this.#stamp(),
      };
      const message = `A template named ${JSON.stringify(next.name)} already exists; names are unique.`;
      if (
        next.name !== current.name &&
        (await db.one('SELECT 1 AS x FROM specialist_templates WHERE name = ?', [next.name]))
      ) {
        throw conflict(message, { reason: 'duplicate', name: next.name });
      }
      const { changes } = await uniqueOrConflict(
        () =>
          db.execute(
            'UPDATE specialist_templates SET name = ?, category = ?, template = ?, variables = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?',
            [
              next.name,
              next.category,
              next.template,
              JSON.stringify(next.variables),
              next.version,
              next.updatedAt,
              id,
              current.version,
            ],
          ),
        message,
        { reason: 'duplicate', name: next.name },
      );
      if (changes === 0) throw new VersionRace();
      return next;
    });
  }

  async deleteTemplate(id: string): Promise<boolean> {
    checkId(id, 'id');
    const { changes } = await this.#db.execute('DELETE FROM specialist_templates WHERE id = ?', [id]);
    return changes > 0;
  }

  async listTemplates(options: { category?: string } = {}): Promise<SpecialistTemplate[]> {
    const category = new InputReader(options, 'options', ['category']).string('category', { max: NAME_MAX });
    const rows = await this.#db.query<TemplateRow>(
      `SELECT ${TEMPLATE_COLUMNS} FROM specialist_templates ${category === undefined ? '' : 'WHERE category = ?'} ORDER BY name, id`,
      category === undefined ? [] : [category],
    );
    return rows.map(toTemplate);
  }

  async renderTemplate(id: string, variables: Readonly<Record<string, TemplateValue>>): Promise<string> {
    const template = await this.getTemplate(id);
    if (!template) throw notFound('Template', id);
    return renderTemplateText(template.template, variables, template.name);
  }

  // ---- assignments ---------------------------------------------------------------------------------

  async assign(specialistId: string, taskId: string): Promise<SpecialistAssignment> {
    checkId(specialistId, 'specialistId');
    checkId(taskId, 'taskId');
    return this.#db.transaction(async (db) => {
      const specialist = await db.one<{ name: string; active: number | string | boolean }>(
        'SELECT name, active FROM specialists WHERE id = ?',
        [specialistId],
      );
      if (!specialist) throw notFound('Specialist', specialistId);
      if (!truthy(specialist.active)) {
        throw conflict(
          `Specialist ${JSON.stringify(specialist.name)} is inactive; activate it (update active: true) or assign another one.`,
          { reason: 'inactive', specialistId },
        );
      }
      if (!(await db.one('SELECT 1 AS x FROM tasks WHERE id = ?', [taskId]))) throw notFound('Task', taskId);
      const open = await db.one<{ id: string }>(
        "SELECT id FROM specialist_assignments WHERE specialist_id = ? AND task_id = ? AND status = 'assigned'",
        [specialistId, taskId],
      );
      if (open) {
        throw conflict(
          `Specialist ${JSON.stringify(specialist.name)} is already assigned to task ${JSON.stringify(taskId)} (assignment ${open.id}); complete that assignment first.`,
          { reason: 'duplicate', assignmentId: open.id, specialistId, taskId },
        );
      }
      const assignment: SpecialistAssignment = {
        id: newId(),
        specialistId,
        taskId,
        status: 'assigned',
        outcome: null,
        success: null,
        assignedAt: this.#stamp(),
        completedAt: null,
      };
      await db.execute(`INSERT INTO specialist_assignments (${ASSIGNMENT_COLUMNS}) VALUES (${marks(8)})`, [
        assignment.id,
        specialistId,
        taskId,
        'assigned',
        null,
        null,
        assignment.assignedAt,
        null,
      ]);
      return assignment;
    });
  }

  async completeAssignment(
    assignmentId: string,
    input: CompleteAssignmentInput,
  ): Promise<SpecialistAssignment> {
    checkId(assignmentId, 'assignmentId');
    const r = new InputReader(input, 'input', ['success', 'outcome']);
    const success = r.bool('success');
    if (success === undefined) throw invalidInput('input.success', 'true or false');
    const outcome = r.text('outcome', TEXT_MAX) ?? null;
    return this.#db.transaction(async (db) => {
      const row = await db.one<AssignmentRow>(
        `SELECT ${ASSIGNMENT_COLUMNS} FROM specialist_assignments WHERE id = ?`,
        [assignmentId],
      );
      if (!row) throw notFound('Assignment', assignmentId);
      if (row.status !== 'assigned') {
        throw conflict(
          `Assignment ${JSON.stringify(assignmentId)} is already ${row.status}; it can be completed once.`,
          {
            reason: 'transition',
            id: assignmentId,
            from: row.status,
            to: 'completed',
          },
        );
      }
      const completedAt = this.#stamp();
      const { changes } = await db.execute(
        "UPDATE specialist_assignments SET status = 'completed', outcome = ?, success = ?, completed_at = ? WHERE id = ? AND status = 'assigned'",
        [outcome, success ? 1 : 0, completedAt, assignmentId],
      );
      if (changes === 0) {
        throw conflict(`Assignment ${JSON.stringify(assignmentId)} was completed concurrently.`, {
          reason: 'transition',
          id: assignmentId,
        });
      }
      return { ...toAssignment(row), status: 'completed', outcome, success, completedAt };
    });
  }

  async getAssignment(id: string): Promise<SpecialistAssignment | null> {
    checkId(id, 'id');
    const row = await this.#db.one<AssignmentRow>(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM specialist_assignments WHERE id = ?`,
      [id],
    );
    return row ? toAssignment(row) : null;
  }

  async listAssignments(options: ListAssignmentsOptions = {}): Promise<SpecialistAssignment[]> {
    const r = new InputReader(options, 'options', ['specialistId', 'taskId', 'status']);
    const clauses: string[] = [];
    const params: SqlValue[] = [];
    const specialistId = r.id('specialistId');
    if (specialistId !== undefined) {
      clauses.push('specialist_id = ?');
      params.push(specialistId);
    }
    const taskId = r.id('taskId');
    if (taskId !== undefined) {
      clauses.push('task_id = ?');
      params.push(taskId);
    }
    const status = r.oneOf('status', ['assigned', 'completed'] as const);
    if (status !== undefined) {
      clauses.push('status = ?');
      params.push(status);
    }
    const rows = await this.#db.query<AssignmentRow>(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM specialist_assignments WHERE ${clauses.length ? clauses.join(' AND ') : '1 = 1'} ORDER BY assigned_at, id`,
      params,
    );
    return rows.map(toAssignment);
  }

  // ---- statistics ----------------------------------------------------------------------------------

  async usage(specialistId: string): Promise<SpecialistUsage> {
    checkId(specialistId, 'specialistId');
    const row = await this.#db.one<UsageRow>(`${USAGE_SELECT} WHERE s.id = ? ${USAGE_GROUP}`, [specialistId]);
    if (!row) throw notFound('Specialist', specialistId);
    return toUsage(row);
  }

  async metrics(): Promise<SpecialistMetrics> {
    const [counts, categories, usageRows] = await Promise.all([
      this.#db.one<{ n: number | string; active: number | string | null }>(
        'SELECT COUNT(*) AS n, SUM(CASE WHEN active = 1 THEN 1 ELSE 0 END) AS active FROM specialists',
      ),
      this.categories(),
      this.#db.query<UsageRow>(`${USAGE_SELECT} ${USAGE_GROUP}`),
    ]);
    const perSpecialist = usageRows
      .map(toUsage)
      .sort((a, b) => b.assignments - a.assignments || compare(a.name, b.name));
    const completed = perSpecialist.reduce((s, u) => s + u.completed, 0);
    const succeeded = perSpecialist.reduce((s, u) => s + u.succeeded, 0);
    return {
      specialists: num(counts?.n),
      active: num(counts?.active),
      byCategory: Object.fromEntries(categories.map((c) => [c.category, c.count])),
      assignments: perSpecialist.reduce((s, u) => s + u.assignments, 0),
      openAssignments: perSpecialist.reduce((s, u) => s + u.open, 0),
      completedAssignments: completed,
      successRate: completed === 0 ? null : succeeded / completed,
      perSpecialist,
    };
  }

  async recommend(taskType: string, options: RecommendOptions = {}): Promise<SpecialistRecommendation[]> {
    checkText(taskType, 'taskType', NAME_MAX, true);
    const r = new InputReader(options, 'options', ['limit', 'category']);
    const limit = r.int('limit', 1, 100) ?? 5;
    const category = r.string('category', { max: NAME_MAX });
    const clauses = ['active = 1'];
    const params: SqlValue[] = [];
    if (category !== undefined) {
      clauses.push('category = ?');
      params.push(category);
    }
    const candidates = await this.#byTaskType(this.#db, taskType, clauses, params);
    if (candidates.length === 0) return [];
    const usageRows = await this.#db.query<UsageRow>(
      `${USAGE_SELECT} WHERE s.id IN (${marks(candidates.length)}) ${USAGE_GROUP}`,
      candidates.map((c) => c.id),
    );
    const usage = new Map(usageRows.map((row) => [row.id, toUsage(row)]));
    return candidates
      .map((specialist) => ({ specialist, usage: usage.get(specialist.id)! }))
      .sort(
        (a, b) =>
          (b.usage.successRate ?? -1) - (a.usage.successRate ?? -1) ||
          b.usage.assignments - a.usage.assignments ||
          compare(a.specialist.name, b.specialist.name) ||
          compare(a.specialist.id, b.specialist.id),
      )
      .slice(0, limit);
  }

  // ---- internals -----------------------------------------------------------------------------------

  #stamp(): string {
    return this.#now().toISOString();
  }

  async #checkNameFree(db: Db, name: string, exceptId: string | undefined): Promise<void> {
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

  async #byTaskType(db: Db, taskType: string, clauses: string[], params: SqlValue[]): Promise<Specialist[]> {
    const rows = await db.query<SpecialistRow>(
      `SELECT ${SPECIALIST_COLUMNS} FROM specialists WHERE ${[...clauses, "task_types LIKE ? ESCAPE '\\'"].join(' AND ')}`,
      [...params, containsPattern(JSON.stringify(taskType))],
    );
    return rows.map(toSpecialist).filter((s) => s.taskTypes.includes(taskType));
  }

  /** One versioned update, retried on a race unless the caller pinned the version. */
  async #versioned<T>(
    entity: string,
    id: string,
    expected: number | undefined,
    fn: (db: Db) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction(fn);
      } catch (err) {
        if (!(err instanceof VersionRace)) throw err;
        if (expected !== undefined || attempt >= 20) {
          throw conflict(
            `${entity} ${JSON.stringify(id)} was changed concurrently; re-read it and apply your change again.`,
            {
              reason: 'version',
              entity,
              id,
              expectedVersion: expected,
            },
          );
        }
      }
    }
  }
}

function toSpecialist(row: SpecialistRow): Specialist {
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

function toTemplate(row: TemplateRow): SpecialistTemplate {
  return {
    id: row.id,
    name: row.name,
    category: row.category,
    template: row.template,
    variables: parseJson<string[]>(row.variables, []),
    version: num(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toAssignment(row: AssignmentRow): SpecialistAssignment {
  return {
    id: row.id,
    specialistId: row.specialist_id,
    taskId: row.task_id,
    status: row.status as AssignmentStatus,
    outcome: row.outcome,
    success: row.success === null || row.success === undefined ? null : truthy(row.success),
    assignedAt: row.assigned_at,
    completedAt: row.completed_at,
  };
}

function toUsage(row: UsageRow): SpecialistUsage {
  const completed = num(row.completed);
  const succeeded = num(row.succeeded);
  return {
    specialistId: row.id,
    name: row.name,
    category: row.category,
    assignments: num(row.assignments),
    open: num(row.open),
    completed,
    succeeded,
    failed: completed - succeeded,
    successRate: completed === 0 ? null : succeeded / completed,
  };
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: Specialist, b: Specialist): number {
  return compare(a.name, b.name) || compare(a.id, b.id);
}

function versionOption(options: VersionOptions): number | undefined {
  if (typeof options !== 'object' || options === null) throw invalidInput('options', 'an object', options);
  const v = options.expectedVersion;
  return v === undefined ? undefined : checkInt(v, 'options.expectedVersion', 1, Number.MAX_SAFE_INTEGER);
}

function requiredText(r: InputReader, field: string): string {
  const v = r.raw(field);
  if (v === undefined) throw invalidInput(r.field(field), 'a non-empty string');
  return checkText(v, r.field(field), TEXT_MAX, true);
}

/** The variables of a template: declared ones must be names and cover every placeholder. */
function templateVars(text: string, declared: string[] | undefined, what: string): string[] {
  const used = templateVariables(text);
  if (declared === undefined) return used;
  declared.forEach((name, i) => {
    if (!isVariableName(name))
      throw invalidInput(`${what}.variables[${i}]`, 'a variable name (letters, digits, _ . -)', name);
  });
  const undeclared = used.filter((name) => !declared.includes(name));
  if (undeclared.length > 0) {
    throw invalidInput(
      `${what}.variables`,
      `a list including every placeholder of the template (missing ${undeclared.join(', ')})`,
    );
  }
  return unique(declared);
}
