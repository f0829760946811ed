import type { SqlExecutor } from '@orch/core';
import { Db } from '../../util/db.js';
import type { Page, RepositoryOptions, VersionOptions } from '../repository-types.js';
import { checkId } from '../shared/input.js';
import { repositoryContext } from '../shared/repository-context.js';
import { addArtifact, deleteArtifact, listArtifacts } from './task-artifacts.js';
import { cleanupTasks } from './task-cleanup.js';
import type { TaskContext } from './task-context.js';
import { createTask, deleteTask, getTask, getTasks } from './task-crud.js';
import { addDependencies, dependencies, removeDependency } from './task-dependency-edges.js';
import { subtasks, taskHierarchy, taskTree } from './task-hierarchy.js';
import { taskMetrics } from './task-metrics.js';
import { queryTasks } from './task-query.js';
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
import type {
  CreateTaskInput,
  Task,
  TaskArtifact,
  TaskWithRelations,
  UpdateTaskInput,
} from './task-types.js';
import { cancelTask, modifyTask, updateTask } from './task-updates.js';
import { writeScopeOf } from './task-write-scope.js';

/**
 * {@link TaskRepository} over any `SqlExecutor` (the store, or a transaction handle: then every
 * method joins that transaction, using savepoints for its own atomic steps). Each concept lives in
 * its own module (CRUD, updates, hierarchy, artifacts, dependencies, query, metrics, cleanup);
 * this class binds them to one executor and clock.
 *
 * @example
 * const tasks = new SqlTaskRepository(store);
 * const task = await tasks.create({ title: 'Plan the release', type: 'planning' });
 * await tasks.update(task.id, { status: 'active' }, { expectedVersion: task.version });
 */
export class SqlTaskRepository implements TaskRepository {
  readonly #ctx: TaskContext;

  constructor(executor: SqlExecutor, options: RepositoryOptions = {}) {
    const base = repositoryContext(new Db(executor), options.now);
    this.#ctx = { ...base, write: (fn) => writeScopeOf(this).run(base.db, fn) };
  }

  create(input: CreateTaskInput): Promise<Task> {
    return createTask(this.#ctx, input);
  }

  get(id: string): Promise<TaskWithRelations | null> {
    return getTask(this.#ctx, id);
  }

  getMany(ids: readonly string[]): Promise<Task[]> {
    return getTasks(this.#ctx, ids);
  }

  update(id: string, patch: UpdateTaskInput, options: VersionOptions = {}): Promise<Task> {
    return updateTask(this.#ctx, id, patch, options);
  }

  modify(
    id: string,
    fn: (task: Task) => UpdateTaskInput | null | Promise<UpdateTaskInput | null>,
    options: ModifyOptions = {},
  ): Promise<Task> {
    return modifyTask(this.#ctx, id, fn, options);
  }

  delete(id: string, options: DeleteTaskOptions = {}): Promise<boolean> {
    return deleteTask(this.#ctx, id, options);
  }

  archive(id: string, options: VersionOptions = {}): Promise<Task> {
    return updateTask(this.#ctx, id, { status: 'archived' }, options);
  }

  cancel(id: string, options: CancelTaskOptions = {}): Promise<Task> {
    return cancelTask(this.#ctx, id, options);
  }

  query(query: TaskQuery = {}): Promise<Page<Task>> {
    return queryTasks(this.#ctx, query);
  }

  subtasks(parentId: string): Promise<Task[]> {
    return subtasks(this.#ctx, parentId);
  }

  hierarchy(rootId: string, options: HierarchyOptions = {}): Promise<TaskHierarchyItem[]> {
    return taskHierarchy(this.#ctx, rootId, options);
  }

  tree(rootId: string, options: HierarchyOptions = {}): Promise<TaskTreeNode> {
    return taskTree(this.#ctx, rootId, options);
  }

  addArtifact(taskId: string, input: AddArtifactInput): Promise<TaskArtifact> {
    return addArtifact(this.#ctx, taskId, input);
  }

  listArtifacts(taskId: string): Promise<TaskArtifact[]> {
    return listArtifacts(this.#ctx, taskId);
  }

  deleteArtifact(artifactId: string): Promise<boolean> {
    return deleteArtifact(this.#ctx, artifactId);
  }

  async addDependency(taskId: string, dependsOnId: string): Promise<boolean> {
    checkId(dependsOnId, 'dependsOnId');
    return (await addDependencies(this.#ctx, taskId, [dependsOnId])).length > 0;
  }

  addDependencies(taskId: string, dependsOnIds: readonly string[]): Promise<string[]> {
    return addDependencies(this.#ctx, taskId, dependsOnIds);
  }

  removeDependency(taskId: string, dependsOnId: string): Promise<boolean> {
    return removeDependency(this.#ctx, taskId, dependsOnId);
  }

  dependencies(taskId: string): Promise<TaskDependencyIds> {
    return dependencies(this.#ctx, taskId);
  }

  metrics(filter: TaskFilter = {}): Promise<TaskMetrics> {
    return taskMetrics(this.#ctx, filter);
  }

  cleanup(options: CleanupTasksOptions): Promise<number> {
    return cleanupTasks(this.#ctx, options);
  }
}
