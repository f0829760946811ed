import {
  type EdgeKey,
  type GraphStore,
  isOrchError,
  type Metadata,
  type OperationalStore,
  OrchError,
  type VectorMetric,
  type VectorStore,
} from '@orch/core';
import { type BackoffPolicy, redact, validateMetadata } from '@orch/core/adapter-kit';
import type { Embedder } from '../embedding/embedder.js';
import { Outbox } from '../outbox/outbox.js';
import type { OutboxEntry, OutboxOperation, OutboxPayload, SyncTarget } from '../outbox/outbox-entry.js';
import type { SyncReport } from '../outbox/sync-report.js';
import { SqlTaskRepository } from '../repositories/tasks/sql-task-repository.js';
import type { CreateTaskInput, Task, UpdateTaskInput } from '../repositories/tasks/task-types.js';
import { type ApplyOutcome, applyEntry, type SyncStores } from './sync-applier.js';
import { DEPENDS_ON, normalizeRelationshipType, taskDocument } from './task-projection.js';

/**
 * A relationship in either the seed's shape (`from_id`/`to_id`) or orch's (`from`/`to`). Leave out
 * `from` (or write `'$self'` for either end) to mean the task being created, whose id may be generated.
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
  /** Why each pending store failed. */
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
}

/**
 * Cross-store task writes: the task row and an outbox entry commit in one operational
 * transaction, then the entry is applied to the vector and graph stores (idempotent upserts keyed
 * by the task id). What fails stays in the outbox for `syncPending()`.
 */
export class TaskSync {
  readonly #options: TaskSyncOptions;
  readonly #outbox: Outbox;

  constructor(options: TaskSyncOptions) {
    this.#options = options;
    this.#outbox = new Outbox({ backoff: options.backoff, now: () => new Date() });
  }

  /** What search and dependency helpers need. */
  get context(): SyncStores & { embedder: Embedder } {
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

  #targets(): SyncTarget[] {
    const targets: SyncTarget[] = [];
    if (this.#options.vector) targets.push('vector');
    if (this.#options.graph) targets.push('graph');
    return targets;
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
    const edges = (input.relationships ?? []).map(normalizeRelationship);
    const embeddingMetadata =
      input.embedding?.metadata === undefined
        ? undefined
        : validateMetadata(input.embedding.metadata, 'embedding');
    // The vector is computed before anything is written, so a bad embedding writes nothing.
    const vector = this.#options.vector ? await this.#vectorFor(input) : undefined;
    const { task, entry } = await this.#options.operational.transaction(async (tx) => {
      const repo = new SqlTaskRepository(tx);
      const created = await repo.create(input.task);
      const resolved = edges.map((e) => ({
        from: e.from === '$self' ? created.id : e.from,
        to: e.to === '$self' ? created.id : e.to,
        type: e.type,
      }));
      await this.#checkEndpoints(repo, resolved);
      const dependsOn = new Map<string, string[]>();
      for (const e of resolved)
        if (e.type === DEPENDS_ON) dependsOn.set(e.from, [...(dependsOn.get(e.from) ?? []), e.to]);
      for (const [from, to] of dependsOn) await repo.addDependencies(from, to);
      const payload: OutboxPayload = {
        ...(vector
          ? {
              embedding: {
                vector,
                ...(input.embedding?.text ? { document: input.embedding.text } : {}),
                ...(embeddingMetadata ? { metadata: embeddingMetadata } : {}),
              },
            }
          : {}),
        edges: resolved,
      };
      const outboxEntry = await this.#outbox.add(tx, created.id, 'upsert', payload, this.#targets());
      return { task: created, entry: outboxEntry };
    });
    const outcome = await this.#apply(entry);
    if (strict && outcome.failed.length > 0) await this.#undoCreate(task, entry, outcome);
    return result(task, outcome);
  }

  async updateTask(
    id: string,
    patch: UpdateTaskInput,
    options: { expectedVersion?: number },
  ): Promise<CrossStoreResult> {
    const { task, entry } = await this.#options.operational.transaction(async (tx) => {
      const repo = new SqlTaskRepository(tx);
      const updated = await repo.update(id, patch, options);
      const outboxEntry = await this.#outbox.add(tx, id, 'sync', {}, this.#targets());
      return { task: updated, entry: outboxEntry };
    });
    return result(task, await this.#apply(entry));
  }

  async deleteTask(
    id: string,
    options: { force?: boolean },
  ): Promise<CrossStoreResult & { deleted: string[] }> {
    const { task, ids, entries } = await this.#options.operational.transaction(async (tx) => {
      const repo = new SqlTaskRepository(tx);
      const existing = await repo.get(id);
      if (!existing)
        throw new OrchError('ORCH_NOT_FOUND', `Task "${id}" does not exist.`, {
          kind: 'operational',
          details: { id },
        });
      const tree = (await repo.hierarchy(id)).map((t) => t.id);
      await repo.delete(id, options);
      const added: OutboxEntry[] = [];
      for (const taskId of tree)
        added.push(await this.#outbox.add(tx, taskId, 'delete', {}, this.#targets()));
      return { task: existing, ids: tree, entries: added };
    });
    let last: ApplyOutcome = { applied: this.#targets(), failed: [] };
    const failed = new Map<SyncTarget, unknown>();
    for (const entry of entries) {
      last = await this.#apply(entry);
      for (const f of last.failed) failed.set(f.target, f.error);
    }
    const outcome: ApplyOutcome = {
      applied: this.#targets().filter((t) => !failed.has(t)),
      failed: [...failed].map(([target, error]) => ({ target, error })),
    };
    return { ...result(task, outcome), deleted: ids };
  }

  pendingCount(): Promise<number> {
    return this.#outbox.count(this.#options.operational);
  }

  async syncPending(options: { force?: boolean }): Promise<SyncReport> {
    const failures: { taskId: string; target: SyncTarget; code: string; message: string }[] = [];
    let completed = 0;
    // Entries of one task are applied in order: once one fails for a store, later ones for that
    // task and store wait, so an old write can never land after a newer one.
    const blocked = new Set<string>();
    for (const entry of await this.#outbox.due(this.#options.operational, options)) {
      const runnable = entry.pending.filter((t) => !blocked.has(`${entry.taskId}\u0000${t}`));
      if (runnable.length === 0) continue;
      const outcome = await this.#apply(entry, runnable);
      for (const f of outcome.failed) {
        blocked.add(`${entry.taskId}\u0000${f.target}`);
        failures.push({ taskId: entry.taskId, target: f.target, ...describe(f.error) });
      }
      if (outcome.failed.length === 0 && runnable.length === entry.pending.length) completed++;
    }
    const remaining = await this.#outbox.due(this.#options.operational, { force: true, limit: 1 });
    const pending = await this.pendingCount();
    const next = remaining[0] ? Math.max(0, Date.parse(remaining[0].nextAttemptAt) - Date.now()) : undefined;
    return { completed, pending, failures, ...(next !== undefined ? { nextAttemptInMs: next } : {}) };
  }

  async #apply(entry: OutboxEntry, targets: readonly SyncTarget[] = entry.pending): Promise<ApplyOutcome> {
    const outcome = await applyEntry(entry, this.context, targets);
    const remaining = entry.pending.filter((t) => !outcome.applied.includes(t));
    const error = outcome.failed.map((f) => `${f.target}: ${describe(f.error).message}`).join('; ');
    await this.#outbox.settle(this.#options.operational, entry, remaining, error || undefined);
    return outcome;
  }

  /**
   * Strict mode: remove what reached the other stores, then the row and the entry. A store that
   * cannot be cleaned now gets a `delete` entry, so it converges to "no trace" as soon as it is back.
   */
  async #undoCreate(task: Task, entry: OutboxEntry, outcome: ApplyOutcome): Promise<never> {
    const { operational } = this.#options;
    const compensation = await operational.transaction(async (tx) => {
      await new SqlTaskRepository(tx).delete(task.id, { force: true });
      await this.#outbox.remove(tx, entry.id);
      return this.#outbox.add(tx, task.id, 'delete', {}, this.#targets());
    });
    await this.#apply(compensation);
    const reasons = outcome.failed.map((f) => `${f.target}: ${describe(f.error).message}`).join('; ');
    const first = outcome.failed[0]!.error;
    throw new OrchError(
      isOrchError(first) ? first.code : 'ORCH_CONNECTION_FAILED',
      `createTaskWithEmbeddings (strict) could not write task "${task.id}" to every store (${reasons}); everything written was undone.`,
      {
        cause: first,
        retriable: isOrchError(first) ? first.retriable : true,
        details: { taskId: task.id, failed: outcome.failed.map((f) => f.target) },
      },
    );
  }

  async #vectorFor(input: CreateTaskWithEmbeddingsInput): Promise<number[]> {
    const given = input.embedding?.vector;
    if (given !== undefined) {
      if (!Array.isArray(given) && !ArrayBuffer.isView(given))
        throw new OrchError('ORCH_INVALID_INPUT', 'embedding.vector must be an array of numbers.');
      const values = Array.from(given as ArrayLike<number>);
      values.forEach((v, i) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new OrchError(
            'ORCH_INVALID_INPUT',
            `embedding.vector[${i}] is ${String(v)}; every component must be a finite number.`,
          );
        }
      });
      if (values.length === 0) throw new OrchError('ORCH_INVALID_INPUT', 'embedding.vector is empty.');
      const info = await this.#options.vector?.describeCollection(this.#options.collection).catch(() => null);
      if (info && info.dimension !== values.length) {
        throw new OrchError(
          'ORCH_DIMENSION_MISMATCH',
          `embedding.vector has ${values.length} dimensions but collection "${info.name}" has ${info.dimension}.`,
          { kind: 'vector', details: { expected: info.dimension, actual: values.length } },
        );
      }
      return values;
    }
    const text =
      input.embedding?.text ??
      taskDocument({ title: input.task.title ?? '', description: input.task.description ?? '' });
    const [vector] = await this.#options.embedder.embed([text]);
    return vector!;
  }

  async #checkEndpoints(repo: SqlTaskRepository, edges: readonly EdgeKey[]): Promise<void> {
    const ids = [...new Set(edges.flatMap((e) => [e.from, e.to]))];
    const found = new Set((await repo.getMany(ids)).map((t) => t.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new OrchError(
        'ORCH_NOT_FOUND',
        `Relationships refer to unknown task${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}; nothing was written.`,
        { kind: 'operational', details: { missing } },
      );
    }
  }
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

function describe(error: unknown): { code: string; message: string } {
  if (isOrchError(error)) return { code: error.code, message: error.message };
  return {
    code: 'ORCH_QUERY_FAILED',
    message: redact(error instanceof Error ? error.message : String(error)),
  };
}

function result(task: Task, outcome: ApplyOutcome): CrossStoreResult {
  return {
    task,
    applied: outcome.applied,
    pending: outcome.failed.map((f) => f.target),
    errors: outcome.failed.map((f) => ({ target: f.target, ...describe(f.error) })),
  };
}

export type { OutboxOperation };
