import type { SqlExecutor } from '@orch/core';
import { SqlTaskRepository } from '../repositories/sql-task-repository.js';
import type { Task } from '../repositories/task-types.js';

/** Current rows for the given task ids (missing ids are absent from the map). */
export async function loadTasks(executor: SqlExecutor, ids: readonly string[]): Promise<Map<string, Task>> {
  const repo = new SqlTaskRepository(executor);
  const found = new Map<string, Task>();
  for (const id of ids) {
    const task = await repo.get(id);
    if (task) found.set(id, task);
  }
  return found;
}
