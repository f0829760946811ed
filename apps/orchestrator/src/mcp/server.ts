import { McpServer, ResourceTemplate, type ToolCallback } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  McpError,
  type ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { errorPayload, invalidInput, toOrchError } from '../errors.js';
import { toMermaid } from '../graph/mermaid.js';
import { createLogger, type Logger } from '../log.js';
import type { Orchestrator } from '../orchestrator/orchestrator.js';
import { artifactUri, sessionGraphUri, taskUri } from '../orchestrator/views.js';
import * as s from './schemas.js';

export const SERVER_NAME = 'orch';
export const SERVER_VERSION = '0.1.0';

type Schema = z.ZodObject<z.ZodRawShape>;

/** Never called: the tools/call handler below dispatches (see there why). */
const unreachable: ToolCallback<Schema> = async () => ({ content: [] });

interface ToolDefinition<S extends Schema> {
  readonly title: string;
  readonly description: string;
  readonly input: S;
  readonly readOnly?: boolean;
  readonly destructive?: boolean;
  readonly run: (args: z.infer<S>) => Promise<unknown>;
}

/** Counts the tool calls under way, so a shutdown can let them answer first. */
export class InFlight {
  #count = 0;
  #waiters: (() => void)[] = [];

  async track<T>(work: Promise<T>): Promise<T> {
    this.#count++;
    try {
      return await work;
    } finally {
      this.#count--;
      if (this.#count === 0) for (const wake of this.#waiters.splice(0)) wake();
    }
  }

  get isIdle(): boolean {
    return this.#count === 0;
  }

  idle(): Promise<void> {
    return this.#count === 0 ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }
}

export interface OrchestratorServerOptions {
  readonly logger?: Logger;
  /** Tool calls are tracked here when given (see {@link InFlight}). */
  readonly inflight?: InFlight;
  /** Session used when a tool gets no session_id (set by initialize and resume). */
  readonly sessionId?: string;
}

/**
 * The MCP server: every orchestrator tool with a zod input schema (listed to clients as JSON
 * Schema), the task / artifact / graph resources. Each failure, including input that does not
 * match the schema, is a tool result with `isError: true`, the message and the OrchError code.
 */
export function createOrchestratorServer(
  orch: Orchestrator,
  options: OrchestratorServerOptions = {},
): McpServer {
  const log = options.logger ?? createLogger();
  let current: string | undefined = options.sessionId;
  const session = (given: string | undefined): string => {
    const id = given ?? current;
    if (id === undefined)
      throw invalidInput(
        'No session: call orchestrator_initialize_session with your project directory first, or pass session_id.',
        { field: 'session_id' },
      );
    return id;
  };

  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      capabilities: { tools: {}, resources: {} },
      instructions:
        'orch plans work into subtasks with specialists and dependencies and tracks it per project directory. Start with orchestrator_initialize_session (your working directory), then orchestrator_plan_task, then repeat orchestrator_get_next_task → orchestrator_execute_task → orchestrator_complete_task, and finish with orchestrator_synthesize_results.',
    },
  );
  const tools = new Map<string, ToolDefinition<Schema>>();
  const tool = <S extends Schema>(name: string, def: ToolDefinition<S>): void => {
    tools.set(name, def as unknown as ToolDefinition<Schema>);
    server.registerTool<Schema, Schema>(
      name,
      {
        title: def.title,
        description: def.description,
        inputSchema: def.input,
        annotations: {
          title: def.title,
          readOnlyHint: def.readOnly ?? false,
          destructiveHint: def.destructive ?? false,
          openWorldHint: false,
        },
      },
      unreachable,
    );
  };

  tool('orchestrator_initialize_session', {
    title: 'Start or find the session of a project',
    description:
      "Start the session of a project directory, or find its open session again (so a restarted client continues where it left off). Returns the session id, the stores' health, the specialist roles and what to do next.",
    input: s.initializeSessionInput,
    run: async (a) => {
      const r = await orch.initializeSession({
        workingDirectory: a.working_directory,
        name: a.session_name,
        forceNew: a.new_session ?? false,
      });
      current = r.session.id;
      return r;
    },
  });
  tool('orchestrator_list_sessions', {
    title: 'List sessions',
    description:
      'Sessions, newest first, with their project directory and task counts; filter by directory or status.',
    input: s.listSessionsInput,
    readOnly: true,
    run: (a) =>
      orch.listSessions({
        workingDirectory: a.working_directory,
        status: a.status,
        limit: a.limit,
        offset: a.offset,
      }),
  });
  tool('orchestrator_resume_session', {
    title: 'Resume a session',
    description:
      'Make a session current again (by id, or the session of a project directory); returns its progress and the next ready tasks.',
    input: s.resumeSessionInput,
    run: async (a) => {
      const r = await orch.resumeSession({ sessionId: a.session_id, workingDirectory: a.working_directory });
      current = r.session.id;
      return r;
    },
  });
  tool('orchestrator_plan_task', {
    title: 'Plan a task into subtasks',
    description:
      'Create a parent task and its subtasks in one call. Each subtask has a specialist role, a complexity and dependencies on sibling subtasks (by title or id). An unknown role or dependency, a duplicate title or a dependency cycle is rejected and nothing is written. Returns the subtasks, the execution order, the critical path and the tasks ready now.',
    input: s.planTaskInput,
    run: (a) =>
      orch.planTask({
        sessionId: session(a.session_id),
        id: a.id,
        title: a.title,
        description: a.description,
        complexity: a.complexity,
        priority: a.priority,
        subtasks: a.subtasks.map((t) => ({
          id: t.id,
          title: t.title,
          description: t.description,
          specialist: t.specialist,
          complexity: t.complexity,
          dependencies: t.dependencies,
          priority: t.priority,
          estimatedMinutes: t.estimated_minutes,
        })),
      }),
  });
  tool('orchestrator_get_next_task', {
    title: 'Next ready tasks',
    description:
      'Subtasks whose dependencies are all completed, ordered along the critical path (the task that starts the longest remaining chain first), plus the tasks in progress.',
    input: s.getNextTaskInput,
    readOnly: true,
    run: (a) =>
      orch.getNextTasks({
        ...(a.parent_task_id ? { parentTaskId: a.parent_task_id } : { sessionId: session(a.session_id) }),
        limit: a.limit ?? 1,
      }),
  });
  tool('orchestrator_execute_task', {
    title: 'Start a task',
    description:
      "Mark a ready task active and return its specialist's role, rendered instructions and the results of the tasks it depends on.",
    input: s.taskIdInput,
    run: (a) => orch.executeTask(a.task_id),
  });
  tool('orchestrator_update_task', {
    title: 'Update a task',
    description:
      'Change fields of a task (title, description, status along the lifecycle, priority, specialist, complexity, metadata); optionally guarded by expected_version.',
    input: s.updateTaskInput,
    run: (a) =>
      orch.updateTask(
        a.task_id,
        {
          title: a.title,
          description: a.description,
          status: a.status,
          priority: a.priority,
          specialist: a.specialist,
          complexity: a.complexity,
          metadata: a.metadata as Record<string, unknown> | undefined,
        },
        { expectedVersion: a.expected_version },
      ),
  });
  tool('orchestrator_complete_task', {
    title: 'Complete a task',
    description:
      'Record the result of a task: the summary on the task, the detailed work and any files as artifacts, returned by reference (orch://tasks/{id}/artifacts/{artifactId}) so your context stays small. Returns the tasks it unblocked and what to do next.',
    input: s.completeTaskInput,
    run: (a) =>
      orch.completeTask({
        taskId: a.task_id,
        summary: a.summary,
        detailedWork: a.detailed_work,
        artifacts: a.artifacts,
      }),
  });
  tool('orchestrator_cancel_task', {
    title: 'Cancel a task',
    description:
      'Stop a task and its unfinished subtasks (failed once started, archived before), with a reason.',
    input: s.cancelTaskInput,
    destructive: true,
    run: (a) => orch.cancelTask(a.task_id, a.reason),
  });
  tool('orchestrator_delete_task', {
    title: 'Archive or delete a task',
    description:
      'Archive a task and its subtasks (default), or delete them for good with permanent: true. Refuses when unfinished tasks depend on it, unless force: true.',
    input: s.deleteTaskInput,
    destructive: true,
    run: (a) => orch.deleteTask(a.task_id, { force: a.force, permanent: a.permanent }),
  });
  tool('orchestrator_query_tasks', {
    title: 'Query tasks',
    description:
      'Tasks by status, type, specialist, complexity, parent, session, text and creation time; sorted and paged.',
    input: s.queryTasksInput,
    readOnly: true,
    run: (a) =>
      orch.queryTasks({
        status: a.status,
        type: a.type,
        specialist: a.specialist,
        complexity: a.complexity,
        parentId: a.roots_only ? null : a.parent_task_id,
        sessionId: a.session_id,
        text: a.text,
        createdAfter: a.created_after,
        createdBefore: a.created_before,
        sortBy: a.sort_by,
        sortOrder: a.sort_order,
        limit: a.limit,
        offset: a.offset,
      }),
  });
  tool('orchestrator_find_similar_tasks', {
    title: 'Find similar tasks',
    description:
      'Vector search over task embeddings joined with the task rows: the most similar tasks with their score, outcome (summary), artifacts and related tasks.',
    input: s.findSimilarInput,
    readOnly: true,
    run: (a) =>
      orch.findSimilarTasks({
        query: a.query,
        topK: a.top_k,
        status: a.status,
        sessionId: a.session_id,
        type: a.type,
        excludeIds: a.exclude_task_ids,
      }),
  });
  tool('orchestrator_get_dependencies', {
    title: 'Dependencies of a task',
    description:
      "What a task depends on and what depends on it, what blocks it and what it blocks, transitive blockers from the graph store, and its plan's topological order and critical path.",
    input: s.taskIdInput,
    readOnly: true,
    run: (a) => orch.getDependencies(a.task_id),
  });
  tool('orchestrator_get_status', {
    title: 'Progress',
    description:
      'Progress of the session (every plan) or of one plan: counts by status, percent done, ready, active and blocked tasks.',
    input: s.statusInput,
    readOnly: true,
    run: (a) =>
      orch.getStatus(
        a.parent_task_id ? { parentTaskId: a.parent_task_id } : { sessionId: session(a.session_id) },
      ),
  });
  tool('orchestrator_synthesize_results', {
    title: 'Synthesize results',
    description:
      "The completed subtasks' summaries and artifact references of a plan, in dependency order, as one document. When every subtask is completed, the synthesis is stored on the parent, which is completed.",
    input: s.synthesizeInput,
    run: (a) => orch.synthesizeResults(a.parent_task_id, { completeParent: a.complete_parent }),
  });
  tool('orchestrator_health', {
    title: 'Health',
    description:
      'Health of the operational, vector and graph stores, pending cross-store writes, schema version and where the data lives.',
    input: s.emptyInput,
    readOnly: true,
    run: () => orch.health(),
  });

  // The SDK validates arguments itself and reports a mismatch without an error code; this handler
  // validates with the same zod schemas (the ones tools/list shows) so that every failure carries
  // its OrchError code, and so that no exception can escape as anything but a tool error.
  const callTool = async (
    name: string,
    args: Record<string, unknown> | undefined,
  ): Promise<CallToolResult> => {
    const def = tools.get(name);
    const started = Date.now();
    try {
      if (!def)
        throw invalidInput(`Unknown tool ${JSON.stringify(name)}; tools/list names the tools.`, {
          tool: name,
        });
      const parsed = def.input.safeParse(args ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({
          path: i.path.map(String).join('.') || '(arguments)',
          message: i.message,
        }));
        throw invalidInput(
          `Invalid arguments for ${name}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          { tool: name, issues },
        );
      }
      const value = (await def.run(parsed.data)) as Record<string, unknown>;
      log.debug(`${name} ok`, { ms: Date.now() - started });
      return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value };
    } catch (err) {
      const e = toOrchError(err);
      if (e.code === 'ORCH_QUERY_FAILED' || e.code === 'ORCH_CONNECTION_FAILED')
        log.error(`${name} failed: ${e.message}`, { code: e.code });
      else log.debug(`${name} refused: ${e.message}`, { code: e.code });
      const payload = errorPayload(e);
      return {
        isError: true,
        content: [{ type: 'text', text: `${payload.code}: ${payload.message}` }],
        structuredContent: { error: payload },
      };
    }
  };
  server.server.setRequestHandler(CallToolRequestSchema, (request): Promise<CallToolResult> => {
    const work = callTool(request.params.name, request.params.arguments);
    return options.inflight ? options.inflight.track(work) : work;
  });

  registerResources(server, orch, () => current);
  return server;
}

function registerResources(server: McpServer, orch: Orchestrator, current: () => string | undefined): void {
  const one = (v: string | string[] | undefined): string =>
    decodeURIComponent(Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      const e = toOrchError(err);
      throw new McpError(ErrorCode.InvalidParams, `${e.code}: ${e.message}`, {
        code: e.code,
        details: e.details,
      });
    }
  };

  server.registerResource(
    'task',
    new ResourceTemplate('orch://tasks/{taskId}', {
      list: () =>
        guard(async () => {
          const sessionId = current();
          const page = await orch.queryTasks({
            parentId: null,
            ...(sessionId ? { sessionId } : {}),
            sortBy: 'createdAt',
            sortOrder: 'desc',
            limit: 50,
          });
          return {
            resources: page.tasks.map((t) => ({
              uri: taskUri(t.id),
              name: t.title,
              description: `${t.type} · ${t.status}`,
              mimeType: 'application/json',
            })),
          };
        }),
    }),
    {
      title: 'Task',
      description: 'A task with its dependencies and its artifacts by reference (JSON).',
      mimeType: 'application/json',
    },
    (uri, vars): Promise<ReadResourceResult> =>
      guard(async () => ({
        contents: [
          {
            uri: uri.href,
            mimeType: 'application/json',
            text: JSON.stringify(await orch.getTask(one(vars.taskId)), null, 2),
          },
        ],
      })),
  );

  server.registerResource(
    'task-artifact',
    new ResourceTemplate('orch://tasks/{taskId}/artifacts/{artifactId}', { list: undefined }),
    { title: 'Artifact', description: 'The content of an artifact a task stored when it was completed.' },
    (_uri, vars): Promise<ReadResourceResult> =>
      guard(async () => {
        const artifact = await orch.getArtifact(one(vars.taskId), one(vars.artifactId));
        return {
          contents: [
            {
              uri: artifactUri(artifact.taskId, artifact.id),
              mimeType: mimeOf(artifact.kind),
              text: artifact.content,
            },
          ],
        };
      }),
  );

  server.registerResource(
    'session-graph',
    new ResourceTemplate('orch://sessions/{sessionId}/graph', {
      list: () =>
        guard(async () => {
          const r = await orch.listSessions({ limit: 50 });
          return {
            resources: r.sessions.map((x) => ({
              uri: sessionGraphUri(x.id),
              name: `Dependency graph: ${x.name}`,
              description: x.project_dir ?? undefined,
              mimeType: 'text/vnd.mermaid',
            })),
          };
        }),
    }),
    {
      title: 'Session dependency graph',
      description:
        "Mermaid flowchart of a session's tasks: one subgraph per plan, an arrow from each dependency to the task waiting on it.",
      mimeType: 'text/vnd.mermaid',
    },
    (uri, vars): Promise<ReadResourceResult> =>
      guard(async () => ({
        contents: [
          {
            uri: uri.href,
            mimeType: 'text/vnd.mermaid',
            text: toMermaid(await orch.graphModel({ sessionId: one(vars.sessionId) })),
          },
        ],
      })),
  );

  server.registerResource(
    'task-graph',
    new ResourceTemplate('orch://tasks/{taskId}/graph', { list: undefined }),
    {
      title: 'Plan dependency graph',
      description: 'Mermaid flowchart of the plan a task leads or belongs to.',
      mimeType: 'text/vnd.mermaid',
    },
    (uri, vars): Promise<ReadResourceResult> =>
      guard(async () => ({
        contents: [
          {
            uri: uri.href,
            mimeType: 'text/vnd.mermaid',
            text: toMermaid(await orch.graphModel({ taskId: one(vars.taskId) })),
          },
        ],
      })),
  );
}

function mimeOf(kind: string): string {
  switch (kind) {
    case 'markdown':
      return 'text/markdown';
    case 'json':
      return 'application/json';
    default:
      return 'text/plain';
  }
}
