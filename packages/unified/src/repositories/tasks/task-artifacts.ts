import { type Db, parseJson } from '../../util/db.js';
import { newId } from '../../util/ids.js';
import { marks } from '../../util/sql-lists.js';
import { notFound, uniqueOrConflict } from '../repository-errors.js';
import type { JsonObject } from '../repository-types.js';
import { checkId, InputReader, toJsonText } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import { SHORT_MAX, TITLE_MAX } from './task-input.js';
import type { AddArtifactInput } from './task-repository.js';
import { taskExists } from './task-rows.js';
import type { TaskArtifact } from './task-types.js';

interface ArtifactRow {
  id: string;
  task_id: string;
  name: string;
  kind: string;
  content: string;
  metadata: string;
  created_at: string;
}

const ARTIFACT_COLUMNS = 'id, task_id, name, kind, content, metadata, created_at';

export async function addArtifact(
  ctx: RepositoryContext,
  taskId: string,
  input: AddArtifactInput,
): Promise<TaskArtifact> {
  checkId(taskId, 'taskId');
  const r = new InputReader(input, 'artifact', ['id', 'name', 'kind', 'content', 'metadata']);
  const artifact: TaskArtifact = {
    id: r.id('id') ?? newId(),
    taskId,
    name: r.string('name', { required: true, max: TITLE_MAX }),
    kind: r.string('kind', { max: SHORT_MAX }) ?? 'text',
    content: r.requiredText('content', 10_000_000, false),
    metadata: r.object('metadata') ?? {},
    createdAt: ctx.stamp(),
  };
  return ctx.db.transaction(async (db) => {
    if (!(await taskExists(db, taskId))) throw notFound('Task', taskId);
    await uniqueOrConflict(
      () =>
        db.execute(`INSERT INTO task_artifacts (${ARTIFACT_COLUMNS}) VALUES (${marks(7)})`, [
          artifact.id,
          taskId,
          artifact.name,
          artifact.kind,
          artifact.content,
          toJsonText(artifact.metadata, 'artifact.metadata'),
          artifact.createdAt,
        ]),
      `Artifact ${JSON.stringify(artifact.id)} already exists; choose another id or omit it.`,
      { reason: 'duplicate', id: artifact.id },
    );
    return artifact;
  });
}

export async function listArtifacts(ctx: RepositoryContext, taskId: string): Promise<TaskArtifact[]> {
  checkId(taskId, 'taskId');
  if (!(await taskExists(ctx.db, taskId))) throw notFound('Task', taskId);
  return artifactsOf(ctx.db, taskId);
}

export async function deleteArtifact(ctx: RepositoryContext, artifactId: string): Promise<boolean> {
  checkId(artifactId, 'artifactId');
  const { changes } = await ctx.db.execute('DELETE FROM task_artifacts WHERE id = ?', [artifactId]);
  return changes > 0;
}

/** The artifacts of a task, oldest first (no existence check). */
export async function artifactsOf(db: Db, taskId: string): Promise<TaskArtifact[]> {
  const rows = await db.query<ArtifactRow>(
    `SELECT ${ARTIFACT_COLUMNS} FROM task_artifacts WHERE task_id = ? ORDER BY created_at, id`,
    [taskId],
  );
  return rows.map((row) => ({
    id: row.id,
    taskId: row.task_id,
    name: row.name,
    kind: row.kind,
    content: row.content,
    metadata: parseJson<JsonObject>(row.metadata, {}),
    createdAt: row.created_at,
  }));
}
