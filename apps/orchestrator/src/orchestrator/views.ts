import type { Session, Task, TaskArtifact } from '@orch/unified';

/** A task as tools and the CLI show it in lists. */
export interface TaskSummary {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly type: string;
  readonly specialist: string | null;
  readonly complexity: string | null;
  readonly priority: number;
  readonly parent_id: string | null;
  readonly session_id: string | null;
}

export interface TaskDetail extends TaskSummary {
  readonly description: string;
  readonly result: string | null;
  readonly metadata: Record<string, unknown>;
  readonly version: number;
  readonly created_at: string;
  readonly updated_at: string;
  readonly completed_at: string | null;
}

/** An artifact by reference: its content stays on the server, readable as an MCP resource. */
export interface ArtifactRef {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly bytes: number;
  readonly uri: string;
}

export interface SessionView {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly project_dir: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly ended_at: string | null;
}

export function taskSummary(t: Task): TaskSummary {
  return {
    id: t.id,
    title: t.title,
    status: t.status,
    type: t.type,
    specialist: t.specialist,
    complexity: t.complexity,
    priority: t.priority,
    parent_id: t.parentId,
    session_id: t.sessionId,
  };
}

export function taskDetail(t: Task): TaskDetail {
  return {
    ...taskSummary(t),
    description: t.description,
    result: t.result,
    metadata: t.metadata,
    version: t.version,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    completed_at: t.completedAt,
  };
}

export function artifactUri(taskId: string, artifactId: string): string {
  return `orch://tasks/${encodeURIComponent(taskId)}/artifacts/${encodeURIComponent(artifactId)}`;
}

export function taskUri(taskId: string): string {
  return `orch://tasks/${encodeURIComponent(taskId)}`;
}

export function sessionGraphUri(sessionId: string): string {
  return `orch://sessions/${encodeURIComponent(sessionId)}/graph`;
}

export function artifactRef(a: TaskArtifact): ArtifactRef {
  return {
    id: a.id,
    name: a.name,
    kind: a.kind,
    bytes: Buffer.byteLength(a.content, 'utf8'),
    uri: artifactUri(a.taskId, a.id),
  };
}

export function sessionView(s: Session): SessionView {
  const dir = s.metadata.projectDir;
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    project_dir: typeof dir === 'string' ? dir : null,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    ended_at: s.endedAt,
  };
}
