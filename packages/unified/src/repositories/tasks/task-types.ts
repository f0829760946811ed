import type { JsonObject } from '../repository-types.js';

/** Task lifecycle states. */
export const TASK_STATUSES = [
  'created',
  'planning',
  'ready',
  'active',
  'blocked',
  'review',
  'completed',
  'failed',
  'archived',
  'superseded',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The only status changes allowed; anything else is `ORCH_CONFLICT`. archived and superseded are final. */
export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  created: ['planning', 'ready', 'active', 'archived'],
  planning: ['ready', 'blocked', 'archived'],
  ready: ['active', 'blocked', 'archived'],
  active: ['blocked', 'review', 'completed', 'failed', 'archived'],
  blocked: ['ready', 'active', 'failed', 'archived'],
  review: ['active', 'completed', 'failed'],
  completed: ['archived', 'superseded'],
  failed: ['archived', 'superseded'],
  archived: [],
  superseded: [],
};

export type { JsonObject };

/** Statuses `cleanup` treats as finished unless told otherwise. */
export const FINISHED_TASK_STATUSES: readonly TaskStatus[] = [
  'completed',
  'failed',
  'archived',
  'superseded',
];

/** Statuses of tasks still to be done or under way (counted as `open` by `metrics`): all but the finished ones. */
export const OPEN_TASK_STATUSES: readonly TaskStatus[] = TASK_STATUSES.filter(
  (s) => !FINISHED_TASK_STATUSES.includes(s),
);

export interface Task {
  readonly id: string;
  readonly parentId: string | null;
  readonly sessionId: string | null;
  readonly title: string;
  readonly description: string;
  readonly type: string;
  readonly status: TaskStatus;
  readonly specialist: string | null;
  readonly complexity: string | null;
  readonly priority: number;
  readonly result: string | null;
  readonly metadata: JsonObject;
  /** Starts at 1; every update increments it. Pass it back as `expectedVersion` to detect lost updates. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly completedAt: string | null;
}

export interface TaskWithRelations extends Task {
  readonly artifacts: TaskArtifact[];
  /** Tasks this one depends on. */
  readonly dependsOn: string[];
  /** Tasks that depend on this one. */
  readonly dependents: string[];
}

export interface CreateTaskInput {
  /** Generated (UUID) when absent. */
  readonly id?: string;
  readonly title: string;
  readonly description?: string;
  readonly type?: string;
  /** Defaults to `created`. */
  readonly status?: TaskStatus;
  readonly parentId?: string | null;
  readonly sessionId?: string | null;
  readonly specialist?: string | null;
  readonly complexity?: string | null;
  readonly priority?: number;
  readonly metadata?: JsonObject;
  /**
   * Tasks this one depends on, recorded with it in the same write (each must exist). A task that
   * is only being created has no dependents, so these edges can never close a cycle.
   */
  readonly dependsOn?: readonly string[];
}

export interface UpdateTaskInput {
  readonly title?: string;
  readonly description?: string;
  readonly type?: string;
  readonly status?: TaskStatus;
  readonly specialist?: string | null;
  readonly complexity?: string | null;
  readonly priority?: number;
  readonly result?: string | null;
  /** Merged into the existing metadata (keys given replace, others stay). */
  readonly metadata?: JsonObject;
  readonly parentId?: string | null;
  readonly sessionId?: string | null;
}

export interface TaskArtifact {
  readonly id: string;
  readonly taskId: string;
  readonly name: string;
  readonly kind: string;
  readonly content: string;
  readonly metadata: JsonObject;
  readonly createdAt: string;
}
