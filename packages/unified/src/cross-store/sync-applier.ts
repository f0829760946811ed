import {
  type EdgeKey,
  type GraphStore,
  isOrchError,
  type SqlExecutor,
  type VectorMetric,
  type VectorStore,
} from '@orch/core';
import type { OutboxEntry, SyncTarget } from '../outbox/outbox-entry.js';
import type { Task } from '../repositories/tasks/task-types.js';
import { loadTasks } from './load-tasks.js';
import { taskDocument, taskGraphNode, taskVectorMetadata } from './task-projection.js';

export interface SyncStores {
  readonly operational: SqlExecutor;
  readonly vector: VectorStore | undefined;
  readonly graph: GraphStore | undefined;
  readonly collection: string;
  readonly metric: VectorMetric;
}

export interface ApplyOutcome {
  readonly applied: SyncTarget[];
  readonly failed: { readonly target: SyncTarget; readonly error: unknown }[];
}

/**
 * Apply one outbox entry to the vector and graph stores. Every write is an idempotent upsert or
 * delete keyed by the task id, and every write is derived from the task row as it is *now*: an
 * entry replayed late for a task deleted since only deletes, so a replay can never resurrect an
 * orphan embedding or edge.
 */
export async function applyEntry(
  entry: OutboxEntry,
  stores: SyncStores,
  targets: readonly SyncTarget[] = entry.pending,
): Promise<ApplyOutcome> {
  const applied: SyncTarget[] = [];
  const failed: { target: SyncTarget; error: unknown }[] = [];
  const endpointIds = new Set<string>([entry.taskId]);
  for (const e of entry.payload.edges ?? []) {
    endpointIds.add(e.from);
    endpointIds.add(e.to);
  }
  const tasks = await loadTasks(stores.operational, [...endpointIds]);
  const task = tasks.get(entry.taskId);
  for (const target of targets) {
    try {
      if (target === 'vector') await applyVector(entry, task, stores);
      else await applyGraph(entry, task, tasks, stores);
      applied.push(target);
    } catch (error) {
      failed.push({ target, error });
    }
  }
  return { applied, failed };
}

// Collections this process has ensured (same dimension and metric), per store: ensureCollection is
// a round trip per write otherwise, about as costly as the upsert itself.
const ensured = new WeakMap<VectorStore, Set<string>>();
function ensuredCollections(store: VectorStore): Set<string> {
  let names = ensured.get(store);
  if (!names) {
    names = new Set();
    ensured.set(store, names);
  }
  return names;
}

async function applyVector(entry: OutboxEntry, task: Task | undefined, stores: SyncStores): Promise<void> {
  const vector = stores.vector;
  if (!vector) return;
  if (!task || entry.operation === 'delete') {
    await ignoreMissingCollection(vector.delete(stores.collection, { ids: [entry.taskId] }));
    return;
  }
  if (entry.operation === 'upsert' && entry.payload.embedding) {
    const { embedding } = entry.payload;
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
      ensuredCollections(vector).add(stores.collection);
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
  // sync: keep the stored vector, refresh what is derived from the row.
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
  task: Task | undefined,
  tasks: Map<string, Task>,
  stores: SyncStores,
): Promise<void> {
  const graph = stores.graph;
  if (!graph) return;
  if (!task || entry.operation === 'delete') {
    await graph.deleteNodes([entry.taskId]);
    return;
  }
  // Endpoints are upserted from their rows first, so an edge never waits for another task's replay.
  const edges: EdgeKey[] = (entry.payload.edges ?? []).filter((e) => tasks.has(e.from) && tasks.has(e.to));
  const nodeIds = new Set([task.id, ...edges.flatMap((e) => [e.from, e.to])]);
  await graph.upsertNodes([...nodeIds].map((id) => taskGraphNode(tasks.get(id)!)));
  if (edges.length > 0) await graph.upsertEdges(edges);
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
