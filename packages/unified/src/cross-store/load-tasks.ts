import type { SqlExecutor } from '@orch/core';
import { SqlTaskRepository } from '../repositories/tasks/sql-task-repository.js';
import type { Task } from '../repositories/tasks/task-types.js';

/** Current rows for the given task ids (missing ids are absent from the map). */
export async function loadTasks(executor: SqlExecutor, ids: readonly string[]): Promise<Map<string, Task>> {
  const tasks = await new SqlTaskRepository(executor).getMany(ids);
  return new Map(tasks.map((task) => [task.id, task]));
}
