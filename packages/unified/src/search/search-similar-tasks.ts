import { type Filter, type Neighbor, OrchError } from '@orch/core';
import { loadTasks } from '../cross-store/load-tasks.js';
import type { SyncStores } from '../cross-store/sync-applier.js';
import { DEPENDS_ON } from '../cross-store/task-projection.js';
import { embedOne } from '../embedding/embed-one.js';
import type { Embedder } from '../embedding/embedder.js';
import type { Task } from '../repositories/tasks/task-types.js';

export interface SimilarTaskOptions {
  /** Default 10. */
  readonly topK?: number;
  /** On the vector metadata: `status`, `type`, `priority`, `parentId`, `sessionId`, `specialist`, `complexity`, and what was given at creation. */
  readonly filter?: Filter;
  /** Also return each hit's graph neighbours (dependencies and dependents, one hop). */
  readonly withNeighbors?: boolean;
}

export interface SimilarTask {
  readonly task: Task;
  readonly score: number;
  readonly distance: number;
  readonly neighbors?: Neighbor[];
}

/**
 * Vector search joined with the task rows. Hits whose row is gone (a delete not yet replayed to
 * the vector store) are dropped, so callers never see a task that does not exist.
 */
export async function searchSimilarTasks(
  context: SyncStores & { embedder: Embedder },
  query: string | readonly number[],
  options: SimilarTaskOptions = {},
): Promise<SimilarTask[]> {
  if (!context.vector) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      'searchSimilarTasks needs a vector store: configure databases.vector.',
      { kind: 'vector' },
    );
  }
  const vector =
    typeof query === 'string' ? await embedOne(context.embedder, query, 'searchSimilarTasks') : query;
  const info = await context.vector.describeCollection(context.collection);
  if (!info) return []; // no task has been embedded yet
  const hits = await context.vector.query(context.collection, {
    vector,
    topK: options.topK ?? 10,
    ...(options.filter ? { filter: options.filter } : {}),
    include: { metadata: false, documents: false },
  });
  const tasks = await loadTasks(
    context.operational,
    hits.map((h) => h.id),
  );
  const results: SimilarTask[] = [];
  for (const hit of hits) {
    const task = tasks.get(hit.id);
    if (!task) continue;
    let neighbors: Neighbor[] | undefined;
    if (options.withNeighbors && context.graph) {
      neighbors = await context.graph
        .neighbors(hit.id, { direction: 'both', types: [DEPENDS_ON] })
        .catch(() => []); // the node may still be pending in the outbox
    }
    results.push({ task, score: hit.score, distance: hit.distance, ...(neighbors ? { neighbors } : {}) });
  }
  return results;
}
