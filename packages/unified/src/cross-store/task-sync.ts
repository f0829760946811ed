import {
  type EdgeKey,
  type GraphStore,
  isOrchError,
  type Metadata,
  type OperationalStore,
  OrchError,
  sharesEngine,
  type Transaction,
  type VectorMetric,
  type VectorStore,
} from '@orch/core';
import { type BackoffPolicy, redact, validateMetadata, vectorComponents } from '@orch/core/adapter-kit';
import { embedOne } from '../embedding/embed-one.js';
import type { Embedder } from '../embedding/embedder.js';
import { Outbox } from '../outbox/outbox.js';
import type { OutboxEntry, OutboxOperation, OutboxPayload, SyncTarget } from '../outbox/outbox-entry.js';
import type { SyncReport } from '../outbox/sync-report.js';
import { checkId, checkText } from '../repositories/shared/input.js';
import { SqlTaskRepository } from '../repositories/tasks/sql-task-repository.js';
import { type TaskChange, TaskChanges } from '../repositories/tasks/task-changes.js';
import type { CreateTaskInput, Task, UpdateTaskInput } from '../repositories/tasks/task-types.js';
import { directScope, recordingScope, useWriteScope } from '../repositories/tasks/task-write-scope.js';
import { Db } from '../util/db.js';
import { newId } from '../util/ids.js';
import {
  type ApplyOutcome,
  applyEntry,
  applyInSavepoints,
  ensuredDimension,
  type SyncStores,
  sortTargets,
  type TaskView,
  transientEntry,
} from './sync-applier.js';
import { DEPENDS_ON, normalizeRelationshipType, taskDocument } from './task-projection.js';

/**
 * A relationship as `from_id`/`to_id` or as `from`/`to`. Leave out `from` (or write `'$self'` for
 * either end) to mean the task being created, whose id may be generated.
 */
export type RelationshipInput =
  | { readonly from?: string; readonly to: string; readonly type: string }
  | { readonly from_id?: string; readonly to_id: string; readonly type: string };

export interface CreateTaskWithEmbeddingsInput {
  readonly task: CreateTaskInput;
  /** A vector, or text to embed; without it the task's title and description are embedded. */
  readonly embedding?: {
    readonly vector?: readonly number[];
    readonly text?: string;
    readonly metadata?: Metadata;
  };
  /** Edges between tasks by application id; `depends_on` edges also become task dependencies. */
  readonly relationships?: readonly RelationshipInput[];
}

export interface CrossStoreResult {
  readonly task: Task;
  /** Stores written by this call. */
  readonly applied: SyncTarget[];
  /** Stores the outbox will write later (the task is already committed). */
  readonly pending: SyncTarget[];
  /**
   * Why each pending store failed. A store can be pending without an error: when the call ran
   * inside a caller's transaction, the outbox writes it once that transaction has committed.
   */
  readonly errors: { readonly target: SyncTarget; readonly code: string; readonly message: string }[];
}

export interface TaskSyncOptions {
  readonly operational: OperationalStore;
  readonly vector: VectorStore | undefined;
  readonly graph: GraphStore | undefined;
  readonly collection: string;
  readonly metric: VectorMetric;
  readonly embedder: Embedder;
  readonly strict: boolean;
  readonly backoff: BackoffPolicy;
  /** The clock of task timestamps and of the outbox schedule. */
  readonly now: () => Date;
  /** Resolves once the operational schema is known to be migrated (rejects with the reason otherwise). */
  readonly ready: () => Promise<void>;
}

/** The outcome of one write's outbox entries: applied, failed, or left for the replay. */
interface WriteOutcome extends ApplyOutcome {
  /** Left for the replay: the write ran inside a caller's transaction that has not committed yet. */
  readonly deferred: SyncTarget[];
}

/** One write through the outbox: its result, the entries it recorded, what became of them. */
interface Written<T> {
  readonly value: T;
  readonly entries: OutboxEntry[];
  readonly outcome: WriteOutcome;
}

const OPERATIONS: Readonly<Record<TaskChange, OutboxOperation>> = {
  created: 'upsert',
  changed: 'sync',
  deleted: 'delete',
};

/**
 * Cross-store task writes. Every task write, whichever method makes it, runs as one unit: the
 * rows, and one outbox entry per task the write changed, commit in one operational transaction;
 * then the entries are applied to the vector and graph stores (idempotent, derived from the
 * rows). What fails stays in the outbox for `syncPending()`. The same unit serves
 * `createTaskWithEmbeddings`, `updateTask`, `deleteTask` and every write of {@link TaskSync.tasks}.
 */
export class TaskSync {
  readonly #options: TaskSyncOptions;
  readonly #outbox: Outbox;
  readonly #tasks: SqlTaskRepository;
  /**
   * Entries a write recorded and is about to apply itself: the replay leaves them alone, or a
   * background tick could apply one at the same time (and both would report its outcome).
   */
  readonly #inFlight = new Set<number>();

  constructor(options: TaskSyncOptions) {
    this.#options = options;
    this.#outbox = new Outbox({ backoff: options.backoff, now: options.now });
    this.#tasks = useWriteScope(new SqlTaskRepository(options.operational, { now: options.now }), {
      run: async (db, fn) => (await this.#write(db, fn)).value,
    });
  }

  /** What search and dependency helpers need. */
  get context(): SyncStores {
    const o = this.#options;
    return {
      operational: o.operational,
      vector: o.vector,
      graph: o.graph,
      collection: o.collection,
      metric: o.metric,
      embedder: o.embedder,
    };
  }

  /** A task repository whose every write goes through the outbox, like the methods below. */
  get tasks(): SqlTaskRepository {
    return this.#tasks;
  }

  async createTaskWithEmbeddings(
    input: CreateTaskWithEmbeddingsInput,
    options: { strict?: boolean },
  ): Promise<CrossStoreResult> {
    if (
      typeof input !== 'object' ||
      input === null ||
      typeof input.task !== 'object' ||
      input.task === null
    ) {
      throw new OrchError(
        'ORCH_INVALID_INPUT',
        'createTaskWithEmbeddings expects { task, embedding?, relationships? }.',
      );
    }
    const strict = options.strict ?? this.#options.strict;
    const id = input.task.id === undefined ? newId() : input.task.id;
    // The task's own `dependsOn` are relationships like the others (mirrored in the graph too).
    const { dependsOn: given = [], ...taskInput } = input.task;
    if (!Array.isArray(given)) {
      throw new OrchError('ORCH_INVALID_INPUT', 'task.dependsOn must be an array of task ids.');
    }
    const edges = [
      ...given.map((to, i) => ({ from: id, to: checkId(to, `task.dependsOn[${i}]`), type: DEPENDS_ON })),
      ...(input.relationships ?? []).map((rel, i) => resolveSelf(normalizeRelationship(rel, i), id)),
    ];
    const text =
      input.embedding?.text === undefined
        ? undefined
        : checkText(input.embedding.text, 'embedding.text', 10_000_000, false);
    const embeddingMetadata =
      input.embedding?.metadata === undefined
        ? undefined
        : validateMetadata(input.embedding.metadata, 'embedding');
    // The vector is computed before anything is written, so a bad embedding writes nothing.
    const vector = this.#options.vector ? await this.#vectorFor(input) : undefined;
    const payload: OutboxPayload = {
      ...(vector
        ? {
            embedding: {
              vector,
              ...(text ? { document: text } : {}),
              ...(embeddingMetadata ? { metadata: embeddingMetadata } : {}),
            },
          }
        : {}),
      edges,
    };
    const views = new Map<string, TaskView>();
    const written = await this.#write(
      new Db(this.#options.operational),
      async (db, changes) => {
        // No savepoint per step: this unit is one transaction (a savepoint in a caller's), and
        // any failure below fails all of it. The row and the check of the other endpoints are
        // issued together.
        const repo = this.#repository(db, changes, false);
        const dependsOn = new Map<string, string[]>();
        for (const e of edges)
          if (e.type === DEPENDS_ON) dependsOn.set(e.from, [...(dependsOn.get(e.from) ?? []), e.to]);
        // While no edge points at the new task, its own edges cannot close a cycle: they go in
        // with its row, unchecked. Otherwise every edge takes the cycle-checked path after it.
        const pointedAt = edges.some((e) => e.type === DEPENDS_ON && e.to === id && e.from !== id);
        const own = pointedAt ? [] : (dependsOn.get(id) ?? []);
        const [created, endpoints] = await Promise.all([
          repo.create({ ...taskInput, id, ...(own.length > 0 ? { dependsOn: own } : {}) }),
          checkEndpoints(repo, edges, id),
        ]);
        for (const [from, to] of dependsOn)
          if (from !== id || pointedAt) await repo.addDependencies(from, to);
        // What the mirror writes are made from, known already: no need to read it back.
        const tasks = new Map(endpoints.map((t) => [t.id, t]));
        tasks.set(id, created);
        views.set(id, { task: created, dependsOn: [...new Set(dependsOn.get(id) ?? [])].sort(), tasks });
        return created;
      },
      new Map([[id, payload]]),
      views,
    );
    if (strict && written.outcome.failed.length > 0) await this.#undoCreate(written);
    return result(written.value, written.outcome);
  }

  async updateTask(
    id: string,
    patch: UpdateTaskInput,
    options: { expectedVersion?: number },
  ): Promise<CrossStoreResult> {
    const written = await this.#write(new Db(this.#options.operational), (db, changes) =>
      this.#repository(db, changes).update(id, patch, options),
    );
    return result(written.value, written.outcome);
  }

  async deleteTask(
    id: string,
    options: { force?: boolean },
  ): Promise<CrossStoreResult & { deleted: string[] }> {
    const written = await this.#write(new Db(this.#options.operational), async (db, changes) => {
      const repo = this.#repository(db, changes);
      const existing = await repo.get(id);
      if (!existing)
        throw new OrchError('ORCH_NOT_FOUND', `Task "${id}" does not exist.`, {
          kind: 'operational',
          details: { id },
        });
      const tree = (await repo.hierarchy(id)).map((t) => t.id);
      await repo.delete(id, options);
      return { task: existing as Task, tree };
    });
    return { ...result(written.value.task, written.outcome), deleted: written.value.tree };
  }

  pendingCount(): Promise<number> {
    return this.#outbox.count(this.#options.operational);
  }

  async syncPending(options: { force?: boolean }): Promise<SyncReport> {
    await this.#options.ready();
    const failures: { taskId: string; target: SyncTarget; code: string; message: string }[] = [];
    let completed = 0;
    // Entries of one task are applied in order: once one fails for a store, later ones for that
    // task and store wait, so an old write can never land after a newer one.
    const blocked = new Set<string>();
    for (const entry of await this.#outbox.due(this.#options.operational, options)) {
      const runnable = entry.pending.filter((t) => !blocked.has(`${entry.taskId}\u0000${t}`));
      if (runnable.length === 0 || this.#inFlight.has(entry.id)) continue;
      const outcome = await this.#apply(entry, runnable);
      for (const f of outcome.failed) {
        blocked.add(`${entry.taskId}\u0000${f.target}`);
        failures.push({ taskId: entry.taskId, target: f.target, ...describe(f.error) });
      }
      if (outcome.failed.length === 0 && runnable.length === entry.pending.length) completed++;
    }
    const remaining = await this.#outbox.due(this.#options.operational, { force: true, limit: 1 });
    const pending = await this.pendingCount();
    const next = remaining[0]
      ? Math.max(0, Date.parse(remaining[0].nextAttemptAt) - this.#outbox.nowMs())
      : undefined;
    return { completed, pending, failures, ...(next !== undefined ? { nextAttemptInMs: next } : {}) };
  }

  #targets(): SyncTarget[] {
    const targets: SyncTarget[] = [];
    if (this.#options.vector) targets.push('vector');
    if (this.#options.graph) targets.push('graph');
    return targets;
  }

  /** A task repository inside a write unit: its writes join the unit's transaction and record into `changes`. */
  #repository(db: Db, changes: TaskChanges, savepoints = true): SqlTaskRepository {
    return useWriteScope(
      new SqlTaskRepository(db.executor, { now: this.#options.now }),
      savepoints ? recordingScope(changes) : directScope(changes),
    );
  }

  /**
   * The one write path: `fn` runs in a transaction; every task it changed gets an outbox entry
   * (with its payload from `payloads`, if any) in that same transaction; after the commit the
   * entries are applied. Inside a caller's transaction they are left for the replay instead, so
   * the other stores never show a write that may still roll back.
   */
  async #write<T>(
    db: Db,
    fn: (db: Db, changes: TaskChanges) => Promise<T>,
    payloads?: ReadonlyMap<string, OutboxPayload>,
    views?: ReadonlyMap<string, TaskView>,
  ): Promise<Written<T>> {
    await this.#options.ready();
    // Filled before the commit makes the entries visible to the replay; emptied once applied.
    const recorded: number[] = [];
    try {
      return await this.#writeAndApply(db, fn, payloads, views, recorded);
    } finally {
      for (const id of recorded) this.#inFlight.delete(id);
    }
  }

  /** {@link TaskSync.#write} itself; `recorded` collects the ids of the entries it adds. */
  async #writeAndApply<T>(
    db: Db,
    fn: (db: Db, changes: TaskChanges) => Promise<T>,
    payloads: ReadonlyMap<string, OutboxPayload> | undefined,
    views: ReadonlyMap<string, TaskView> | undefined,
    recorded: number[],
  ): Promise<Written<T>> {
    const targets = this.#targets();
    const joined = this.#joinedTargets(targets);
    const later = targets.filter((t) => !joined.includes(t));
    const committed = await db.transaction(async (tx) => {
      const changes = new TaskChanges();
      const value = await fn(tx, changes);
      const entries: OutboxEntry[] = [];
      const failed: ApplyOutcome['failed'] = [];
      for (const [taskId, change] of changes.entries()) {
        const payload = payloads?.get(taskId) ?? {};
        // Stores on this transaction's engine are written in it: they commit with the rows, or
        // not at all. A failed part rolls back alone and is left to the outbox like any other.
        const left = [...later];
        if (joined.length > 0) {
          const entry = transientEntry(taskId, OPERATIONS[change], payload, joined);
          const stores = { ...this.context, operational: tx.executor };
          const view = change === 'created' ? views?.get(taskId) : undefined;
          for (const f of await applyInSavepoints(tx, entry, stores, view)) {
            left.push(f.target);
            failed.push(f);
          }
        }
        if (left.length > 0) {
          const error = failed.map((f) => `${f.target}: ${describe(f.error).message}`).join('; ');
          const entry = await this.#outbox.add(
            tx.executor,
            taskId,
            OPERATIONS[change],
            payload,
            sortTargets(left),
            error,
          );
          recorded.push(entry.id);
          this.#inFlight.add(entry.id);
          entries.push(entry);
        }
      }
      return { value, entries, failed, nested: ((tx.executor as Partial<Transaction>).depth ?? 1) > 1 };
    });
    const { value, entries, failed } = committed;
    // Failures of the joined stores are reported once per store, like the outbox path does.
    const failedJoined = [...new Map(failed.map((f) => [f.target, f])).values()];
    const appliedJoined = joined.filter((t) => !failedJoined.some((f) => f.target === t));
    if (committed.nested || later.length === 0 || entries.length === 0) {
      const deferred = committed.nested && entries.length > 0 ? later : [];
      return {
        value,
        entries,
        outcome: {
          applied: [...appliedJoined, ...later.filter((t) => !deferred.includes(t))],
          failed: failedJoined,
          deferred,
        },
      };
    }
    const outcome = await this.#applyAll(entries, later);
    return {
      value,
      entries,
      outcome: {
        applied: [...appliedJoined, ...outcome.applied],
        failed: [...failedJoined, ...outcome.failed],
        deferred: [],
      },
    };
  }

  /** Targets whose store runs on the operational store's engine: written inside its transactions. */
  #joinedTargets(targets: readonly SyncTarget[]): SyncTarget[] {
    const o = this.#options;
    return targets.filter((t) => sharesEngine(o.operational, t === 'vector' ? o.vector : o.graph));
  }

  /** Apply a write's entries in order; a store that failed once is left to the replay for the rest. */
  async #applyAll(entries: readonly OutboxEntry[], targets: readonly SyncTarget[]): Promise<WriteOutcome> {
    const failed = new Map<SyncTarget, unknown>();
    for (const entry of entries) {
      // Only `targets`: a joined store that failed inside the transaction waits for the replay.
      const runnable = entry.pending.filter((t) => targets.includes(t) && !failed.has(t));
      if (runnable.length === 0) continue;
      const outcome = await this.#apply(entry, runnable);
      for (const f of outcome.failed) failed.set(f.target, f.error);
    }
    return {
      applied: targets.filter((t) => !failed.has(t)),
      failed: [...failed].map(([target, error]) => ({ target, error })),
      deferred: [],
    };
  }

  async #apply(entry: OutboxEntry, targets: readonly SyncTarget[] = entry.pending): Promise<ApplyOutcome> {
    const outcome = await applyEntry(entry, this.context, targets);
    const remaining = entry.pending.filter((t) => !outcome.applied.includes(t));
    const error = outcome.failed.map((f) => `${f.target}: ${describe(f.error).message}`).join('; ');
    await this.#outbox.settle(this.#options.operational, entry, remaining, error || undefined);
    return outcome;
  }

  /**
   * Strict mode: delete the row again and drop the write's entries, in one unit whose own entries
   * remove what reached the other stores. A store that cannot be cleaned now keeps its `delete`
   * entry, so it converges to "no trace" as soon as it is back.
   */
  async #undoCreate(written: Written<Task>): Promise<never> {
    const task = written.value;
    await this.#write(new Db(this.#options.operational), async (db, changes) => {
      await this.#repository(db, changes).delete(task.id, { force: true });
      for (const entry of written.entries) await this.#outbox.remove(db.executor, entry.id);
    });
    const { failed } = written.outcome;
    const reasons = failed.map((f) => `${f.target}: ${describe(f.error).message}`).join('; ');
    const first = failed[0]!.error;
    throw new OrchError(
      isOrchError(first) ? first.code : 'ORCH_CONNECTION_FAILED',
      `createTaskWithEmbeddings (strict) could not write task "${task.id}" to every store (${reasons}); everything written was undone.`,
      {
        cause: first,
        retriable: isOrchError(first) ? first.retriable : true,
        details: { taskId: task.id, failed: failed.map((f) => f.target) },
      },
    );
  }

  async #vectorFor(input: CreateTaskWithEmbeddingsInput): Promise<number[]> {
    const given = input.embedding?.vector;
    // The store's own rules, checked before anything is written: a vector the store would refuse
    // must not reach the outbox, which would retry it forever. The embedder's output too: it is
    // user code, and may be of another model than the collection's.
    const values =
      given === undefined
        ? await embedOne(
            this.#options.embedder,
            input.embedding?.text ??
              taskDocument({ title: input.task.title ?? '', description: input.task.description ?? '' }),
            'createTaskWithEmbeddings',
          )
        : vectorComponents(given, 'embedding.vector').values;
    // A collection this process created with this dimension needs no round trip to check; one
    // dropped and re-created since with another is refused by the store's upsert instead.
    const vectorStore = this.#options.vector;
    const known = vectorStore && ensuredDimension(vectorStore, this.#options.collection);
    const info =
      known === values.length
        ? null
        : await vectorStore?.describeCollection(this.#options.collection).catch(() => null);
    if (info && info.dimension !== values.length) {
      const source =
        given === undefined ? `The embedder "${this.#options.embedder.name}" gives` : 'embedding.vector has';
      throw new OrchError(
        'ORCH_DIMENSION_MISMATCH',
        `${source} ${values.length} dimensions but collection "${info.name}" has ${info.dimension}.`,
        { kind: 'vector', details: { expected: info.dimension, actual: values.length } },
      );
    }
    return values;
  }
}

/** The tasks the edges name besides `self` (the one being created), which must all exist. */
async function checkEndpoints(
  repo: SqlTaskRepository,
  edges: readonly EdgeKey[],
  self: string,
): Promise<Task[]> {
  const ids = [...new Set(edges.flatMap((e) => [e.from, e.to]))].filter((id) => id !== self);
  if (ids.length === 0) return [];
  const tasks = await repo.getMany(ids);
  const found = new Set(tasks.map((t) => t.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new OrchError(
      'ORCH_NOT_FOUND',
      `Relationships refer to unknown task${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}; nothing was written.`,
      { kind: 'operational', details: { missing } },
    );
  }
  return tasks;
}

function normalizeRelationship(rel: RelationshipInput, i: number): EdgeKey {
  const r = rel as Record<string, unknown>;
  if (typeof rel !== 'object' || rel === null)
    throw new OrchError('ORCH_INVALID_INPUT', `relationships[${i}] must be an object.`);
  const from = r.from ?? r.from_id ?? '$self';
  const to = r.to ?? r.to_id;
  if (
    typeof from !== 'string' ||
    typeof to !== 'string' ||
    typeof r.type !== 'string' ||
    r.type.trim() === ''
  ) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `relationships[${i}] needs string from/to (or from_id/to_id) and a type.`,
    );
  }
  const type = normalizeRelationshipType(r.type);
  if (!/^[A-Z_][A-Z0-9_]{0,63}$/.test(type)) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `relationships[${i}].type ${JSON.stringify(r.type)} is not a valid relationship type.`,
    );
  }
  return { from, to, type };
}

function resolveSelf(edge: EdgeKey, id: string): EdgeKey {
  return {
    from: edge.from === '$self' ? id : edge.from,
    to: edge.to === '$self' ? id : edge.to,
    type: edge.type,
  };
}

function describe(error: unknown): { code: string; message: string } {
  if (isOrchError(error)) return { code: error.code, message: error.message };
  return {
    code: 'ORCH_QUERY_FAILED',
    message: redact(error instanceof Error ? error.message : String(error)),
  };
}

function result(task: Task, outcome: WriteOutcome): CrossStoreResult {
  return {
    task,
    applied: outcome.applied,
    pending: [...outcome.failed.map((f) => f.target), ...outcome.deferred],
    errors: outcome.failed.map((f) => ({ target: f.target, ...describe(f.error) })),
  };
}

export type { OutboxOperation };
