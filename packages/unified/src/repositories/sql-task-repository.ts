import type { SqlExecutor, SqlValue } from '@orch/core';
import { Db, parseJson } from '../util/db.js';
import { newId } from '../util/ids.js';
import { chunks, marks } from '../util/sql-lists.js';
import {
  checkId,
  checkInt,
  checkOneOf,
  checkStringArray,
  checkText,
  containsPattern,
  InputReader,
  mergeMetadata,
  num,
  numOrNull,
  paging,
  toIso,
  toJsonText,
} from './input.js';
import {
  conflict,
  invalidInput,
  isVersionConflict,
  notFound,
  staleVersion,
  uniqueOrConflict,
} from './repository-errors.js';
import type { Page, RepositoryOptions, VersionOptions } from './repository-types.js';
import type {
  AddArtifactInput,
  CancelTaskOptions,
  CleanupTasksOptions,
  DeleteTaskOptions,
  HierarchyOptions,
  ModifyOptions,
  TaskDependencyIds,
  TaskFilter,
  TaskHierarchyItem,
  TaskMetrics,
  TaskQuery,
  TaskRepository,
  TaskTreeNode,
} from './task-repository.js';
import {
  type CreateTaskInput,
  type JsonObject,
  TASK_STATUSES,
  TASK_TRANSITIONS,
  type Task,
  type TaskArtifact,
  type TaskStatus,
  type TaskWithRelations,
  type UpdateTaskInput,
} from './task-types.js';

interface TaskRow {
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

interface ArtifactRow {
  id: string;
  task_id: string;
  name: string;
  kind: string;
  content: string;
  metadata: string;
  created_at: string;
}

const TASK_COLUMNS =
  'id, parent_id, session_id, title, description, type, status, specialist, complexity, priority, result, metadata, version, created_at, updated_at, completed_at';

const CREATE_FIELDS = [
  'id',
  'title',
  'description',
  'type',
  'status',
  'parentId',
  'sessionId',
  'specialist',
  'complexity',
  'priority',
  'metadata',
] as const;
const UPDATE_FIELDS = [
  'title',
  'description',
  'type',
  'status',
  'specialist',
  'complexity',
  'priority',
  'result',
  'metadata',
  'parentId',
  'sessionId',
] as const;
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
const FILTER_FIELDS = QUERY_FIELDS.filter((f) => !['sortBy', 'sortOrder', 'limit', 'offset'].includes(f));

const SORT_COLUMNS = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  priority: 'priority',
  title: 'LOWER(title)',
} as const;

/** Statuses `cleanup` treats as finished unless told otherwise. */
export const FINISHED_TASK_STATUSES: readonly TaskStatus[] = [
  'completed',
  'failed',
  'archived',
  'superseded',
];
const OPEN_STATUSES: readonly TaskStatus[] = ['created', 'planning', 'ready', 'active', 'blocked', 'review'];

const TITLE_MAX = 1000;
const SHORT_MAX = 200;
const DEFAULT_MAX_DEPTH = 1000;
/** The dialect's transaction lock taken while dependency edges are checked for cycles and added. */
const DEPENDENCY_LOCK = 7263502;

/** The subtree of `?` (the task itself and every descendant), as a subquery. */
const SUBTREE = `WITH RECURSIVE subtree(id) AS (
    SELECT id FROM tasks WHERE id = ?
    UNION
    SELECT t.id FROM tasks t JOIN subtree s ON t.parent_id = s.id
  ) SELECT id FROM subtree`;

/** Thrown inside an update transaction when the row moved on between read and write. */
class VersionRace extends Error {}

/**
 * {@link TaskRepository} over any `SqlExecutor` (the store, or a transaction handle: then every
 * method joins that transaction, using savepoints for its own atomic steps).
 *
 * @example
 * const tasks = new SqlTaskRepository(store);
 * const task = await tasks.create({ title: 'Plan the release', type: 'planning' });
 * await tasks.update(task.id, { status: 'active' }, { expectedVersion: task.version });
 */
export class SqlTaskRepository implements TaskRepository {
  readonly #db: Db;
  readonly #now: () => Date;

  constructor(executor: SqlExecutor, options: RepositoryOptions = {}) {
    this.#db = new Db(executor);
    this.#now = options.now ?? (() => new Date());
  }

  async create(input: CreateTaskInput): Promise<Task> {
    const r = new InputReader(input, 'task', CREATE_FIELDS);
    const id = r.id('id') ?? newId();
    const title = r.string('title', { required: true, max: TITLE_MAX });
    const description = r.text('description') ?? '';
    const type = r.string('type', { max: SHORT_MAX }) ?? 'task';
    const status = r.oneOf('status', TASK_STATUSES) ?? 'created';
    const parentId = r.nullableId('parentId') ?? null;
    const sessionIdGiven = r.nullableId('sessionId');
    const specialist = r.nullableString('specialist', SHORT_MAX) ?? null;
    const complexity = r.nullableString('complexity', SHORT_MAX) ?? null;
    const priority = r.int('priority') ?? 0;
    const metadata = r.object('metadata') ?? {};
    const metadataText = toJsonText(metadata, 'task.metadata');

    return this.#db.transaction(async (db) => {
      if (await this.#exists(db, id)) {
        throw conflict(
          `Task ${JSON.stringify(id)} already exists; choose another id or omit it to get a generated one.`,
          {
            reason: 'duplicate',
            id,
          },
        );
      }
      let sessionId = sessionIdGiven ?? null;
      if (parentId !== null) {
        const parent = await db.one<{ session_id: string | null }>(
          'SELECT session_id FROM tasks WHERE id = ?',
          [parentId],
        );
        if (!parent)
          throw notFound('Parent task', parentId, 'create the parent first or pass parentId: null');
        if (sessionIdGiven === undefined) sessionId = parent.session_id;
      }
      const now = this.#stamp();
      const row: TaskRow = {
        id,
        parent_id: parentId,
        session_id: sessionId,
        title,
        description,
        type,
        status,
        specialist,
        complexity,
        priority,
        result: null,
        metadata: metadataText,
        version: 1,
        created_at: now,
        updated_at: now,
        completed_at: status === 'completed' ? now : null,
      };
      await uniqueOrConflict(
        () =>
          db.execute(`INSERT INTO tasks (${TASK_COLUMNS}) VALUES (${marks(16)})`, [
            row.id,
            row.parent_id,
            row.session_id,
            row.title,
            row.description,
            row.type,
            row.status,
            row.specialist,
            row.complexity,
            row.priority,
            row.result,
            row.metadata,
            row.version,
            row.created_at,
            row.updated_at,
            row.completed_at,
          ]),
        `Task ${JSON.stringify(id)} already exists; choose another id or omit it to get a generated one.`,
        { reason: 'duplicate', id },
      );
      return toTask(row);
    });
  }

  async get(id: string): Promise<TaskWithRelations | null> {
    checkId(id, 'id');
    const row = await this.#db.one<TaskRow>(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = ?`, [id]);
    if (!row) return null;
    const [artifacts, deps] = await Promise.all([
      this.#artifacts(this.#db, id),
      this.#dependencies(this.#db, id),
    ]);
    return { ...toTask(row), artifacts, ...deps };
  }

  async getMany(ids: readonly string[]): Promise<Task[]> {
    if (!Array.isArray(ids)) throw invalidInput('ids', 'an array of task ids', ids);
    const unique = [...new Set(ids)];
    for (const id of unique) checkId(id, 'ids[]');
    const found = new Map<string, Task>();
    for (const chunk of chunks(unique)) {
      const rows = await this.#db.query<TaskRow>(
        `SELECT ${TASK_COLUMNS} FROM tasks WHERE id IN (${marks(chunk.length)})`,
        chunk,
      );
      for (const row of rows) found.set(row.id, toTask(row));
    }
    return unique.flatMap((id) => found.get(id) ?? []);
  }

  async update(id: string, patch: UpdateTaskInput, options: VersionOptions = {}): Promise<Task> {
    checkId(id, 'id');
    const expected = versionOption(options);
    const changes = readUpdate(patch);
    // Without expectedVersion a concurrent writer is not an error: re-read and re-apply (metadata merges).
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction(async (db) => {
          const current = await this.#readForUpdate(db, id);
          if (expected !== undefined && current.version !== expected) {
            throw staleVersion('Task', id, expected, current.version);
          }
          return this.#apply(db, current, changes);
        });
      } catch (err) {
        if (!(err instanceof VersionRace)) throw err;
        if (expected !== undefined || attempt >= 20) throw await this.#raceToConflict(this.#db, id, expected);
        await backoff(attempt);
      }
    }
  }

  async modify(
    id: string,
    fn: (task: Task) => UpdateTaskInput | null | Promise<UpdateTaskInput | null>,
    options: ModifyOptions = {},
  ): Promise<Task> {
    checkId(id, 'id');
    if (typeof fn !== 'function') throw invalidInput('fn', 'a function returning the patch');
    const maxAttempts =
      options.maxAttempts === undefined
        ? 50
        : checkInt(options.maxAttempts, 'options.maxAttempts', 1, 10_000);
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        return await this.#db.transaction(async (db) => {
          const current = await this.#readForUpdate(db, id);
          const patch = await fn(current);
          if (patch === null || patch === undefined) return current;
          const changes = readUpdate(patch);
          // The row must still be what fn saw (fn may have written through another handle).
          const again = await this.#readForUpdate(db, id);
          if (again.version !== current.version)
            throw staleVersion('Task', id, current.version, again.version);
          return this.#apply(db, again, changes);
        });
      } catch (err) {
        if (!(err instanceof VersionRace) && !isVersionConflict(err)) throw err;
        lastError = err;
        await backoff(attempt);
      }
    }
    if (lastError instanceof VersionRace) throw await this.#raceToConflict(this.#db, id, undefined);
    throw lastError;
  }

  async delete(id: string, options: DeleteTaskOptions = {}): Promise<boolean> {
    checkId(id, 'id');
    const force = new InputReader(options, 'options', ['force']).bool('force') ?? false;
    return this.#db.transaction(async (db) => {
      if (!(await this.#exists(db, id))) return false;
      const outside = await db.query<{ task_id: string; depends_on_id: string }>(
        `SELECT task_id, depends_on_id FROM task_dependencies
          WHERE depends_on_id IN (${SUBTREE}) AND task_id NOT IN (${SUBTREE})
          ORDER BY task_id, depends_on_id`,
        [id, id],
      );
      if (outside.length > 0 && !force) {
        const dependents = [...new Set(outside.map((d) => d.task_id))];
        throw conflict(
          `Task ${JSON.stringify(id)} cannot be deleted: ${dependents.map((d) => JSON.stringify(d)).join(', ')} depend on it (or on its subtasks). Remove those dependencies first, or pass { force: true } to delete them too.`,
          { reason: 'has-dependents', id, dependents },
        );
      }
      await this.#deleteSubtree(db, id);
      return true;
    });
  }

  archive(id: string, options: VersionOptions = {}): Promise<Task> {
    return this.update(id, { status: 'archived' }, options);
  }

  async cancel(id: string, options: CancelTaskOptions = {}): Promise<Task> {
    checkId(id, 'id');
    const r = new InputReader(options, 'options', ['reason', 'expectedVersion']);
    const reason = r.text('reason', 10_000) ?? '';
    const expected = versionOption(options);
    return this.#db.transaction(async (db) => {
      const current = await this.#readForUpdate(db, id);
      if (expected !== undefined && current.version !== expected)
        throw staleVersion('Task', id, expected, current.version);
      const allowed = TASK_TRANSITIONS[current.status];
      const target: TaskStatus | undefined = allowed.includes('failed')
        ? 'failed'
        : allowed.includes('archived') && current.status !== 'completed' && current.status !== 'failed'
          ? 'archived'
          : undefined;
      if (!target) {
        throw conflict(
          `Task ${JSON.stringify(id)} is ${current.status} and cannot be cancelled; only tasks that are not finished can be.`,
          { reason: 'transition', id, from: current.status, to: 'failed', allowed },
        );
      }
      const at = this.#stamp();
      return this.#apply(db, current, {
        status: target,
        result: reason ? `cancelled: ${reason}` : 'cancelled',
        metadata: { cancelled: { reason: reason || null, at } },
      });
    });
  }

  async query(query: TaskQuery = {}): Promise<Page<Task>> {
    const r = new InputReader(query, 'query', QUERY_FIELDS);
    const sortBy = r.oneOf('sortBy', ['createdAt', 'updatedAt', 'priority', 'title'] as const) ?? 'createdAt';
    const order = (r.oneOf('sortOrder', ['asc', 'desc'] as const) ?? 'asc').toUpperCase();
    const { limit, offset } = paging(r.raw('limit'), r.raw('offset'), 'query');
    const where = buildWhere(query, 'query');
    const [countRow, rows] = await Promise.all([
      this.#db.one<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM tasks WHERE ${where.sql}`,
        where.params,
      ),
      this.#db.query<TaskRow>(
        `SELECT ${TASK_COLUMNS} FROM tasks WHERE ${where.sql}
          ORDER BY ${SORT_COLUMNS[sortBy]} ${order}, id ${order} LIMIT ? OFFSET ?`,
        [...where.params, limit, offset],
      ),
    ]);
    return { items: rows.map(toTask), total: num(countRow?.n), limit, offset };
  }

  async subtasks(parentId: string): Promise<Task[]> {
    checkId(parentId, 'parentId');
    if (!(await this.#exists(this.#db, parentId))) throw notFound('Task', parentId);
    const rows = await this.#db.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE parent_id = ? ORDER BY created_at, id`,
      [parentId],
    );
    return rows.map(toTask);
  }

  async hierarchy(rootId: string, options: HierarchyOptions = {}): Promise<TaskHierarchyItem[]> {
    const root = await this.tree(rootId, options);
    const items: TaskHierarchyItem[] = [];
    const visit = (node: TaskTreeNode) => {
      const { children, ...item } = node;
      items.push(item);
      for (const child of children) visit(child);
    };
    visit(root);
    return items;
  }

  async tree(rootId: string, options: HierarchyOptions = {}): Promise<TaskTreeNode> {
    checkId(rootId, 'rootId');
    const maxDepth =
      new InputReader(options, 'options', ['maxDepth']).int('maxDepth', 0, 100_000) ?? DEFAULT_MAX_DEPTH;
    const rows = await this.#db.query<TaskRow & { depth: number | string }>(
      `WITH RECURSIVE tree(id, depth) AS (
          SELECT id, 0 FROM tasks WHERE id = ?
          UNION ALL
          SELECT t.id, tree.depth + 1 FROM tasks t JOIN tree ON t.parent_id = tree.id WHERE tree.depth < ?
        )
        SELECT ${TASK_COLUMNS.split(', ')
          .map((c) => `tasks.${c}`)
          .join(', ')}, tree.depth AS depth
          FROM tree JOIN tasks ON tasks.id = tree.id
         ORDER BY tree.depth, tasks.created_at, tasks.id`,
      [rootId, maxDepth],
    );
    if (rows.length === 0) throw notFound('Task', rootId);
    const nodes = new Map<string, TaskTreeNode>();
    for (const row of rows) {
      if (nodes.has(row.id)) continue; // a parent cycle cannot exist, but never loop on one
      nodes.set(row.id, { ...toTask(row), depth: num(row.depth), children: [] });
    }
    const root = nodes.get(rootId)!;
    for (const node of nodes.values()) {
      if (node === root || node.parentId === null) continue;
      nodes.get(node.parentId)?.children.push(node);
    }
    return root;
  }

  async addArtifact(taskId: string, input: AddArtifactInput): Promise<TaskArtifact> {
    checkId(taskId, 'taskId');
    const r = new InputReader(input, 'artifact', ['id', 'name', 'kind', 'content', 'metadata']);
    const artifact: TaskArtifact = {
      id: r.id('id') ?? newId(),
      taskId,
      name: r.string('name', { required: true, max: TITLE_MAX }),
      kind: r.string('kind', { max: SHORT_MAX }) ?? 'text',
      content: requiredText(r, 'content'),
      metadata: r.object('metadata') ?? {},
      createdAt: this.#stamp(),
    };
    return this.#db.transaction(async (db) => {
      if (!(await this.#exists(db, taskId))) throw notFound('Task', taskId);
      await uniqueOrConflict(
        () =>
          db.execute(
            `INSERT INTO task_artifacts (id, task_id, name, kind, content, metadata, created_at) VALUES (${marks(7)})`,
            [
              artifact.id,
              taskId,
              artifact.name,
              artifact.kind,
              artifact.content,
              toJsonText(artifact.metadata, 'artifact.metadata'),
              artifact.createdAt,
            ],
          ),
        `Artifact ${JSON.stringify(artifact.id)} already exists; choose another id or omit it.`,
        { reason: 'duplicate', id: artifact.id },
      );
      return artifact;
    });
  }

  async listArtifacts(taskId: string): Promise<TaskArtifact[]> {
    checkId(taskId, 'taskId');
    if (!(await this.#exists(this.#db, taskId))) throw notFound('Task', taskId);
    return this.#artifacts(this.#db, taskId);
  }

  async deleteArtifact(artifactId: string): Promise<boolean> {
    checkId(artifactId, 'artifactId');
    const { changes } = await this.#db.execute('DELETE FROM task_artifacts WHERE id = ?', [artifactId]);
    return changes > 0;
  }

  async addDependency(taskId: string, dependsOnId: string): Promise<boolean> {
    checkId(dependsOnId, 'dependsOnId');
    return (await this.addDependencies(taskId, [dependsOnId])).length > 0;
  }

  async addDependencies(taskId: string, dependsOnIds: readonly string[]): Promise<string[]> {
    checkId(taskId, 'taskId');
    if (!Array.isArray(dependsOnIds))
      throw invalidInput('dependsOnIds', 'an array of task ids', dependsOnIds);
    const ids = [...new Set(dependsOnIds)];
    for (const id of ids) {
      checkId(id, 'dependsOnIds[]');
      if (id === taskId) {
        throw conflict(`Task ${JSON.stringify(taskId)} cannot depend on itself.`, {
          reason: 'cycle',
          cycle: [taskId, taskId],
        });
      }
    }
    if (ids.length === 0) return [];
    return this.#db.transaction(async (db) => {
      // Serialize edge additions (where the engine does not already) so two concurrent additions
      // cannot close a cycle together.
      const lock = db.dialect.transactionLock(DEPENDENCY_LOCK);
      if (lock !== undefined) await db.query(lock);
      const known = await idsWhereIn(
        db,
        [taskId, ...ids],
        (list) => `SELECT id FROM tasks WHERE id IN (${list})`,
      );
      for (const id of [taskId, ...ids]) if (!known.has(id)) throw notFound('Task', id);
      const existing = await idsWhereIn(
        db,
        ids,
        (list) =>
          `SELECT depends_on_id AS id FROM task_dependencies WHERE task_id = ? AND depends_on_id IN (${list})`,
        [taskId],
      );
      const fresh = ids.filter((id) => !existing.has(id));
      if (fresh.length === 0) return [];
      // Every new edge starts at taskId, so a cycle needs one of the new dependencies among
      // taskId's existing transitive dependents.
      const closing = await this.#firstDependent(db, taskId, fresh);
      if (closing !== undefined) {
        const cycle = [taskId, ...((await this.#dependencyPath(db, closing, taskId)) ?? [closing, taskId])];
        throw conflict(
          `Adding "${taskId} depends on ${closing}" would create a cycle: ${cycle.join(' -> ')}. Remove one of those dependencies first.`,
          { reason: 'cycle', cycle },
        );
      }
      const stamp = this.#stamp();
      for (const chunk of chunks(fresh, 300)) {
        await db.execute(
          `INSERT INTO task_dependencies (task_id, depends_on_id, created_at) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
          chunk.flatMap((id) => [taskId, id, stamp]),
        );
      }
      return fresh;
    });
  }

  async removeDependency(taskId: string, dependsOnId: string): Promise<boolean> {
    checkId(taskId, 'taskId');
    checkId(dependsOnId, 'dependsOnId');
    return this.#db.transaction(async (db) => {
      for (const id of [taskId, dependsOnId]) if (!(await this.#exists(db, id))) throw notFound('Task', id);
      const { changes } = await db.execute(
        'DELETE FROM task_dependencies WHERE task_id = ? AND depends_on_id = ?',
        [taskId, dependsOnId],
      );
      return changes > 0;
    });
  }

  async dependencies(taskId: string): Promise<TaskDependencyIds> {
    checkId(taskId, 'taskId');
    if (!(await this.#exists(this.#db, taskId))) throw notFound('Task', taskId);
    return this.#dependencies(this.#db, taskId);
  }

  async metrics(filter: TaskFilter = {}): Promise<TaskMetrics> {
    const where = buildWhere(filter, 'filter', FILTER_FIELDS);
    const duration = this.#db.dialect.millisecondsBetween('created_at', 'completed_at');
    const [byStatus, byType, bySpecialist, completion] = await Promise.all([
      this.#db.query<{ k: string; n: number | string }>(
        `SELECT status AS k, COUNT(*) AS n FROM tasks WHERE ${where.sql} GROUP BY status`,
        where.params,
      ),
      this.#db.query<{ k: string; n: number | string }>(
        `SELECT type AS k, COUNT(*) AS n FROM tasks WHERE ${where.sql} GROUP BY type ORDER BY type`,
        where.params,
      ),
      this.#db.query<{ k: string; n: number | string }>(
        `SELECT specialist AS k, COUNT(*) AS n FROM tasks WHERE ${where.sql} AND specialist IS NOT NULL GROUP BY specialist ORDER BY specialist`,
        where.params,
      ),
      this.#db.one<{ n: number | string; avg_ms: number | string | null }>(
        `SELECT COUNT(*) AS n, AVG(${duration}) AS avg_ms FROM tasks WHERE ${where.sql} AND completed_at IS NOT NULL`,
        where.params,
      ),
    ]);
    const statusCounts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
    let total = 0;
    for (const { k, n } of byStatus) {
      total += num(n);
      if (k in statusCounts) statusCounts[k as TaskStatus] = num(n);
    }
    const completed = num(completion?.n);
    const avg = numOrNull(completion?.avg_ms);
    return {
      total,
      byStatus: statusCounts,
      byType: Object.fromEntries(byType.map(({ k, n }) => [k, num(n)])),
      bySpecialist: Object.fromEntries(bySpecialist.map(({ k, n }) => [k, num(n)])),
      completed,
      completionRate: total === 0 ? null : completed / total,
      averageCompletionMs: avg === null ? null : Math.round(avg),
      open: OPEN_STATUSES.reduce((sum, s) => sum + statusCounts[s], 0),
    };
  }

  async cleanup(options: CleanupTasksOptions): Promise<number> {
    const r = new InputReader(options, 'options', ['olderThan', 'statuses', 'batchSize']);
    if (!r.has('olderThan')) throw invalidInput('options.olderThan', 'a Date or an ISO-8601 date string');
    const cutoff = r.time('olderThan')!;
    const statuses = r.has('statuses')
      ? checkStringArray(r.raw('statuses'), 'options.statuses').map((s, i) =>
          checkOneOf(s, `options.statuses[${i}]`, TASK_STATUSES),
        )
      : [...FINISHED_TASK_STATUSES];
    const batchSize = r.int('batchSize', 1, 1000) ?? 100;
    if (statuses.length === 0) return 0;
    let deleted = 0;
    // Leaves first: a task goes only when it has no subtasks and nothing depends on it, so a
    // finished parent with an unfinished child, or a dependency still needed, stays. Each batch is
    // one short transaction, so writers are never blocked for long and nothing waits on two locks.
    for (;;) {
      const n = await this.#db.transaction(async (db) => {
        const rows = await db.query<{ id: string }>(
          `SELECT t.id FROM tasks t
            WHERE t.status IN (${marks(statuses.length)}) AND t.updated_at < ?
              AND NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = t.id)
              AND NOT EXISTS (SELECT 1 FROM task_dependencies d WHERE d.depends_on_id = t.id)
            ORDER BY t.updated_at, t.id LIMIT ?`,
          [...statuses, cutoff, batchSize],
        );
        if (rows.length === 0) return 0;
        const ids = rows.map((row) => row.id);
        const list = marks(ids.length);
        await db.execute(`DELETE FROM task_dependencies WHERE task_id IN (${list})`, ids);
        await db.execute(`DELETE FROM task_artifacts WHERE task_id IN (${list})`, ids);
        await db.execute(`DELETE FROM specialist_assignments WHERE task_id IN (${list})`, ids);
        const { changes } = await db.execute(`DELETE FROM tasks WHERE id IN (${list})`, ids);
        return changes;
      });
      deleted += n;
      if (n === 0) return deleted;
    }
  }

  // ---- internals ---------------------------------------------------------------------------------

  #stamp(): string {
    return this.#now().toISOString();
  }

  async #exists(db: Db, id: string): Promise<boolean> {
    return (await db.one('SELECT 1 AS x FROM tasks WHERE id = ?', [id])) !== undefined;
  }

  async #readForUpdate(db: Db, id: string): Promise<Task> {
    const row = await db.one<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE id = ?${db.dialect.forUpdate}`,
      [id],
    );
    if (!row) throw notFound('Task', id);
    return toTask(row);
  }

  async #raceToConflict(db: Db, id: string, expected: number | undefined): Promise<Error> {
    const row = await db.one<{ version: number | string }>('SELECT version FROM tasks WHERE id = ?', [id]);
    if (!row) return notFound('Task', id);
    return staleVersion('Task', id, expected ?? -1, num(row.version));
  }

  /** Validate `changes` against `current` and write them; `VersionRace` when the row moved on. */
  async #apply(db: Db, current: Task, changes: UpdateTaskInput): Promise<Task> {
    const id = current.id;
    let status = current.status;
    let completedAt = current.completedAt;
    if (changes.status !== undefined && changes.status !== current.status) {
      const allowed = TASK_TRANSITIONS[current.status];
      if (!allowed.includes(changes.status)) {
        throw conflict(
          `Task ${JSON.stringify(id)} cannot go from ${current.status} to ${changes.status}; from ${current.status} it can go to ${allowed.length ? allowed.join(', ') : 'nothing (it is final)'}.`,
          { reason: 'transition', id, from: current.status, to: changes.status, allowed: [...allowed] },
        );
      }
      status = changes.status;
    }
    const now = this.#stamp();
    if (status === 'completed' && current.status !== 'completed') completedAt = now;

    let parentId = current.parentId;
    if (changes.parentId !== undefined && changes.parentId !== current.parentId) {
      parentId = changes.parentId;
      if (parentId !== null) await this.#checkParent(db, id, parentId);
    }
    const metadata = changes.metadata ? mergeMetadata(current.metadata, changes.metadata) : current.metadata;
    const next: Task = {
      ...current,
      title: changes.title ?? current.title,
      description: changes.description ?? current.description,
      type: changes.type ?? current.type,
      status,
      specialist: changes.specialist !== undefined ? changes.specialist : current.specialist,
      complexity: changes.complexity !== undefined ? changes.complexity : current.complexity,
      priority: changes.priority ?? current.priority,
      result: changes.result !== undefined ? changes.result : current.result,
      metadata,
      parentId,
      sessionId: changes.sessionId !== undefined ? changes.sessionId : current.sessionId,
      version: current.version + 1,
      updatedAt: now,
      completedAt,
    };
    const { changes: n } = await db.execute(
      `UPDATE tasks SET parent_id = ?, session_id = ?, title = ?, description = ?, type = ?, status = ?, specialist = ?,
              complexity = ?, priority = ?, result = ?, metadata = ?, version = ?, updated_at = ?, completed_at = ?
        WHERE id = ? AND version = ?`,
      [
        next.parentId,
        next.sessionId,
        next.title,
        next.description,
        next.type,
        next.status,
        next.specialist,
        next.complexity,
        next.priority,
        next.result,
        toJsonText(next.metadata, 'task.metadata'),
        next.version,
        next.updatedAt,
        next.completedAt,
        id,
        current.version,
      ],
    );
    if (n === 0) throw new VersionRace();
    return next;
  }

  async #checkParent(db: Db, id: string, parentId: string): Promise<void> {
    if (parentId === id)
      throw conflict(`Task ${JSON.stringify(id)} cannot be its own parent.`, { reason: 'cycle', id });
    if (!(await this.#exists(db, parentId))) throw notFound('Parent task', parentId);
    const inside = await db.one(`SELECT 1 AS x FROM (${SUBTREE}) s WHERE s.id = ?`, [id, parentId]);
    if (inside) {
      throw conflict(
        `Task ${JSON.stringify(parentId)} is a subtask of ${JSON.stringify(id)}, so it cannot become its parent (that would make a cycle).`,
        { reason: 'cycle', id, parentId },
      );
    }
  }

  /**
   * The first of `candidates` (in their order) that depends on `id`, directly or transitively.
   * Walks `id`'s dependents rather than the candidates' dependencies: a new edge usually starts at
   * a new or leaf task, which has few or no dependents, while dependencies can reach most of the
   * graph. At most one row per candidate crosses back.
   */
  async #firstDependent(db: Db, id: string, candidates: readonly string[]): Promise<string | undefined> {
    const found = await idsWhereIn(
      db,
      candidates,
      (list) => `WITH RECURSIVE up(id) AS (
          SELECT CAST(? AS TEXT)
          UNION
          SELECT d.task_id FROM task_dependencies d JOIN up u ON d.depends_on_id = u.id
        )
        SELECT id FROM up WHERE id IN (${list})`,
      [id],
    );
    return candidates.find((c) => found.has(c));
  }

  /** A dependency path from `from` to `to` (following "depends on" edges), or undefined. */
  async #dependencyPath(db: Db, from: string, to: string): Promise<string[] | undefined> {
    const edges = await db.query<{ task_id: string; depends_on_id: string }>(
      `WITH RECURSIVE reach(id) AS (
          SELECT CAST(? AS TEXT)
          UNION
          SELECT d.depends_on_id FROM task_dependencies d JOIN reach r ON d.task_id = r.id
        )
        SELECT d.task_id, d.depends_on_id FROM task_dependencies d
         WHERE d.task_id IN (SELECT id FROM reach)
         ORDER BY d.task_id, d.depends_on_id`,
      [from],
    );
    const next = new Map<string, string[]>();
    for (const e of edges) {
      const list = next.get(e.task_id) ?? [];
      list.push(e.depends_on_id);
      next.set(e.task_id, list);
    }
    // Breadth-first, so the reported cycle is a shortest one.
    const previous = new Map<string, string | null>([[from, null]]);
    const queue = [from];
    while (queue.length > 0) {
      const node = queue.shift()!;
      if (node === to) {
        const path: string[] = [];
        for (let n: string | null = node; n !== null; n = previous.get(n) ?? null) path.unshift(n);
        return path;
      }
      for (const n of next.get(node) ?? []) {
        if (!previous.has(n)) {
          previous.set(n, node);
          queue.push(n);
        }
      }
    }
    return undefined;
  }

  async #deleteSubtree(db: Db, id: string): Promise<void> {
    await db.execute(
      `DELETE FROM task_dependencies WHERE task_id IN (${SUBTREE}) OR depends_on_id IN (${SUBTREE})`,
      [id, id],
    );
    await db.execute(`DELETE FROM task_artifacts WHERE task_id IN (${SUBTREE})`, [id]);
    await db.execute(`DELETE FROM specialist_assignments WHERE task_id IN (${SUBTREE})`, [id]);
    await db.execute(`DELETE FROM tasks WHERE id IN (${SUBTREE})`, [id]);
  }

  async #artifacts(db: Db, taskId: string): Promise<TaskArtifact[]> {
    const rows = await db.query<ArtifactRow>(
      'SELECT id, task_id, name, kind, content, metadata, created_at FROM task_artifacts WHERE task_id = ? ORDER BY created_at, id',
      [taskId],
    );
    return rows.map((row) => ({
      id: row.id,
      taskId: row.task_id,
      name: row.name,
      kind: row.kind,
      content: row.content,
      metadata: parseJson<JsonObject>(row.metadata, {}),
      createdAt: row.created_at,
    }));
  }

  async #dependencies(db: Db, taskId: string): Promise<TaskDependencyIds> {
    const [dependsOn, dependents] = await Promise.all([
      db.query<{ id: string }>(
        'SELECT depends_on_id AS id FROM task_dependencies WHERE task_id = ? ORDER BY depends_on_id',
        [taskId],
      ),
      db.query<{ id: string }>(
        'SELECT task_id AS id FROM task_dependencies WHERE depends_on_id = ? ORDER BY task_id',
        [taskId],
      ),
    ]);
    return { dependsOn: dependsOn.map((d) => d.id), dependents: dependents.map((d) => d.id) };
  }
}

function toTask(row: TaskRow): Task {
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

function readUpdate(patch: UpdateTaskInput): UpdateTaskInput {
  const r = new InputReader(patch, 'patch', UPDATE_FIELDS);
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) out[key] = value;
  };
  set('title', r.string('title', { max: TITLE_MAX }));
  set('description', r.text('description'));
  set('type', r.string('type', { max: SHORT_MAX }));
  set('status', r.oneOf('status', TASK_STATUSES));
  set('specialist', r.nullableString('specialist', SHORT_MAX));
  set('complexity', r.nullableString('complexity', SHORT_MAX));
  set('priority', r.int('priority'));
  set('result', r.nullableText('result'));
  set('metadata', r.object('metadata'));
  set('parentId', r.nullableId('parentId'));
  set('sessionId', r.nullableId('sessionId'));
  return out as UpdateTaskInput;
}

function versionOption(options: VersionOptions): number | undefined {
  if (typeof options !== 'object' || options === null) throw invalidInput('options', 'an object', options);
  const v = options.expectedVersion;
  return v === undefined ? undefined : checkInt(v, 'options.expectedVersion', 1, Number.MAX_SAFE_INTEGER);
}

function requiredText(r: InputReader, field: string): string {
  const v = r.raw(field);
  if (v === undefined) throw invalidInput(r.field(field), 'a string');
  return checkText(v, r.field(field), 10_000_000, false);
}

function buildWhere(
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

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 ** Math.min(attempt, 6)) * Math.random();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The `id` column of `sql` run over `ids` in chunks: `sql` gets the chunk's placeholder list, and
 * the parameters are `before` followed by the chunk.
 */
async function idsWhereIn(
  db: Db,
  ids: readonly string[],
  sql: (placeholders: string) => string,
  before: readonly SqlValue[] = [],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunks(ids)) {
    const rows = await db.query<{ id: string }>(sql(marks(chunk.length)), [...before, ...chunk]);
    for (const r of rows) found.add(r.id);
  }
  return found;
}
