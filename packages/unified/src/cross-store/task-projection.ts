import type { GraphNodeInput, Metadata } from '@orch/core';
import type { Task } from '../repositories/tasks/task-types.js';

/** The label of task nodes in the graph store. */
export const TASK_LABEL = 'Task';
/** The edge type for "depends on", stored from the dependent task to its dependency. */
export const DEPENDS_ON = 'DEPENDS_ON';

/**
 * Relationship types often arrive in snake case (`depends_on`); graph types are stored in
 * upper snake case so `depends_on`, `DependsOn` and `DEPENDS_ON` are one type.
 */
export function normalizeRelationshipType(type: string): string {
  return type
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toUpperCase();
}

/** What the vector store keeps next to a task's embedding: scalars only, for filtering. */
export function taskVectorMetadata(task: Task, extra: Metadata = {}): Metadata {
  const meta: Metadata = { ...extra, status: task.status, type: task.type, priority: task.priority };
  if (task.parentId) meta.parentId = task.parentId;
  if (task.sessionId) meta.sessionId = task.sessionId;
  if (task.specialist) meta.specialist = task.specialist;
  if (task.complexity) meta.complexity = task.complexity;
  return meta;
}

/** The task's node in the graph store. */
export function taskGraphNode(task: Task): GraphNodeInput {
  const properties: Record<string, string | number> = {
    title: task.title,
    status: task.status,
    type: task.type,
  };
  if (task.parentId) properties.parentId = task.parentId;
  return { id: task.id, labels: [TASK_LABEL], properties };
}

/** The text embedded for a task when the caller gives none. */
export function taskDocument(task: Pick<Task, 'title' | 'description'>): string {
  return task.description ? `${task.title}\n${task.description}` : task.title;
}
