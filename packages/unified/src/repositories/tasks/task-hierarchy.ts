import type { Db } from '../../util/db.js';
import { conflict, notFound } from '../repository-errors.js';
import { checkId, InputReader, num } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import type { HierarchyOptions, TaskHierarchyItem, TaskTreeNode } from './task-repository.js';
import { TASK_COLUMNS, type TaskRow, taskExists, toTask } from './task-rows.js';
import type { Task } from './task-types.js';

const DEFAULT_MAX_DEPTH = 1000;

/** The subtree of `?` (the task itself and every descendant), as a subquery. */
export const SUBTREE = `WITH RECURSIVE subtree(id) AS (
    SELECT id FROM tasks WHERE id = ?
    UNION
    SELECT t.id FROM tasks t JOIN subtree s ON t.parent_id = s.id
  ) SELECT id FROM subtree`;

/** Ids of the task and all its descendants. */
export async function subtreeIds(db: Db, id: string): Promise<string[]> {
  return (await db.query<{ id: string }>(`SELECT id FROM (${SUBTREE}) s`, [id])).map((r) => r.id);
}

export async function subtasks(ctx: RepositoryContext, parentId: string): Promise<Task[]> {
  checkId(parentId, 'parentId');
  if (!(await taskExists(ctx.db, parentId))) throw notFound('Task', parentId);
  const rows = await ctx.db.query<TaskRow>(
    `SELECT ${TASK_COLUMNS} FROM tasks WHERE parent_id = ? ORDER BY created_at, id`,
    [parentId],
  );
  return rows.map(toTask);
}

export async function taskTree(
  ctx: RepositoryContext,
  rootId: string,
  options: HierarchyOptions = {},
): Promise<TaskTreeNode> {
  checkId(rootId, 'rootId');
  const maxDepth =
    new InputReader(options, 'options', ['maxDepth']).int('maxDepth', 0, 100_000) ?? DEFAULT_MAX_DEPTH;
  const rows = await ctx.db.query<TaskRow & { depth: number | string }>(
    `WITH RECURSIVE tree(id, depth) AS (
        SELECT id, 0 FROM tasks WHERE id = ?
        UNION ALL
        SELECT t.id, tree.depth + 1 FROM tasks t JOIN tree ON t.parent_id = tree.id WHERE tree.depth < ?
      )
      SELECT ${TASK_COLUMNS.split(', ')
        .map((c) => `tasks.${c}`)
        .join(', ')}, tree.depth AS depth
        FROM tree JOIN tasks ON tasks.id = tree.id
       ORDER BY tree.depth, tasks.created_at, tasks.id`,
    [rootId, maxDepth],
  );
  if (rows.length === 0) throw notFound('Task', rootId);
  const nodes = new Map<string, TaskTreeNode>();
  for (const row of rows) {
    if (nodes.has(row.id)) continue; // a parent cycle cannot exist, but never loop on one
    nodes.set(row.id, { ...toTask(row), depth: num(row.depth), children: [] });
  }
  const root = nodes.get(rootId)!;
  for (const node of nodes.values()) {
    if (node === root || node.parentId === null) continue;
    nodes.get(node.parentId)?.children.push(node);
  }
  return root;
}

/** {@link taskTree} flattened in depth-first pre-order. */
export async function taskHierarchy(
  ctx: RepositoryContext,
  rootId: string,
  options: HierarchyOptions = {},
): Promise<TaskHierarchyItem[]> {
  const root = await taskTree(ctx, rootId, options);
  const items: TaskHierarchyItem[] = [];
  const visit = (node: TaskTreeNode) => {
    const { children, ...item } = node;
    items.push(item);
    for (const child of children) visit(child);
  };
  visit(root);
  return items;
}

/** `parentId` may become the parent of `id`: it exists and is not `id` or one of its subtasks. */
export async function checkParent(db: Db, id: string, parentId: string): Promise<void> {
  if (parentId === id)
    throw conflict(`Task ${JSON.stringify(id)} cannot be its own parent.`, { reason: 'cycle', id });
  if (!(await taskExists(db, parentId))) throw notFound('Parent task', parentId);
  const inside = await db.one(`SELECT 1 AS x FROM (${SUBTREE}) s WHERE s.id = ?`, [id, parentId]);
  if (inside) {
    throw conflict(
      `Task ${JSON.stringify(parentId)} is a subtask of ${JSON.stringify(id)}, so it cannot become its parent (that would make a cycle).`,
      { reason: 'cycle', id, parentId },
    );
  }
}
