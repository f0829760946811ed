import {
  type EdgeKey,
  type GraphStore,
  isOrchError,
  type SqlExecutor,
  type VectorMetric,
  type VectorStore,
} from '@orch/core';
import { embedOne } from '../embedding/embed-one.js';
import type { Embedder } from '../embedding/embedder.js';
import type { OutboxEntry, OutboxOperation, OutboxPayload, SyncTarget } from '../outbox/outbox-entry.js';
import { TASK_COLUMNS, type TaskRow, toTask } from '../repositories/tasks/task-rows.js';
import type { Task } from '../repositories/tasks/task-types.js';
import { Db } from '../util/db.js';
import { chunks, marks } from '../util/sql-lists.js';
import { DEPENDS_ON, taskDocument, taskGraphNode, taskVectorMetadata } from './task-projection.js';

export interface SyncStores {
  readonly operational: SqlExecutor;
  readonly vector: VectorStore | undefined;
  readonly graph: GraphStore | undefined;
  readonly collection: string;
  readonly metric: VectorMetric;
  /** Embeds tasks created without an embedding (through the manager's task repository). */
  readonly embedder: Embedder;
}

export interface ApplyOutcome {
  readonly applied: SyncTarget[];
  readonly failed: { readonly target: SyncTarget; readonly error: unknown }[];
}

/** What an entry is applied from: the rows as they are now. */
export interface TaskView {
  /** The entry's task; undefined when its row is gone. */
  readonly task: Task | undefined;
  /** Tasks the entry's task depends on (rows of `task_dependencies`), that exist. */
  readonly dependsOn: readonly string[];
  /** Every task the entry touches, by id. */
  readonly tasks: ReadonlyMap<string, Task>;
}

/**
 * Apply one outbox entry to the vector and graph stores. Every write is an idempotent upsert or
 * delete keyed by the task id, derived from the rows as they are *now*, whatever the operation
 * that recorded the entry: a task whose row is gone is removed (its node with its edges), a task
 * that exists gets its node and its `DEPENDS_ON` edges exactly as `task_dependencies` has them
 * (stale edges are removed). So entries may be applied late, twice or out of order: the mirror
 * ends up matching the rows, and a replay can never resurrect an orphan embedding or edge.
 */
export async function applyEntry(
  entry: OutboxEntry,
  stores: SyncStores,
  targets: readonly SyncTarget[] = entry.pending,
): Promise<ApplyOutcome> {
  const view = await readView(entry, stores, targets);
  const applied: SyncTarget[] = [];
  const failed: { target: SyncTarget; error: unknown }[] = [];
  for (const target of targets) {
    try {
      await applyTarget(target, entry, view, stores);
      applied.push(target);
    } catch (error) {
      failed.push({ target, error });
    }
  }
  return { applied, failed };
}

/**
 * Apply an entry inside the caller's transaction `tx` (stores that share its engine). Both
 * targets go in one savepoint, their statements issued together; if one fails, that savepoint
 * rolls back, the failing one is returned (and left out), and the others are written again in a
 * savepoint of their own, so they stay in the transaction. `view`: the rows, when the caller
 * already has them (a task it has just written), else they are read.
 */
export async function applyInSavepoints(
  tx: Db,
  entry: OutboxEntry,
  stores: SyncStores,
  given?: TaskView,
): Promise<ApplyOutcome['failed']> {
  const view = given ?? (await readView(entry, stores, entry.pending));
  const applyTo = (target: SyncTarget) => applyTarget(target, entry, view, stores, true);
  const failed: ApplyOutcome['failed'] = [];
  try {
    await tx.transaction(async () => {
      const settled = await Promise.allSettled(entry.pending.map(applyTo));
      settled.forEach((r, i) => {
        if (r.status === 'rejected') failed.push({ target: entry.pending[i]!, error: r.reason });
      });
      if (failed.length > 0) throw failed[0]!.error;
    });
    return [];
  } catch (error) {
    if (failed.length === 0) return entry.pending.map((target) => ({ target, error }));
  }
  // One part failed: the savepoint took the others with it; write them again on their own.
  for (const target of entry.pending) {
    if (failed.some((f) => f.target === target)) continue;
    try {
      await tx.transaction(() => applyTo(target));
    } catch (error) {
      failed.push({ target, error });
    }
  }
  return failed;
}

/** An entry that is applied at once and never stored (a write whose stores share one transaction). */
export function transientEntry(
  taskId: string,
  operation: OutboxOperation,
  payload: OutboxPayload,
  pending: readonly SyncTarget[],
): OutboxEntry {
  return {
    id: -1,
    taskId,
    operation,
    payload,
    pending: [...pending],
    attempts: 0,
    nextAttemptAt: '',
    lastError: null,
    createdAt: '',
  };
}

/** Targets in their fixed order (vector, then graph). */
export function sortTargets(targets: readonly SyncTarget[]): SyncTarget[] {
  return (['vector', 'graph'] as const).filter((t) => targets.includes(t));
}

/**
 * Write one target's part of an entry from `view`. `joined`: the stores run the writes in the
 * caller's transaction, on its connection, so statements reach the engine in the order they are
 * issued.
 */
function applyTarget(
  target: SyncTarget,
  entry: OutboxEntry,
  view: TaskView,
  stores: SyncStores,
  joined = false,
): Promise<void> {
  return target === 'vector'
    ? applyVector(entry, view.task, stores)
    : applyGraph(entry, view, stores, joined);
}

/**
 * The entry's task, its dependencies (when the graph is written) and the endpoints of the
 * entry's edges, in one query per 500 ids: task rows by id, and (first chunk) the rows of the
 * tasks the entry's task depends on, flagged.
 */
async function readView(
  entry: OutboxEntry,
  stores: SyncStores,
  targets: readonly SyncTarget[],
): Promise<TaskView> {
  // The dependency rows are needed only for the graph.
  const withEdges = targets.includes('graph') && stores.graph !== undefined;
  const ids = new Set<string>([entry.taskId]);
  for (const e of entry.payload.edges ?? []) {
    ids.add(e.from);
    ids.add(e.to);
  }
  const db = new Db(stores.operational);
  const columns = TASK_COLUMNS.split(', ');
  const tasks = new Map<string, Task>();
  const dependsOn: string[] = [];
  for (const [i, chunk] of chunks([...ids]).entries()) {
    const deps = withEdges && i === 0;
    const rows = await db.query<TaskRow & { dep: number | string }>(
      `SELECT ${TASK_COLUMNS}, 0 AS dep FROM tasks WHERE id IN (${marks(chunk.length)})${
        deps
          ? ` UNION ALL SELECT ${columns.map((c) => `t.${c}`).join(', ')}, 1 AS dep
               FROM task_dependencies d JOIN tasks t ON t.id = d.depends_on_id WHERE d.task_id = ?`
          : ''
      }`,
      deps ? [...chunk, entry.taskId] : chunk,
    );
    for (const row of rows) {
      if (!tasks.has(row.id)) tasks.set(row.id, toTask(row));
      if (Number(row.dep) === 1) dependsOn.push(row.id);
    }
  }
  return { task: tasks.get(entry.taskId), dependsOn: [...new Set(dependsOn)].sort(), tasks };
}

// Collections this process has ensured, with their dimension, per store: ensureCollection is a
// round trip per write otherwise, about as costly as the upsert itself.
const ensured = new WeakMap<VectorStore, Map<string, number>>();
function ensuredCollections(store: VectorStore): Map<string, number> {
  let names = ensured.get(store);
  if (!names) {
    names = new Map();
    ensured.set(store, names);
  }
  return names;
}

/** The dimension of a collection this process ensured, if it did. */
export function ensuredDimension(store: VectorStore, collection: string): number | undefined {
  return ensured.get(store)?.get(collection);
}

async function applyVector(entry: OutboxEntry, task: Task | undefined, stores: SyncStores): Promise<void> {
  const vector = stores.vector;
  if (!vector) return;
  if (!task) {
    await ignoreMissingCollection(vector.delete(stores.collection, { ids: [entry.taskId] }));
    return;
  }
  if (entry.operation === 'upsert') {
    // Created with an embedding (createTaskWithEmbeddings), or without one (the task repository):
    // then the task's text is embedded now.
    const embedding = entry.payload.embedding ?? {
      vector: await embedOne(stores.embedder, taskDocument(task), `task "${task.id}"`),
    };
    const record = {
      id: task.id,
      vector: embedding.vector,
      metadata: taskVectorMetadata(task, embedding.metadata),
      document: embedding.document ?? taskDocument(task),
    };
    const ensure = () =>
      vector.ensureCollection(stores.collection, {
        dimension: embedding.vector.length,
        metric: stores.metric,
      });
    if (!ensuredCollections(vector).has(stores.collection)) {
      await ensure();
      ensuredCollections(vector).set(stores.collection, embedding.vector.length);
    }
    try {
      await vector.upsert(stores.collection, [record]);
    } catch (err) {
      // Dropped behind our back since we ensured it: create it again, once.
      if (!isOrchError(err, 'ORCH_NOT_FOUND')) throw err;
      await ensure();
      await vector.upsert(stores.collection, [record]);
    }
    return;
  }
  // Anything else: keep the stored vector, refresh what is derived from the row. (A task whose
  // embedding is not written yet gets it from its own pending `upsert` entry.)
  const [existing] = await ignoreMissingCollection(vector.get(stores.collection, [task.id]));
  if (!existing?.vector) return;
  await vector.upsert(stores.collection, [
    {
      id: task.id,
      vector: existing.vector,
      metadata: taskVectorMetadata(task, pickExtra(existing.metadata)),
      document: existing.document ?? taskDocument(task),
    },
  ]);
}

async function applyGraph(
  entry: OutboxEntry,
  view: TaskView,
  stores: SyncStores,
  joined: boolean,
): Promise<void> {
  const graph = stores.graph;
  if (!graph) return;
  const { task, tasks, dependsOn } = view;
  if (!task) {
    await graph.deleteNodes([entry.taskId]);
    return;
  }
  // DEPENDS_ON edges come from the rows; other relationship types given at creation are kept
  // as given (they live only in the graph).
  const wanted: EdgeKey[] = [
    ...dependsOn.map((to) => ({ from: task.id, to, type: DEPENDS_ON })),
    ...(entry.payload.edges ?? []).filter(
      (e) => e.type !== DEPENDS_ON && tasks.has(e.from) && tasks.has(e.to),
    ),
  ];
  // Endpoints are upserted from their rows first, so an edge never waits for another task's replay.
  const nodeIds = new Set([task.id, ...wanted.flatMap((e) => [e.from, e.to])]);
  const nodes = [...nodeIds].map((id) => taskGraphNode(tasks.get(id)!));
  if (entry.operation === 'upsert' && joined && wanted.length > 0) {
    // In the caller's transaction the edges run after the nodes as issued, so they need not wait
    // for the nodes' answer: both reach the engine together (one round trip fewer per create).
    const [nodesDone, edgesDone] = await Promise.allSettled([
      graph.upsertNodes(nodes),
      graph.upsertEdges(wanted),
    ]);
    if (nodesDone.status === 'rejected') throw nodesDone.reason;
    if (edgesDone.status === 'rejected') throw edgesDone.reason;
    return;
  }
  await graph.upsertNodes(nodes);
  // Edges the rows no longer have go. Not needed for a created task: edges a graph could still
  // hold from an earlier task with the same id belong to that task's own pending entries, which
  // remove them when they run (this skips a round trip on every create).
  if (entry.operation !== 'upsert') {
    const present = await graph.getEdges(task.id, { direction: 'out', types: [DEPENDS_ON] });
    const keep = new Set(dependsOn);
    const stale = present.filter((e) => e.from === task.id && !keep.has(e.to));
    if (stale.length > 0) await graph.deleteEdges(stale.map(({ from, to, type }) => ({ from, to, type })));
  }
  if (wanted.length > 0) await graph.upsertEdges(wanted);
}

/** Metadata keys the caller added at creation (everything not derived from the row). */
function pickExtra(
  metadata: Record<string, string | number | boolean> | undefined,
): Record<string, string | number | boolean> {
  const derived = new Set([
    'status',
    'type',
    'priority',
    'parentId',
    'sessionId',
    'specialist',
    'complexity',
  ]);
  return Object.fromEntries(Object.entries(metadata ?? {}).filter(([k]) => !derived.has(k)));
}

async function ignoreMissingCollection<T>(p: Promise<T>): Promise<T | []> {
  try {
    return await p;
  } catch (err) {
    if (isOrchError(err, 'ORCH_NOT_FOUND')) return [];
    throw err;
  }
}
