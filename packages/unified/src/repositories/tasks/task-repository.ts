import type { Page, PageOptions, VersionOptions } from '../repository-types.js';
import type { TimeInput } from '../shared/input.js';
import type {
  CreateTaskInput,
  JsonObject,
  Task,
  TaskArtifact,
  TaskStatus,
  TaskWithRelations,
  UpdateTaskInput,
} from './task-types.js';

/** Conditions shared by {@link TaskRepository.query} and {@link TaskRepository.metrics}. All given conditions must hold. */
export interface TaskFilter {
  /** Any of these statuses (an empty array matches nothing). */
  readonly status?: readonly TaskStatus[];
  readonly type?: readonly string[];
  readonly specialist?: readonly string[];
  readonly complexity?: readonly string[];
  /** A parent id, or `null` for root tasks only. */
  readonly parentId?: string | null;
  /** A session id, or `null` for tasks without a session. */
  readonly sessionId?: string | null;
  /** `created_at >= createdAfter` (inclusive). */
  readonly createdAfter?: TimeInput;
  /** `created_at < createdBefore` (exclusive), so consecutive windows never overlap. */
  readonly createdBefore?: TimeInput;
  readonly updatedAfter?: TimeInput;
  readonly updatedBefore?: TimeInput;
  /** Case-insensitive substring of title or description; `%`, `_` and `\` are matched literally. */
  readonly text?: string;
}

export type TaskSortField = 'createdAt' | 'updatedAt' | 'priority' | 'title';

export interface TaskQuery extends TaskFilter, PageOptions {
  /** Default `createdAt`. `title` sorts case-insensitively. Ties are broken by id in the same direction. */
  readonly sortBy?: TaskSortField;
  /** Default `asc`. */
  readonly sortOrder?: 'asc' | 'desc';
}

export interface DeleteTaskOptions {
  /** Delete even when tasks outside the deleted subtree depend on it (those dependency edges go too). */
  readonly force?: boolean;
}

export interface CancelTaskOptions extends VersionOptions {
  readonly reason?: string;
}

export interface AddArtifactInput {
  readonly id?: string;
  readonly name: string;
  /** Free-form kind such as `text`, `code`, `file`, `json`. Default `text`. */
  readonly kind?: string;
  readonly content: string;
  readonly metadata?: JsonObject;
}

export interface TaskDependencyIds {
  /** Tasks this one depends on. */
  readonly dependsOn: string[];
  /** Tasks that depend on this one. */
  readonly dependents: string[];
}

/** A task in a hierarchy, with its depth below the root (root = 0). */
export interface TaskHierarchyItem extends Task {
  readonly depth: number;
}

export interface TaskTreeNode extends TaskHierarchyItem {
  readonly children: TaskTreeNode[];
}

export interface HierarchyOptions {
  /** Stop this many levels below the root (default 1000). */
  readonly maxDepth?: number;
}

export interface TaskMetrics {
  readonly total: number;
  /** Every status, zero-filled. */
  readonly byStatus: Record<TaskStatus, number>;
  readonly byType: Record<string, number>;
  /** Tasks per specialist; tasks without one are not counted here. */
  readonly bySpecialist: Record<string, number>;
  /** Tasks with a completion time (reached `completed`). */
  readonly completed: number;
  /** `completed / total`, or `null` when there are no tasks. */
  readonly completionRate: number | null;
  /** Mean of `completedAt - createdAt` in milliseconds over completed tasks, or `null`. */
  readonly averageCompletionMs: number | null;
  /** Tasks in `created`, `planning`, `ready`, `active`, `blocked` or `review`. */
  readonly open: number;
}

export interface CleanupTasksOptions {
  /** Tasks last updated before this time are eligible. */
  readonly olderThan: TimeInput;
  /** Which statuses count as finished (default `completed`, `failed`, `archived`, `superseded`). */
  readonly statuses?: readonly TaskStatus[];
  /** Tasks deleted per transaction (default 100, at most 1000). */
  readonly batchSize?: number;
}

export interface ModifyOptions {
  /** Attempts before giving up with the last `ORCH_CONFLICT` (default 50). */
  readonly maxAttempts?: number;
}

/**
 * Tasks, their subtasks, artifacts and dependencies. Unknown ids reject with `ORCH_NOT_FOUND`
 * (except `get`, which returns `null`), bad input with `ORCH_INVALID_INPUT` naming the field.
 */
export interface TaskRepository {
  /** Create a task. Id generated unless given (duplicate → `ORCH_CONFLICT`); the parent must exist. */
  create(input: CreateTaskInput): Promise<Task>;
  /** The task with its artifacts and dependency ids in both directions, or `null`. */
  get(id: string): Promise<TaskWithRelations | null>;
  /**
   * The rows of the given tasks (without artifacts and dependency ids), in the order asked,
   * each id once; unknown ids are left out. One query per 500 ids.
   */
  getMany(ids: readonly string[]): Promise<Task[]>;
  /**
   * Partial update: only given fields change, metadata is merged (a key set to `undefined` is
   * removed). Status follows `TASK_TRANSITIONS`. `version` += 1 on every update.
   */
  update(id: string, patch: UpdateTaskInput, options?: VersionOptions): Promise<Task>;
  /**
   * Read-modify-write: `fn` gets the current task and returns the patch (or `null` for no change);
   * retried on version conflicts, so concurrent `modify` calls never lose an update. `fn` runs
   * inside the write transaction (the row is locked on PostgreSQL): keep it short and free of
   * slow I/O, and expect it to be called again on a retry.
   */
  modify(
    id: string,
    fn: (task: Task) => UpdateTaskInput | null | Promise<UpdateTaskInput | null>,
    options?: ModifyOptions,
  ): Promise<Task>;
  /** Delete the task with its subtasks, artifacts, dependency edges and assignments. `false` when it did not exist. */
  delete(id: string, options?: DeleteTaskOptions): Promise<boolean>;
  /** Move the task to `archived` (only where the lifecycle allows it). */
  archive(id: string, options?: VersionOptions): Promise<Task>;
  /**
   * Stop the task: `failed` once work started (`active`, `blocked`, `review`), `archived` before
   * (`created`, `planning`, `ready`); result `cancelled: <reason>`, `metadata.cancelled = { reason, at }`.
   * Finished tasks → `ORCH_CONFLICT`.
   */
  cancel(id: string, options?: CancelTaskOptions): Promise<Task>;
  query(query?: TaskQuery): Promise<Page<Task>>;
  /** Direct children, oldest first. */
  subtasks(parentId: string): Promise<Task[]>;
  /**
   * The task and all its descendants as a flat list with depths (root = 0), in depth-first
   * pre-order (siblings by creation time, then id). Unknown root → `ORCH_NOT_FOUND`.
   */
  hierarchy(rootId: string, options?: HierarchyOptions): Promise<TaskHierarchyItem[]>;
  /** The same as {@link hierarchy}, as a tree. */
  tree(rootId: string, options?: HierarchyOptions): Promise<TaskTreeNode>;
  addArtifact(taskId: string, input: AddArtifactInput): Promise<TaskArtifact>;
  listArtifacts(taskId: string): Promise<TaskArtifact[]>;
  deleteArtifact(artifactId: string): Promise<boolean>;
  /** `taskId` depends on `dependsOnId`. Idempotent (`false` when the edge existed); cycles → `ORCH_CONFLICT`. */
  addDependency(taskId: string, dependsOnId: string): Promise<boolean>;
  /**
   * `taskId` depends on each of `dependsOnIds`, all or nothing, with the checks of
   * {@link addDependency} (unknown ids → `ORCH_NOT_FOUND`, cycles → `ORCH_CONFLICT`). Returns the
   * ids whose edge is new, in the order given.
   */
  addDependencies(taskId: string, dependsOnIds: readonly string[]): Promise<string[]>;
  /** `false` when there was no such edge. */
  removeDependency(taskId: string, dependsOnId: string): Promise<boolean>;
  dependencies(taskId: string): Promise<TaskDependencyIds>;
  metrics(filter?: TaskFilter): Promise<TaskMetrics>;
  /** Delete finished tasks older than a date, one transaction per batch; returns how many were deleted. */
  cleanup(options: CleanupTasksOptions): Promise<number>;
}
