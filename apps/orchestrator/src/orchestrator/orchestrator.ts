import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { type Filter, isOrchError, OrchError } from '@orch/core';
import {
  AsyncRepositoryFactory,
  type CrossStoreResult,
  type DependencyEdge,
  UnifiedDatabaseManager as Manager,
  type MigrationResult,
  renderTemplateText,
  type Session,
  type SessionRepository,
  type SessionStatus,
  type Specialist,
  type SpecialistRepository,
  schemaVersion,
  TASK_TRANSITIONS,
  type Task,
  type TaskArtifact,
  type TaskRepository,
  type TaskSortField,
  type TaskStatus,
  type UnifiedDatabaseManager,
  type UpdateTaskInput,
} from '@orch/unified';
import { loadBundledAdapters } from '../adapters.js';
import {
  describeSource,
  type ResolvedStores,
  resolveStores,
  type StoreSelection,
  type StoreSource,
} from '../config.js';
import { conflict, invalidInput, notFound, toOrchError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { type Complexity, resolvePlan, type SubtaskPlanInput } from './plan.js';
import { type PlanGraph, schedule } from './schedule.js';
import { GENERIC_FOCUS, instructionsTemplate, seedSpecialists } from './specialists.js';
import {
  type ArtifactRef,
  artifactRef,
  type SessionView,
  sessionView,
  type TaskDetail,
  type TaskSummary,
  taskDetail,
  taskSummary,
} from './views.js';

export interface OrchestratorOptions {
  /** Which stores (flags and environment); see {@link resolveStores}. */
  readonly stores?: StoreSelection | ResolvedStores;
  /** Apply pending schema migrations on open. Default true. */
  readonly migrate?: boolean;
  /** Write the default specialist roles into an empty specialist repository. Default true. */
  readonly seed?: boolean;
  /** Replay pending cross-store writes in the background. Default true. */
  readonly backgroundSync?: boolean;
  readonly logger?: Logger;
}

const FINISHED: ReadonlySet<string> = new Set(['completed', 'failed', 'archived', 'superseded']);
const OPEN_TASK: readonly TaskStatus[] = ['created', 'planning', 'ready', 'active', 'blocked', 'review'];
const OPEN_SESSION: readonly SessionStatus[] = ['active', 'paused'];
const IN_PROGRESS: ReadonlySet<string> = new Set(['active', 'review']);
const NOT_STARTED: ReadonlySet<string> = new Set(['created', 'planning', 'ready', 'blocked']);

export interface PlanTaskInput {
  readonly sessionId: string;
  readonly id?: string | undefined;
  readonly title: string;
  readonly description?: string | undefined;
  readonly complexity?: Complexity | undefined;
  readonly priority?: number | undefined;
  readonly subtasks: readonly SubtaskPlanInput[];
}

export interface NewArtifact {
  readonly name: string;
  readonly kind?: string | undefined;
  readonly content: string;
}

export interface CompleteTaskInput {
  readonly taskId: string;
  readonly summary: string;
  readonly detailedWork?: string | undefined;
  readonly artifacts?: readonly NewArtifact[] | undefined;
}

export interface QueryTasksInput {
  readonly status?: readonly TaskStatus[] | undefined;
  readonly type?: string | undefined;
  readonly specialist?: string | undefined;
  readonly complexity?: string | undefined;
  readonly parentId?: string | null | undefined;
  readonly sessionId?: string | undefined;
  readonly text?: string | undefined;
  readonly createdAfter?: string | undefined;
  readonly createdBefore?: string | undefined;
  readonly sortBy?: TaskSortField | undefined;
  readonly sortOrder?: 'asc' | 'desc' | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

/** The dependency graph of a session or a plan, ready to be drawn (an edge goes from a dependency to its dependent). */
export interface GraphModel {
  readonly title: string;
  readonly clusters: { readonly id: string; readonly title: string; readonly status: string }[];
  readonly nodes: {
    readonly id: string;
    readonly title: string;
    readonly status: string;
    readonly specialist: string | null;
    readonly cluster: string | null;
  }[];
  readonly edges: { readonly from: string; readonly to: string }[];
}

/**
 * The orchestration logic behind the MCP tools and the CLI, on @orch/unified only: tasks,
 * sessions and specialists in the operational store (through the repositories), embeddings in the
 * vector store and dependency edges in the graph store (through the manager's cross-store writes).
 */
export class Orchestrator {
  readonly db: UnifiedDatabaseManager;
  readonly tasks: TaskRepository;
  readonly sessions: SessionRepository;
  readonly specialists: SpecialistRepository;
  readonly source: StoreSource;
  readonly migration: MigrationResult | undefined;
  readonly #log: Logger;
  readonly #locks = new Map<string, Promise<unknown>>();

  private constructor(parts: {
    db: UnifiedDatabaseManager;
    tasks: TaskRepository;
    sessions: SessionRepository;
    specialists: SpecialistRepository;
    source: StoreSource;
    migration: MigrationResult | undefined;
    log: Logger;
  }) {
    this.db = parts.db;
    this.tasks = parts.tasks;
    this.sessions = parts.sessions;
    this.specialists = parts.specialists;
    this.source = parts.source;
    this.migration = parts.migration;
    this.#log = parts.log;
  }

  static async open(options: OrchestratorOptions = {}): Promise<Orchestrator> {
    const log = options.logger ?? createLogger();
    const resolved =
      options.stores && 'options' in options.stores ? options.stores : resolveStores(options.stores ?? {});
    log.info(`opening stores: ${describeSource(resolved.source)}`);
    await loadBundledAdapters(resolved.options);
    const db = await Manager.open({
      ...resolved.options,
      backgroundSync: options.backgroundSync ?? true,
      migrate: options.migrate ?? true,
    });
    try {
      const migration = options.migrate === false ? undefined : await db.migrate();
      if (migration && migration.applied.length > 0)
        log.info(`applied migrations ${migration.applied.join(', ')}`);
      const factory = new AsyncRepositoryFactory(db);
      const [tasks, sessions, specialists] = await Promise.all([
        factory.createTaskRepository(),
        factory.createSessionRepository(),
        factory.createSpecialistRepository(),
      ]);
      if (options.seed !== false) {
        const seeded = await seedSpecialists(specialists);
        if (seeded > 0) log.info(`seeded ${seeded} default specialists`);
      }
      return new Orchestrator({ db, tasks, sessions, specialists, source: resolved.source, migration, log });
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---------------------------------------------------------------- sessions

  /**
   * The open session of a project directory, created when there is none: a client restarted
   * anywhere finds its session again by giving the same directory.
   */
  async initializeSession(input: {
    workingDirectory: string;
    name?: string | undefined;
    forceNew?: boolean;
  }) {
    const projectDir = normalizeProjectDir(input.workingDirectory);
    return this.#exclusive(`project:${projectDir}`, async () => {
      const existing = input.forceNew ? undefined : (await this.#sessionsOf(projectDir, OPEN_SESSION))[0];
      let session: Session;
      let resumed = false;
      if (existing) {
        session =
          existing.status === 'paused'
            ? await this.sessions.update(existing.id, { status: 'active' })
            : existing;
        resumed = true;
      } else {
        session = await this.sessions.create({
          name: input.name ?? (projectDir.split('/').filter(Boolean).pop() || projectDir),
          metadata: { projectDir },
        });
      }
      await this.#event(session.id, null, resumed ? 'session_resumed' : 'session_started', { projectDir });
      const [health, specialists, status] = await Promise.all([
        this.health(),
        this.listSpecialists(),
        resumed ? this.getStatus({ sessionId: session.id }) : Promise.resolve(undefined),
      ]);
      return {
        session: sessionView(session),
        resumed,
        project_dir: projectDir,
        health: { status: health.status, stores: health.stores, outbox_pending: health.outbox_pending },
        specialists: specialists.map((s) => s.name),
        ...(status
          ? { progress: status.totals, open_plans: status.plans.filter((p) => !FINISHED.has(p.status)) }
          : {}),
        next_steps: resumed
          ? [
              'Call orchestrator_get_next_task to continue where the session left off.',
              'Call orchestrator_get_status for the progress of every plan.',
            ]
          : [
              'Call orchestrator_plan_task with a task and its subtasks (specialist, complexity, dependencies).',
              'Then call orchestrator_get_next_task, orchestrator_execute_task and orchestrator_complete_task for each subtask.',
            ],
      };
    });
  }

  async listSessions(input: {
    workingDirectory?: string | undefined;
    status?: readonly SessionStatus[] | undefined;
    limit?: number | undefined;
    offset?: number | undefined;
  }) {
    const limit = input.limit ?? 20;
    const offset = input.offset ?? 0;
    let items: Session[];
    let total: number;
    if (input.workingDirectory !== undefined) {
      const all = await this.#sessionsOf(normalizeProjectDir(input.workingDirectory), input.status);
      total = all.length;
      items = all.slice(offset, offset + limit);
    } else {
      const page = await this.sessions.list({
        limit,
        offset,
        ...(input.status ? { status: input.status } : {}),
      });
      items = page.items;
      total = page.total;
    }
    const sessions = await Promise.all(
      items.map(async (s) => {
        const m = await this.tasks.metrics({ sessionId: s.id });
        return {
          ...sessionView(s),
          tasks: { total: m.total, completed: m.byStatus.completed, open: m.open },
        };
      }),
    );
    return { total, limit, offset, sessions };
  }

  /** Make a session current again: by id, or the open session of a project directory. Ended sessions reopen. */
  async resumeSession(input: { sessionId?: string | undefined; workingDirectory?: string | undefined }) {
    let session: Session | undefined;
    if (input.sessionId !== undefined) session = await this.#requireSession(input.sessionId);
    else if (input.workingDirectory !== undefined) {
      const dir = normalizeProjectDir(input.workingDirectory);
      const found = await this.#sessionsOf(dir);
      session = found.find((s) => OPEN_SESSION.includes(s.status)) ?? found[0];
      if (!session)
        throw new OrchError(
          'ORCH_NOT_FOUND',
          `No session belongs to ${dir}; call orchestrator_initialize_session.`,
          {
            details: { projectDir: dir },
          },
        );
    } else throw invalidInput('Give session_id or working_directory.', { field: 'session_id' });
    if (session.status !== 'active') session = await this.sessions.update(session.id, { status: 'active' });
    await this.#event(session.id, null, 'session_resumed', {});
    const [status, next] = await Promise.all([
      this.getStatus({ sessionId: session.id }),
      this.getNextTasks({ sessionId: session.id, limit: 5 }),
    ]);
    return {
      session: sessionView(session),
      progress: status.totals,
      plans: status.plans,
      next_tasks: next.tasks,
    };
  }

  async requireOpenSession(sessionId: string): Promise<Session> {
    const session = await this.#requireSession(sessionId);
    if (!OPEN_SESSION.includes(session.status))
      throw conflict(
        `Session ${JSON.stringify(sessionId)} is ${session.status}; resume it with orchestrator_resume_session first.`,
        { sessionId, status: session.status },
      );
    return session;
  }

  // ---------------------------------------------------------------- specialists

  async listSpecialists(): Promise<Specialist[]> {
    return (await this.specialists.list({ activeOnly: true, limit: 1000 })).items;
  }

  // ---------------------------------------------------------------- planning

  /**
   * A parent task and its subtasks in one call. Everything is checked before the first write
   * (specialists, ids, dependencies, cycles); if a write fails halfway, what was written is removed.
   */
  async planTask(input: PlanTaskInput) {
    const session = await this.requireOpenSession(input.sessionId);
    const plan = resolvePlan(input.subtasks);
    const roles = [...new Set(plan.subtasks.map((s) => s.specialist))];
    const found = await Promise.all(roles.map((r) => this.specialists.getByName(r)));
    const missing = roles.filter((_, i) => !found[i]?.active);
    if (missing.length > 0) {
      const known = (await this.listSpecialists()).map((s) => s.name);
      throw invalidInput(
        `Unknown specialist ${missing.length === 1 ? 'role' : 'roles'} ${missing.map((m) => JSON.stringify(m)).join(', ')}; known roles: ${known.join(', ')}. Nothing was written.`,
        { reason: 'unknown-specialist', missing, known },
      );
    }
    const givenIds = [input.id, ...plan.subtasks.map((s) => s.id)].filter((x): x is string => !!x);
    const taken = await this.tasks.getMany(givenIds);
    if (taken.length > 0)
      throw conflict(
        `Task ${taken.map((t) => JSON.stringify(t.id)).join(', ')} already ${taken.length === 1 ? 'exists' : 'exist'}; nothing was written.`,
        { reason: 'duplicate-id', ids: taken.map((t) => t.id) },
      );

    const pending = new Set<string>();
    const note = (r: CrossStoreResult): Task => {
      for (const p of r.pending) pending.add(p);
      return r.task;
    };
    const parent = note(
      await this.db.createTaskWithEmbeddings({
        task: {
          ...(input.id ? { id: input.id } : {}),
          title: input.title,
          description: input.description ?? '',
          type: 'plan',
          status: 'ready',
          sessionId: session.id,
          complexity: input.complexity ?? null,
          priority: input.priority ?? 0,
          metadata: { plan: { subtasks: plan.subtasks.length } },
        },
      }),
    );
    const created: Task[] = [];
    try {
      const byId = new Map(plan.subtasks.map((s) => [s.id, s]));
      for (const id of plan.creationOrder) {
        const s = byId.get(id)!;
        created.push(
          note(
            await this.db.createTaskWithEmbeddings({
              task: {
                id: s.id,
                title: s.title,
                description: s.description ?? '',
                type: 'subtask',
                status: s.dependsOn.length > 0 ? 'blocked' : 'ready',
                parentId: parent.id,
                sessionId: session.id,
                specialist: s.specialist,
                complexity: s.complexity,
                priority: s.priority ?? 0,
                metadata: {
                  order: s.order,
                  ...(s.estimatedMinutes !== undefined ? { estimatedMinutes: s.estimatedMinutes } : {}),
                },
              },
              embedding: { text: `${s.title}\n${s.description ?? ''}\n${s.specialist}` },
              relationships: s.dependsOn.map((d) => ({ to: d, type: 'depends_on' })),
            }),
          ),
        );
      }
    } catch (err) {
      const e = toOrchError(err);
      try {
        await this.db.deleteTask(parent.id, { force: true });
      } catch (undoError) {
        this.#log.error('could not undo a half-written plan', {
          parentId: parent.id,
          error: toOrchError(undoError).message,
        });
        throw e.withDetails({ partial: true, parentId: parent.id });
      }
      throw new OrchError(e.code, `${e.message} The plan was not created (what was written was removed).`, {
        kind: e.kind,
        retriable: e.retriable,
        cause: err,
        details: { ...e.details, rolledBack: true },
      });
    }
    await this.#event(session.id, parent.id, 'plan_created', { subtasks: created.length });
    const graph = await this.planGraph(parent.id);
    const sched = schedule(graph, graph.statusOf);
    const titles = new Map(created.map((t) => [t.id, t.title]));
    const byPlanId = new Map(plan.subtasks.map((p) => [p.id, p]));
    const order = new Map(plan.subtasks.map((s) => [s.id, s.order]));
    return {
      parent: taskSummary(parent),
      subtasks: [...created]
        .sort((a, b) => order.get(a.id)! - order.get(b.id)!)
        .map((t) => {
          const deps = byPlanId.get(t.id)?.dependsOn ?? [];
          return {
            ...taskSummary(t),
            depends_on: deps,
            depends_on_titles: deps.map((d) => titles.get(d) ?? d),
          };
        }),
      execution_order: sched.order,
      critical_path: {
        task_ids: sched.criticalPath.path,
        titles: sched.criticalPath.path.map((id) => titles.get(id) ?? id),
        length: sched.criticalPath.length,
      },
      next_tasks: sched.ready.map((t) => taskSummary(t)),
      pending_sync: [...pending],
      next_step: 'Call orchestrator_get_next_task, then orchestrator_execute_task with its task_id.',
    };
  }

  /** The subtasks of a parent with their dependency edges, and the status of every task they touch. */
  async planGraph(parentId: string): Promise<PlanGraph & { statusOf: (id: string) => string | undefined }> {
    const parent = await this.#requireTask(parentId);
    const tasks = await this.tasks.subtasks(parentId);
    const deps = await Promise.all(tasks.map((t) => this.tasks.dependencies(t.id)));
    // Each task's dependencies in plan order, whatever order the store returns them in.
    const rank = new Map(
      tasks.map((t, i) => [t.id, typeof t.metadata.order === 'number' ? t.metadata.order : 1e6 + i]),
    );
    const byRank = (a: string, b: string): number =>
      (rank.get(a) ?? Number.MAX_SAFE_INTEGER) - (rank.get(b) ?? Number.MAX_SAFE_INTEGER) ||
      a.localeCompare(b);
    const edges: DependencyEdge[] = tasks.flatMap((t, i) =>
      [...deps[i]!.dependsOn].sort(byRank).map((d) => ({ taskId: t.id, dependsOn: d })),
    );
    const status = new Map<string, string>(tasks.map((t) => [t.id, t.status]));
    const external = [...new Set(edges.map((e) => e.dependsOn).filter((id) => !status.has(id)))];
    for (const t of await this.tasks.getMany(external)) status.set(t.id, t.status);
    return { parent, tasks, edges, statusOf: (id) => status.get(id) };
  }

  /** Subtasks ready to start (every dependency completed), most critical first. */
  async getNextTasks(input: {
    sessionId?: string | undefined;
    parentTaskId?: string | undefined;
    limit?: number;
  }) {
    const limit = input.limit ?? 1;
    const parents = await this.#planParents(input);
    const ready: (TaskSummary & {
      description: string;
      parent: { id: string; title: string };
      depends_on: string[];
      remaining_path: number;
      on_critical_path: boolean;
    })[] = [];
    const active: TaskSummary[] = [];
    let blocked = 0;
    let open = 0;
    for (const parent of parents) {
      const graph = await this.planGraph(parent.id);
      if (graph.tasks.length === 0) continue;
      const s = schedule(graph, graph.statusOf);
      const critical = new Set(s.criticalPath.path);
      for (const t of graph.tasks) {
        if (IN_PROGRESS.has(t.status)) active.push(taskSummary(t));
        if (!FINISHED.has(t.status)) open++;
      }
      blocked += graph.tasks.filter((t) => NOT_STARTED.has(t.status)).length - s.ready.length;
      for (const t of s.ready) {
        ready.push({
          ...taskSummary(t),
          description: t.description,
          parent: { id: parent.id, title: parent.title },
          depends_on: graph.edges.filter((e) => e.taskId === t.id).map((e) => e.dependsOn),
          remaining_path: s.remaining.get(t.id) ?? 0,
          on_critical_path: critical.has(t.id),
        });
      }
    }
    // Stable sort: within a plan the schedule's order stays; across plans the longer remaining chain first.
    ready.sort((a, b) => b.remaining_path - a.remaining_path);
    const tasks = ready.slice(0, limit);
    const next_step =
      tasks.length > 0
        ? `Call orchestrator_execute_task with task_id ${JSON.stringify(tasks[0]!.id)}.`
        : active.length > 0
          ? 'Finish the active tasks with orchestrator_complete_task; their dependents become ready.'
          : open === 0 && parents.length > 0
            ? 'Every subtask is done: call orchestrator_synthesize_results with the parent task id.'
            : parents.length === 0
              ? 'No open plan: call orchestrator_plan_task.'
              : 'Nothing is ready: the remaining subtasks wait on tasks that are not completed (see orchestrator_get_dependencies).';
    return { tasks, ready_count: ready.length, active, blocked_count: blocked, open_count: open, next_step };
  }

  async #planParents(input: {
    sessionId?: string | undefined;
    parentTaskId?: string | undefined;
  }): Promise<Task[]> {
    if (input.parentTaskId !== undefined) return [await this.#requireTask(input.parentTaskId)];
    if (input.sessionId === undefined)
      throw invalidInput('Give parent_task_id or session_id (or initialize a session first).', {
        field: 'session_id',
      });
    await this.#requireSession(input.sessionId);
    const roots = await this.tasks.query({
      sessionId: input.sessionId,
      parentId: null,
      status: OPEN_TASK,
      limit: 1000,
    });
    return roots.items;
  }

  // ---------------------------------------------------------------- execution

  /** The specialist's context and instructions for a task, which becomes active. */
  async executeTask(taskId: string) {
    const found = await this.#requireTask(taskId);
    let task: Task = found;
    if (FINISHED.has(task.status))
      throw conflict(`Task ${JSON.stringify(taskId)} is ${task.status}; only open tasks can be executed.`, {
        id: taskId,
        status: task.status,
      });
    const deps = await this.tasks.getMany(found.dependsOn);
    const blockers = deps.filter((d) => d.status !== 'completed');
    if (blockers.length > 0)
      throw conflict(
        `Task ${JSON.stringify(taskId)} is blocked by ${blockers.map((b) => `${JSON.stringify(b.title)} (${b.status})`).join(', ')}; complete those first.`,
        { id: taskId, reason: 'blocked', blockedBy: blockers.map((b) => b.id) },
      );
    if (task.status !== 'active') {
      try {
        task = await this.#moveTo(task, 'active', { metadata: { startedAt: new Date().toISOString() } });
      } catch (err) {
        // Two clients started it at once: the other one won, and the task is active either way.
        const now: Task = await this.#requireTask(taskId);
        if (now.status !== 'active') throw err;
        task = now;
      }
    }
    const parent = task.parentId ? await this.tasks.get(task.parentId) : null;
    if (parent && NOT_STARTED.has(parent.status)) {
      await this.#moveTo(parent, 'active').catch((err) => {
        if (!isOrchError(err, 'ORCH_CONFLICT')) throw err;
      });
    }
    const specialist = task.specialist ? await this.specialists.getByName(task.specialist) : null;
    if (specialist?.active) {
      const open = await this.specialists.listAssignments({ taskId, status: 'assigned' });
      if (!open.some((a) => a.specialistId === specialist.id))
        await this.specialists.assign(specialist.id, taskId).catch((err) => {
          if (!isOrchError(err, 'ORCH_CONFLICT')) throw err;
        });
    }
    const session = task.sessionId ? await this.sessions.get(task.sessionId) : null;
    const projectDir = typeof session?.metadata.projectDir === 'string' ? session.metadata.projectDir : '';
    const dependencies = await Promise.all(
      deps.map(async (d) => ({
        id: d.id,
        title: d.title,
        specialist: d.specialist,
        summary: d.result,
        artifacts: (await this.tasks.listArtifacts(d.id)).map(artifactRef),
      })),
    );
    const variables = {
      role: task.specialist ?? 'specialist',
      task_title: task.title,
      task_description: task.description || task.title,
      parent_title: parent?.title ?? task.title,
      dependencies:
        dependencies.length === 0
          ? '(none)'
          : dependencies.map((d) => `- ${d.title}: ${d.summary ?? '(no summary)'}`).join('\n'),
      project_dir: projectDir || '(unknown)',
    };
    const instructions = await this.#instructions(specialist, variables);
    await this.#event(task.sessionId, task.id, 'task_started', { specialist: task.specialist });
    return {
      task: taskDetail(task),
      specialist: specialist
        ? {
            name: specialist.name,
            category: specialist.category,
            description: specialist.description,
            prompt: specialist.prompt,
            capabilities: specialist.capabilities,
          }
        : null,
      instructions,
      context: {
        parent: parent ? { id: parent.id, title: parent.title, description: parent.description } : null,
        dependencies,
        project_dir: projectDir || null,
      },
      next_step: `Do the work, then call orchestrator_complete_task with task_id ${JSON.stringify(task.id)}, a summary and the detailed work.`,
    };
  }

  async #instructions(specialist: Specialist | null, variables: Record<string, string>): Promise<string> {
    const name = specialist?.metadata.template;
    if (typeof name === 'string') {
      const template = await this.specialists.getTemplateByName(name);
      if (template) {
        try {
          return await this.specialists.renderTemplate(template.id, variables);
        } catch (err) {
          this.#log.warn(`template ${name} did not render; using the generic one`, {
            error: toOrchError(err).message,
          });
        }
      }
    }
    const focus = specialist?.description ? `${specialist.description} ${GENERIC_FOCUS}` : GENERIC_FOCUS;
    return renderTemplateText(instructionsTemplate(focus), variables);
  }

  /** Record a task's result: summary on the task, detailed work and files as artifacts (returned by reference). */
  async completeTask(input: CompleteTaskInput) {
    const task = await this.#requireTask(input.taskId);
    if (task.status === 'completed')
      throw conflict(`Task ${JSON.stringify(task.id)} is already completed.`, {
        id: task.id,
        status: task.status,
      });
    if (FINISHED.has(task.status))
      throw conflict(`Task ${JSON.stringify(task.id)} is ${task.status} and cannot be completed.`, {
        id: task.id,
        status: task.status,
      });
    const children = await this.tasks.subtasks(task.id);
    const unfinished = children.filter((c) => !FINISHED.has(c.status));
    if (unfinished.length > 0)
      throw conflict(
        `Task ${JSON.stringify(task.id)} has ${unfinished.length} unfinished subtask(s); complete them, or call orchestrator_synthesize_results.`,
        { id: task.id, unfinished: unfinished.map((c) => c.id) },
      );
    const deps = await this.tasks.getMany(task.dependsOn);
    const blockers = deps.filter((d) => d.status !== 'completed');
    if (blockers.length > 0)
      throw conflict(
        `Task ${JSON.stringify(task.id)} is blocked by ${blockers.map((b) => JSON.stringify(b.title)).join(', ')}; complete those first.`,
        { id: task.id, reason: 'blocked', blockedBy: blockers.map((b) => b.id) },
      );

    const written: TaskArtifact[] = [];
    let completed: Task;
    try {
      if (input.detailedWork !== undefined && input.detailedWork !== '')
        written.push(
          await this.tasks.addArtifact(task.id, {
            name: 'detailed_work',
            kind: 'text',
            content: input.detailedWork,
          }),
        );
      for (const a of input.artifacts ?? [])
        written.push(
          await this.tasks.addArtifact(task.id, { name: a.name, kind: a.kind ?? 'text', content: a.content }),
        );
      completed = await this.#moveTo(task, 'completed', {
        result: input.summary,
        metadata: { artifacts: written.map((a) => a.id) },
      });
    } catch (err) {
      await Promise.allSettled(written.map((a) => this.tasks.deleteArtifact(a.id)));
      const e = toOrchError(err);
      if (isOrchError(err, 'ORCH_CONFLICT') && e.details.reason !== 'transition')
        throw new OrchError(
          'ORCH_CONFLICT',
          `Task ${JSON.stringify(task.id)} changed while it was being completed (another call got there first); nothing was recorded. ${e.message}`,
          {
            details: { id: task.id, ...e.details },
          },
        );
      throw e;
    }
    const assignments = await this.specialists.listAssignments({ taskId: task.id, status: 'assigned' });
    await Promise.allSettled(
      assignments.map((a) =>
        this.specialists.completeAssignment(a.id, { success: true, outcome: input.summary }),
      ),
    );
    const unblocked = await this.#unblockDependents(completed);
    await this.#event(completed.sessionId, completed.id, 'task_completed', { artifacts: written.length });
    let progress: { completed: number; total: number; percent: number } | null = null;
    let next: Awaited<ReturnType<Orchestrator['getNextTasks']>> | null = null;
    if (completed.parentId) {
      const siblings = await this.tasks.subtasks(completed.parentId);
      const done = siblings.filter((s) => s.status === 'completed').length;
      progress = { completed: done, total: siblings.length, percent: percent(done, siblings.length) };
      next = await this.getNextTasks({ parentTaskId: completed.parentId, limit: 3 });
    }
    return {
      task: taskSummary(completed),
      summary: completed.result,
      artifacts: written.map(artifactRef),
      unblocked: unblocked.map(taskSummary),
      progress,
      next_tasks: next?.tasks ?? [],
      next_step:
        next && next.tasks.length > 0
          ? `Call orchestrator_execute_task with task_id ${JSON.stringify(next.tasks[0]!.id)}.`
          : progress && progress.completed === progress.total
            ? `Every subtask is completed: call orchestrator_synthesize_results with parent_task_id ${JSON.stringify(completed.parentId)}.`
            : (next?.next_step ?? 'Done.'),
    };
  }

  /** Blocked dependents whose dependencies are now all completed become ready. */
  async #unblockDependents(task: Task): Promise<Task[]> {
    const { dependents } = await this.tasks.dependencies(task.id);
    const out: Task[] = [];
    for (const d of await this.tasks.getMany(dependents)) {
      if (d.status !== 'blocked') continue;
      const { dependsOn } = await this.tasks.dependencies(d.id);
      const deps = await this.tasks.getMany(dependsOn);
      if (!deps.every((x) => x.status === 'completed')) continue;
      try {
        out.push((await this.db.updateTask(d.id, { status: 'ready' }, { expectedVersion: d.version })).task);
      } catch (err) {
        if (!isOrchError(err, 'ORCH_CONFLICT')) throw err; // someone else moved it meanwhile
      }
    }
    const order = (t: Task): number =>
      typeof t.metadata.order === 'number' ? t.metadata.order : Number.MAX_SAFE_INTEGER;
    return out.sort((a, b) => order(a) - order(b));
  }

  async updateTask(
    taskId: string,
    patch: {
      title?: string | undefined;
      description?: string | undefined;
      status?: TaskStatus | undefined;
      priority?: number | undefined;
      specialist?: string | undefined;
      complexity?: string | undefined;
      metadata?: Record<string, unknown> | undefined;
    },
    options: { expectedVersion?: number | undefined } = {},
  ) {
    const task = await this.#requireTask(taskId);
    if (patch.specialist !== undefined) {
      const s = await this.specialists.getByName(patch.specialist);
      if (!s?.active)
        throw invalidInput(`Unknown specialist role ${JSON.stringify(patch.specialist)}.`, {
          field: 'specialist',
          known: (await this.listSpecialists()).map((x) => x.name),
        });
    }
    const clean: UpdateTaskInput = Object.fromEntries(
      Object.entries(patch).filter(([, v]) => v !== undefined),
    ) as UpdateTaskInput;
    if (Object.keys(clean).length === 0) throw invalidInput('Nothing to update: give at least one field.');
    const result = await this.db.updateTask(task.id, clean, {
      ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
    });
    await this.#event(task.sessionId, task.id, 'task_updated', { fields: Object.keys(clean) });
    return { task: taskDetail(result.task), pending_sync: result.pending };
  }

  /** Stop a task (and its unfinished subtasks): `failed` once work started, `archived` before (also when it only waited on dependencies). */
  async cancelTask(taskId: string, reason?: string) {
    const task = await this.#requireTask(taskId);
    if (FINISHED.has(task.status))
      throw conflict(
        `Task ${JSON.stringify(taskId)} is ${task.status}; only unfinished tasks can be cancelled.`,
        {
          id: taskId,
          status: task.status,
        },
      );
    const tree = (await this.tasks.hierarchy(taskId)).filter((t) => !FINISHED.has(t.status));
    const cancelled: Task[] = [];
    const at = new Date().toISOString();
    // Children first, so a parent is never cancelled with work still open below it.
    for (const t of [...tree].sort((a, b) => b.depth - a.depth)) {
      // `failed` once work started; a task that only waited on its dependencies (blocked) was never started.
      const started = IN_PROGRESS.has(t.status) || typeof t.metadata.startedAt === 'string';
      const target: TaskStatus =
        (started || !TASK_TRANSITIONS[t.status].includes('archived')) &&
        TASK_TRANSITIONS[t.status].includes('failed')
          ? 'failed'
          : 'archived';
      const r = await this.db.updateTask(
        t.id,
        {
          status: target,
          result: reason ? `cancelled: ${reason}` : 'cancelled',
          metadata: { cancelled: { reason: reason ?? null, at } },
        },
        { expectedVersion: t.version },
      );
      cancelled.push(r.task);
    }
    const assignments = await Promise.all(
      cancelled.map((t) => this.specialists.listAssignments({ taskId: t.id, status: 'assigned' })),
    );
    await Promise.allSettled(
      assignments.flat().map((a) =>
        this.specialists.completeAssignment(a.id, {
          success: false,
          outcome: reason ? `cancelled: ${reason}` : 'cancelled',
        }),
      ),
    );
    const ids = new Set(cancelled.map((t) => t.id));
    const waiting = await this.#outsideDependents([...ids]);
    await this.#event(task.sessionId, task.id, 'task_cancelled', {
      reason: reason ?? null,
      count: cancelled.length,
    });
    return {
      cancelled: cancelled.map(taskSummary),
      blocked_dependents: waiting.filter((t) => !FINISHED.has(t.status)).map(taskSummary),
    };
  }

  /**
   * Archive a task and its subtasks (default), or delete them for good with `permanent`. Refuses
   * when unfinished tasks outside it depend on it, unless `force`.
   */
  async deleteTask(
    taskId: string,
    options: { force?: boolean | undefined; permanent?: boolean | undefined } = {},
  ) {
    const task = await this.#requireTask(taskId);
    const tree = await this.tasks.hierarchy(taskId);
    const ids = tree.map((t) => t.id);
    const outside = await this.#outsideDependents(ids);
    const relevant = options.permanent ? outside : outside.filter((t) => !FINISHED.has(t.status));
    if (relevant.length > 0 && !options.force)
      throw conflict(
        `Task ${JSON.stringify(taskId)} cannot be ${options.permanent ? 'deleted' : 'archived'}: ${relevant.map((t) => JSON.stringify(t.title)).join(', ')} depend${relevant.length === 1 ? 's' : ''} on it. Pass force: true to do it anyway.`,
        { id: taskId, reason: 'has-dependents', dependents: relevant.map((t) => t.id) },
      );
    if (options.permanent) {
      const r = await this.db.deleteTask(taskId, { force: options.force ?? false });
      await this.#event(task.sessionId, null, 'task_deleted', { id: taskId, count: r.deleted.length });
      return {
        mode: 'deleted' as const,
        task_ids: r.deleted,
        dependents_affected: relevant.map(taskSummary),
        pending_sync: r.pending,
      };
    }
    // Check every transition before the first write, so an archive is not left half done.
    const todo = tree.filter((t) => t.status !== 'archived' && t.status !== 'superseded');
    for (const t of todo) {
      if (!pathTo(t.status, 'archived'))
        throw conflict(`Task ${JSON.stringify(t.id)} is ${t.status} and cannot be archived.`, {
          id: t.id,
          status: t.status,
        });
    }
    const archived: string[] = [];
    for (const t of [...todo].sort((a, b) => b.depth - a.depth)) {
      await this.#moveTo(t, 'archived');
      archived.push(t.id);
    }
    await this.#event(task.sessionId, task.id, 'task_archived', { count: archived.length });
    return {
      mode: 'archived' as const,
      task_ids: archived,
      dependents_affected: relevant.map(taskSummary),
      pending_sync: [] as string[],
    };
  }

  async #outsideDependents(ids: readonly string[]): Promise<Task[]> {
    const inside = new Set(ids);
    const deps = await Promise.all(ids.map((id) => this.tasks.dependencies(id)));
    const outside = [...new Set(deps.flatMap((d) => d.dependents).filter((id) => !inside.has(id)))];
    return this.tasks.getMany(outside);
  }

  // ---------------------------------------------------------------- queries

  async queryTasks(input: QueryTasksInput) {
    const page = await this.tasks.query({
      ...(input.status ? { status: input.status } : {}),
      ...(input.type ? { type: [input.type] } : {}),
      ...(input.specialist ? { specialist: [input.specialist] } : {}),
      ...(input.complexity ? { complexity: [input.complexity] } : {}),
      ...(input.parentId !== undefined ? { parentId: input.parentId } : {}),
      ...(input.sessionId ? { sessionId: input.sessionId } : {}),
      ...(input.text ? { text: input.text } : {}),
      ...(input.createdAfter ? { createdAfter: input.createdAfter } : {}),
      ...(input.createdBefore ? { createdBefore: input.createdBefore } : {}),
      sortBy: input.sortBy ?? 'createdAt',
      sortOrder: input.sortOrder ?? 'asc',
      limit: input.limit ?? 50,
      offset: input.offset ?? 0,
    });
    return { total: page.total, limit: page.limit, offset: page.offset, tasks: page.items.map(taskSummary) };
  }

  async getTask(taskId: string) {
    const t = await this.#requireTask(taskId);
    return {
      ...taskDetail(t),
      depends_on: t.dependsOn,
      dependents: t.dependents,
      artifacts: t.artifacts.map(artifactRef),
    };
  }

  async getArtifact(taskId: string, artifactId: string): Promise<TaskArtifact> {
    const artifact = (await this.tasks.listArtifacts(taskId)).find((a) => a.id === artifactId);
    if (!artifact) throw notFound('Artifact', artifactId);
    return artifact;
  }

  /** Vector search joined with the task rows and their outcomes (summary, artifacts, dependencies). */
  async findSimilarTasks(input: {
    query: string;
    topK?: number | undefined;
    status?: readonly TaskStatus[] | undefined;
    sessionId?: string | undefined;
    type?: string | undefined;
    excludeIds?: readonly string[] | undefined;
  }) {
    const topK = input.topK ?? 5;
    const exclude = new Set(input.excludeIds ?? []);
    const conditions: Filter[] = [];
    if (input.status && input.status.length > 0) conditions.push({ status: { $in: [...input.status] } });
    if (input.sessionId) conditions.push({ sessionId: { $eq: input.sessionId } });
    if (input.type) conditions.push({ type: { $eq: input.type } });
    const filter: Filter | undefined =
      conditions.length === 0 ? undefined : conditions.length === 1 ? conditions[0] : { $and: conditions };
    const hits = await this.db.searchSimilarTasks(input.query, {
      topK: Math.min(topK + exclude.size, 1000),
      withNeighbors: true,
      ...(filter ? { filter } : {}),
    });
    const kept = hits.filter((h) => !exclude.has(h.task.id)).slice(0, topK);
    const results = await Promise.all(
      kept.map(async (h) => ({
        task: taskSummary(h.task),
        score: round(h.score),
        distance: round(h.distance),
        outcome: h.task.result,
        completed_at: h.task.completedAt,
        artifacts: (await this.tasks.listArtifacts(h.task.id)).map(artifactRef),
        related_task_ids: (h.neighbors ?? []).map((n) => n.id),
      })),
    );
    return { query: input.query, results };
  }

  /** Blocked-by, blocking, and the order and critical path of the plan the task belongs to (or leads). */
  async getDependencies(taskId: string) {
    const task = await this.#requireTask(taskId);
    const [deps, dependents] = await Promise.all([
      this.tasks.getMany(task.dependsOn),
      this.tasks.getMany(task.dependents),
    ]);
    let transitive: string[] | null = null;
    try {
      transitive = await this.db.dependencies.blockersFromGraph(taskId, 10);
    } catch (err) {
      this.#log.debug('graph traversal unavailable', { error: toOrchError(err).message });
    }
    const children = await this.tasks.subtasks(taskId);
    const planParent = children.length > 0 ? task.id : task.parentId;
    let plan: {
      parent_id: string;
      topological_order: { id: string; title: string; status: string }[];
      critical_path: { task_ids: string[]; titles: string[]; length: number };
    } | null = null;
    if (planParent) {
      const graph = await this.planGraph(planParent);
      const s = schedule(graph, graph.statusOf);
      const byId = new Map(graph.tasks.map((t) => [t.id, t]));
      plan = {
        parent_id: planParent,
        topological_order: s.order.map((id) => ({
          id,
          title: byId.get(id)!.title,
          status: byId.get(id)!.status,
        })),
        critical_path: {
          task_ids: s.criticalPath.path,
          titles: s.criticalPath.path.map((id) => byId.get(id)!.title),
          length: s.criticalPath.length,
        },
      };
    }
    const blockedBy = deps.filter((d) => d.status !== 'completed');
    return {
      task: taskSummary(task),
      depends_on: deps.map(taskSummary),
      dependents: dependents.map(taskSummary),
      blocked_by: blockedBy.map(taskSummary),
      blocking:
        task.status === 'completed' ? [] : dependents.filter((d) => !FINISHED.has(d.status)).map(taskSummary),
      ready: blockedBy.length === 0 && NOT_STARTED.has(task.status),
      transitive_blockers: transitive,
      plan,
    };
  }

  /** Progress of one plan (a parent task) or of every plan of a session. */
  async getStatus(input: { sessionId?: string | undefined; parentTaskId?: string | undefined }) {
    if (input.parentTaskId !== undefined) {
      const graph = await this.planGraph(input.parentTaskId);
      const s = graph.tasks.length > 0 ? schedule(graph, graph.statusOf) : undefined;
      const ready = new Set((s?.ready ?? []).map((t) => t.id));
      const counts = countBy(graph.tasks);
      const done = counts.completed ?? 0;
      return {
        scope: 'task' as const,
        parent: taskSummary(graph.parent),
        session: null,
        totals: {
          total: graph.tasks.length,
          completed: done,
          percent: percent(done, graph.tasks.length),
          by_status: counts,
        },
        plans: [planProgress(graph.parent, graph.tasks)],
        ready: graph.tasks.filter((t) => ready.has(t.id)).map(taskSummary),
        active: graph.tasks.filter((t) => IN_PROGRESS.has(t.status)).map(taskSummary),
        blocked: graph.tasks.filter((t) => NOT_STARTED.has(t.status) && !ready.has(t.id)).map(taskSummary),
        critical_path: s ? s.criticalPath.path : [],
      };
    }
    if (input.sessionId === undefined)
      throw invalidInput('Give parent_task_id or session_id (or initialize a session first).', {
        field: 'session_id',
      });
    const session = await this.#requireSession(input.sessionId);
    const all = await this.#allTasks({ sessionId: session.id });
    const byParent = new Map<string, Task[]>();
    for (const t of all) if (t.parentId) byParent.set(t.parentId, [...(byParent.get(t.parentId) ?? []), t]);
    const roots = all.filter((t) => t.parentId === null);
    const counts = countBy(all);
    const done = counts.completed ?? 0;
    const ready: TaskSummary[] = [];
    const blocked: TaskSummary[] = [];
    for (const root of roots) {
      const children = byParent.get(root.id) ?? [];
      if (children.length === 0) continue;
      const graph = await this.planGraph(root.id);
      const s = schedule(graph, graph.statusOf);
      const r = new Set(s.ready.map((t) => t.id));
      for (const t of graph.tasks) {
        if (r.has(t.id)) ready.push(taskSummary(t));
        else if (NOT_STARTED.has(t.status)) blocked.push(taskSummary(t));
      }
    }
    return {
      scope: 'session' as const,
      parent: null,
      session: sessionView(session),
      totals: { total: all.length, completed: done, percent: percent(done, all.length), by_status: counts },
      plans: roots.map((r) => planProgress(r, byParent.get(r.id) ?? [])),
      ready,
      active: all.filter((t) => IN_PROGRESS.has(t.status)).map(taskSummary),
      blocked,
      critical_path: [] as string[],
    };
  }

  /**
   * The completed subtasks of a parent in dependency order, with their summaries and artifacts.
   * When every subtask is completed the synthesis is stored on the parent, which is completed too.
   */
  async synthesizeResults(parentTaskId: string, options: { completeParent?: boolean | undefined } = {}) {
    const graph = await this.planGraph(parentTaskId);
    if (graph.tasks.length === 0)
      throw invalidInput(`Task ${JSON.stringify(parentTaskId)} has no subtasks to synthesize.`, {
        id: parentTaskId,
      });
    const s = schedule(graph, graph.statusOf);
    const byId = new Map(graph.tasks.map((t) => [t.id, t]));
    const ordered = s.order.map((id) => byId.get(id)!);
    const done = ordered.filter((t) => t.status === 'completed');
    const remaining = ordered.filter((t) => t.status !== 'completed');
    const results = await Promise.all(
      done.map(async (t, i) => ({
        step: i + 1,
        ...taskSummary(t),
        summary: t.result,
        completed_at: t.completedAt,
        depends_on: graph.edges.filter((e) => e.taskId === t.id).map((e) => e.dependsOn),
        artifacts: (await this.tasks.listArtifacts(t.id)).map(artifactRef),
      })),
    );
    const complete = remaining.length === 0;
    const lines = [`# ${graph.parent.title}`, ''];
    if (graph.parent.description) lines.push(graph.parent.description, '');
    for (const r of results) {
      lines.push(
        `## ${r.step}. ${r.title} (${r.specialist ?? 'unassigned'})`,
        '',
        r.summary ?? '(no summary)',
      );
      if (r.artifacts.length > 0)
        lines.push('', `Artifacts: ${r.artifacts.map((a) => `${a.name} <${a.uri}>`).join(', ')}`);
      lines.push('');
    }
    if (!complete)
      lines.push(`Not finished: ${remaining.map((t) => `${t.title} (${t.status})`).join(', ')}.`);
    const synthesis = lines.join('\n').trimEnd();
    let parent = graph.parent;
    let artifact: ArtifactRef | null = null;
    if (
      complete &&
      (options.completeParent ?? true) &&
      parent.status !== 'completed' &&
      !FINISHED.has(parent.status)
    ) {
      const stored = await this.tasks.addArtifact(parent.id, {
        name: 'synthesis',
        kind: 'markdown',
        content: synthesis,
      });
      try {
        parent = await this.#moveTo(parent, 'completed', {
          result: `All ${done.length} subtasks completed.`,
          metadata: { synthesis: stored.id },
        });
      } catch (err) {
        await this.tasks.deleteArtifact(stored.id).catch(() => undefined);
        throw err;
      }
      artifact = artifactRef(stored);
      await this.#event(parent.sessionId, parent.id, 'plan_completed', { subtasks: done.length });
    }
    return {
      parent: taskSummary(parent),
      complete,
      completed_count: done.length,
      total: ordered.length,
      results,
      remaining: remaining.map(taskSummary),
      synthesis,
      synthesis_artifact: artifact,
    };
  }

  async health() {
    const h = await this.db.health();
    let version: number | null = null;
    try {
      version = await schemaVersion(this.db.operational);
    } catch {
      // reported as unhealthy above
    }
    let specialists: number | null = null;
    try {
      specialists = (await this.specialists.list({ limit: 1 })).total;
    } catch {
      // the schema is not there yet
    }
    const stores: Record<string, { status: string; latency_ms: number; error?: string }> = {};
    for (const [kind, report] of Object.entries(h.stores)) {
      if (!report) continue;
      stores[kind] = {
        status: report.status,
        latency_ms: Math.round(report.latencyMs * 100) / 100,
        ...(report.error
          ? {
              error:
                typeof report.error === 'string'
                  ? report.error
                  : String((report.error as { message?: unknown }).message ?? report.error),
            }
          : {}),
      };
    }
    return {
      status: h.status,
      stores,
      outbox_pending: h.outbox.pending,
      schema_version: version,
      required_schema_version: AsyncRepositoryFactory.requiredSchemaVersion,
      data: describeSource(this.source),
      specialists,
    };
  }

  // ---------------------------------------------------------------- graphs

  /** The dependency graph of a session (one cluster per plan) or of the plan a task belongs to. */
  async graphModel(scope: {
    sessionId?: string | undefined;
    taskId?: string | undefined;
  }): Promise<GraphModel> {
    let tasks: Task[];
    let title: string;
    if (scope.taskId !== undefined) {
      const task = await this.#requireTask(scope.taskId);
      const children = await this.tasks.subtasks(task.id);
      const root = children.length > 0 || !task.parentId ? task : await this.#requireTask(task.parentId);
      tasks = (await this.tasks.hierarchy(root.id)).map((t) => t as Task);
      title = root.title;
    } else if (scope.sessionId !== undefined) {
      const session = await this.#requireSession(scope.sessionId);
      tasks = await this.#allTasks({ sessionId: session.id });
      title = session.name;
    } else throw invalidInput('Give a session or a task.', { field: 'session_id' });
    const parents = new Set(tasks.map((t) => t.parentId).filter((p): p is string => p !== null));
    const inScope = new Set(tasks.map((t) => t.id));
    const deps = await Promise.all(tasks.map((t) => this.tasks.dependencies(t.id)));
    const edges = tasks.flatMap((t, i) =>
      deps[i]!.dependsOn.filter((d) => inScope.has(d)).map((d) => ({ from: d, to: t.id })),
    );
    const touched = new Set(edges.flatMap((e) => [e.from, e.to]));
    const isNode = (t: Task): boolean => !parents.has(t.id) || touched.has(t.id);
    return {
      title,
      clusters: tasks
        .filter((t) => parents.has(t.id))
        .map((t) => ({ id: t.id, title: t.title, status: t.status })),
      nodes: tasks.filter(isNode).map((t) => ({
        id: t.id,
        title: t.title,
        status: t.status,
        specialist: t.specialist,
        cluster: t.parentId && parents.has(t.parentId) ? t.parentId : null,
      })),
      edges,
    };
  }

  /** The open session of a project directory, if any (newest first). */
  async sessionForProject(workingDirectory: string): Promise<Session | undefined> {
    return (await this.#sessionsOf(normalizeProjectDir(workingDirectory), OPEN_SESSION))[0];
  }

  // ---------------------------------------------------------------- helpers

  async #allTasks(filter: { sessionId: string }): Promise<Task[]> {
    const out: Task[] = [];
    for (let offset = 0; ; ) {
      const page = await this.tasks.query({ ...filter, limit: 1000, offset });
      out.push(...page.items);
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) return out;
    }
  }

  /**
   * Sessions whose project directory is `dir`, newest first. The session repository has no
   * metadata filter, so this pages through the sessions (a gap noted in the app's README).
   */
  async #sessionsOf(dir: string, status?: readonly SessionStatus[]): Promise<Session[]> {
    const out: Session[] = [];
    for (let offset = 0; ; ) {
      const page = await this.sessions.list({ limit: 1000, offset, ...(status ? { status } : {}) });
      out.push(...page.items.filter((s) => s.metadata.projectDir === dir));
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) return out;
    }
  }

  async #requireTask(id: string) {
    const task = await this.tasks.get(id);
    if (!task) throw notFound('Task', id);
    return task;
  }

  async #requireSession(id: string): Promise<Session> {
    const session = await this.sessions.get(id);
    if (!session) throw notFound('Session', id);
    return session;
  }

  /**
   * Walk the lifecycle to `target` (e.g. ready → active → completed), each step a cross-store
   * update guarded by the task's version, the patch applied on the last step.
   */
  async #moveTo(task: Task, target: TaskStatus, patch: UpdateTaskInput = {}): Promise<Task> {
    const path = pathTo(task.status, target);
    if (!path)
      throw conflict(`Task ${JSON.stringify(task.id)} cannot go from ${task.status} to ${target}.`, {
        reason: 'transition',
        id: task.id,
        from: task.status,
        to: target,
      });
    let current = task;
    for (let i = 0; i < path.length; i++) {
      const last = i === path.length - 1;
      const r = await this.db.updateTask(
        current.id,
        last ? { ...patch, status: path[i]! } : { status: path[i]! },
        {
          expectedVersion: current.version,
        },
      );
      current = r.task;
    }
    if (path.length === 0 && Object.keys(patch).length > 0)
      current = (await this.db.updateTask(current.id, patch, { expectedVersion: current.version })).task;
    return current;
  }

  async #event(
    sessionId: string | null,
    taskId: string | null,
    type: string,
    payload: Record<string, unknown>,
  ) {
    try {
      await this.sessions.appendEvent({ sessionId, taskId, type, payload });
    } catch (err) {
      this.#log.warn(`could not record event ${type}`, { error: toOrchError(err).message });
    }
  }

  /** Serialize work on one key within this process (two initialize calls for one project create one session). */
  async #exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#locks.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.#locks.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.#locks.get(key) === settled) this.#locks.delete(key);
    }
  }
}

/** Shortest walk through the lifecycle from one status to another (`[]` when already there). */
export function pathTo(from: TaskStatus, to: TaskStatus): TaskStatus[] | undefined {
  if (from === to) return [];
  const prev = new Map<TaskStatus, TaskStatus>();
  const queue: TaskStatus[] = [from];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const next of TASK_TRANSITIONS[at]) {
      if (next === from || prev.has(next)) continue;
      prev.set(next, at);
      if (next === to) {
        const path: TaskStatus[] = [to];
        for (let p = at; p !== from; p = prev.get(p)!) path.unshift(p);
        return path;
      }
      // Never walk through a finished state on the way somewhere else.
      if (!FINISHED.has(next)) queue.push(next);
    }
  }
  return undefined;
}

/** A project directory as sessions store it: absolute, `~` expanded, symlinks resolved when it exists. */
export function normalizeProjectDir(dir: string): string {
  const trimmed = dir.trim();
  const expanded = trimmed === '~' || trimmed.startsWith('~/') ? join(homedir(), trimmed.slice(1)) : trimmed;
  if (!isAbsolute(expanded))
    throw invalidInput(
      `working_directory must be an absolute path (got ${JSON.stringify(dir)}); the server's own directory is not the project's.`,
      { field: 'working_directory' },
    );
  const absolute = resolve(expanded);
  try {
    return realpathSync.native(absolute);
  } catch {
    return absolute;
  }
}

function countBy(tasks: readonly Task[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tasks) out[t.status] = (out[t.status] ?? 0) + 1;
  return out;
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

function planProgress(parent: Task, children: readonly Task[]) {
  const done = children.filter((c) => c.status === 'completed').length;
  return {
    parent_id: parent.id,
    title: parent.title,
    status: parent.status,
    total: children.length,
    completed: done,
    percent: percent(done, children.length),
  };
}

export type { SessionView, TaskDetail, TaskSummary };
