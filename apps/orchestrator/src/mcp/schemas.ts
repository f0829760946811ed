import { SESSION_STATUSES, TASK_STATUSES } from '@orch/unified';
import { z } from 'zod';
import { COMPLEXITIES } from '../orchestrator/plan.js';

/** Limits of what one call may carry; larger detailed work belongs in several artifacts. */
export const LIMITS = {
  id: 200,
  title: 1000,
  description: 100_000,
  summary: 100_000,
  artifactContent: 5_000_000,
  artifacts: 50,
  subtasks: 100,
  dependencies: 100,
  query: 10_000,
} as const;

const id = (what: string) => z.string().trim().min(1).max(LIMITS.id).describe(what);
const taskId = id('Task id (as returned by orchestrator_plan_task).');
const sessionId = id('Session id; defaults to the session of orchestrator_initialize_session.');
const complexity = z
  .enum(COMPLEXITIES)
  .describe(
    'Effort: trivial (1), simple (2), moderate (3), complex (5), very_complex (8) — the critical-path weight.',
  );
const taskStatus = z.enum(TASK_STATUSES);
const writableStatus = z.enum([
  'created',
  'planning',
  'ready',
  'active',
  'blocked',
  'review',
  'failed',
  'archived',
]);
const workingDirectory = z
  .string()
  .min(1)
  .max(4096)
  .describe('Absolute path of the project directory the session belongs to.');

export const initializeSessionInput = z
  .object({
    working_directory: workingDirectory,
    session_name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Name of a new session (default: the directory name).'),
    new_session: z
      .boolean()
      .optional()
      .describe('Start a new session even when the directory has an open one.'),
  })
  .strict();

export const listSessionsInput = z
  .object({
    working_directory: workingDirectory.optional().describe('Only sessions of this project directory.'),
    status: z.array(z.enum(SESSION_STATUSES)).max(5).optional(),
    limit: z.number().int().min(1).max(100).optional().describe('Default 20.'),
    offset: z.number().int().min(0).optional(),
  })
  .strict();

export const resumeSessionInput = z
  .object({
    session_id: id('Session to resume.').optional(),
    working_directory: workingDirectory.optional().describe('Resume the session of this project directory.'),
  })
  .strict();

export const subtaskInput = z
  .object({
    id: id('Optional id of your choosing (default: generated).').optional(),
    title: z
      .string()
      .trim()
      .min(1)
      .max(LIMITS.title)
      .describe('Unique within the plan; dependencies may name it.'),
    description: z.string().max(LIMITS.description).optional(),
    specialist: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe(
        'Specialist role: architect, implementer, tester, reviewer, documenter, researcher, devops, or one you added.',
      ),
    complexity,
    dependencies: z
      .array(z.string().trim().min(1).max(LIMITS.title))
      .max(LIMITS.dependencies)
      .optional()
      .describe('Sibling subtasks (by title or id) that must be completed first.'),
    priority: z
      .number()
      .int()
      .min(-1000)
      .max(1000)
      .optional()
      .describe('Tie-breaker among equally critical tasks.'),
    estimated_minutes: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

export const planTaskInput = z
  .object({
    title: z.string().trim().min(1).max(LIMITS.title).describe('The overall task.'),
    description: z.string().max(LIMITS.description).optional(),
    session_id: sessionId.optional(),
    id: id('Optional id for the parent task.').optional(),
    complexity: complexity.optional(),
    priority: z.number().int().min(-1000).max(1000).optional(),
    subtasks: z.array(subtaskInput).min(1).max(LIMITS.subtasks),
  })
  .strict();

export const getNextTaskInput = z
  .object({
    session_id: sessionId.optional(),
    parent_task_id: id('Only subtasks of this plan.').optional(),
    limit: z.number().int().min(1).max(50).optional().describe('How many ready tasks to return (default 1).'),
  })
  .strict();

export const taskIdInput = z.object({ task_id: taskId }).strict();

export const updateTaskInput = z
  .object({
    task_id: taskId,
    title: z.string().trim().min(1).max(LIMITS.title).optional(),
    description: z.string().max(LIMITS.description).optional(),
    status: writableStatus.optional().describe('Use orchestrator_complete_task to complete a task.'),
    priority: z.number().int().min(-1000).max(1000).optional(),
    specialist: z.string().trim().min(1).max(200).optional(),
    complexity: complexity.optional(),
    metadata: z
      .record(z.string().max(200), z.unknown())
      .optional()
      .describe('Merged into the task metadata.'),
    expected_version: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Fail with ORCH_CONFLICT unless the task is at this version.'),
  })
  .strict();

export const artifactInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    kind: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .optional()
      .describe('text (default), code, markdown, json, file, …'),
    content: z.string().max(LIMITS.artifactContent),
  })
  .strict();

export const completeTaskInput = z
  .object({
    task_id: taskId,
    summary: z
      .string()
      .trim()
      .min(1)
      .max(LIMITS.summary)
      .describe('A few sentences: what was done and the outcome.'),
    detailed_work: z
      .string()
      .max(LIMITS.artifactContent)
      .optional()
      .describe('The full work; stored as an artifact and returned by reference.'),
    artifacts: z
      .array(artifactInput)
      .max(LIMITS.artifacts)
      .optional()
      .describe('Files, code or documents; returned by reference.'),
  })
  .strict();

export const cancelTaskInput = z
  .object({ task_id: taskId, reason: z.string().max(10_000).optional() })
  .strict();

export const deleteTaskInput = z
  .object({
    task_id: taskId,
    force: z.boolean().optional().describe('Go ahead even when unfinished tasks depend on it.'),
    permanent: z.boolean().optional().describe('Delete for good instead of archiving (the default).'),
  })
  .strict();

export const queryTasksInput = z
  .object({
    status: z.array(taskStatus).max(TASK_STATUSES.length).optional(),
    type: z.string().max(200).optional().describe('plan (parent tasks) or subtask.'),
    specialist: z.string().max(200).optional(),
    complexity: complexity.optional(),
    parent_task_id: id('Only subtasks of this task.').optional(),
    roots_only: z.boolean().optional().describe('Only tasks without a parent (plans).'),
    session_id: id('Only tasks of this session.').optional(),
    text: z.string().max(1000).optional().describe('Case-insensitive substring of title or description.'),
    created_after: z.iso.datetime({ offset: true }).optional(),
    created_before: z.iso.datetime({ offset: true }).optional(),
    sort_by: z.enum(['createdAt', 'updatedAt', 'priority', 'title']).optional(),
    sort_order: z.enum(['asc', 'desc']).optional(),
    limit: z.number().int().min(1).max(500).optional().describe('Default 50.'),
    offset: z.number().int().min(0).optional(),
  })
  .strict();

export const findSimilarInput = z
  .object({
    query: z
      .string()
      .trim()
      .min(1)
      .max(LIMITS.query)
      .describe('Text to compare with the tasks (title and description).'),
    top_k: z.number().int().min(1).max(50).optional().describe('Default 5.'),
    status: z
      .array(taskStatus)
      .max(TASK_STATUSES.length)
      .optional()
      .describe('e.g. ["completed"] for past outcomes.'),
    session_id: id('Only tasks of this session.').optional(),
    type: z.string().max(200).optional(),
    exclude_task_ids: z.array(z.string().max(LIMITS.id)).max(100).optional(),
  })
  .strict();

export const statusInput = z
  .object({
    session_id: sessionId.optional(),
    parent_task_id: id('Progress of this plan instead of the whole session.').optional(),
  })
  .strict();

export const synthesizeInput = z
  .object({
    parent_task_id: id('The plan (parent task) to synthesize.'),
    complete_parent: z
      .boolean()
      .optional()
      .describe('Complete the parent when every subtask is (default true).'),
  })
  .strict();

export const emptyInput = z.object({}).strict();
