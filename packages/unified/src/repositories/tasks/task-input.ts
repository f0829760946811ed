import { newId } from '../../util/ids.js';
import { conflict } from '../repository-errors.js';
import type { JsonObject } from '../repository-types.js';
import { InputReader, toJsonText } from '../shared/input.js';
import { type CreateTaskInput, TASK_STATUSES, type TaskStatus, type UpdateTaskInput } from './task-types.js';

/** Longest title and artifact name. */
export const TITLE_MAX = 1000;
/** Longest type, specialist, complexity and artifact kind. */
export const SHORT_MAX = 200;

const CREATE_FIELDS = [
  'id',
  'title',
  'description',
  'type',
  'status',
  'parentId',
  'sessionId',
  'specialist',
  'complexity',
  'priority',
  'metadata',
  'dependsOn',
] as const;

const UPDATE_FIELDS = [
  'title',
  'description',
  'type',
  'status',
  'specialist',
  'complexity',
  'priority',
  'result',
  'metadata',
  'parentId',
  'sessionId',
] as const;

/** A checked {@link CreateTaskInput}: defaults filled in; `sessionId` undefined means "the parent's". */
export interface NewTask {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly type: string;
  readonly status: TaskStatus;
  readonly parentId: string | null;
  readonly sessionId: string | null | undefined;
  readonly specialist: string | null;
  readonly complexity: string | null;
  readonly priority: number;
  readonly metadata: JsonObject;
  readonly metadataText: string;
  /** Distinct ids, in the order given; never the task's own. */
  readonly dependsOn: readonly string[];
}

export function readCreate(input: CreateTaskInput): NewTask {
  const r = new InputReader(input, 'task', CREATE_FIELDS);
  // Field by field in this order, so the first bad field is the one reported.
  const id = r.id('id') ?? newId();
  const title = r.string('title', { required: true, max: TITLE_MAX });
  const description = r.text('description') ?? '';
  const type = r.string('type', { max: SHORT_MAX }) ?? 'task';
  const status = r.oneOf('status', TASK_STATUSES) ?? 'created';
  const parentId = r.nullableId('parentId') ?? null;
  const sessionId = r.nullableId('sessionId');
  const specialist = r.nullableString('specialist', SHORT_MAX) ?? null;
  const complexity = r.nullableString('complexity', SHORT_MAX) ?? null;
  const priority = r.int('priority') ?? 0;
  const metadata = r.object('metadata') ?? {};
  const metadataText = toJsonText(metadata, 'task.metadata');
  const dependsOn = [...new Set(r.idArray('dependsOn') ?? [])];
  if (dependsOn.includes(id)) {
    throw conflict(`Task ${JSON.stringify(id)} cannot depend on itself.`, {
      reason: 'cycle',
      cycle: [id, id],
    });
  }
  return {
    id,
    title,
    description,
    type,
    status,
    parentId,
    sessionId,
    specialist,
    complexity,
    priority,
    metadata,
    metadataText,
    dependsOn,
  };
}

/** A checked {@link UpdateTaskInput} with only the fields given. */
export function readUpdate(patch: UpdateTaskInput): UpdateTaskInput {
  const r = new InputReader(patch, 'patch', UPDATE_FIELDS);
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) out[key] = value;
  };
  set('title', r.string('title', { max: TITLE_MAX }));
  set('description', r.text('description'));
  set('type', r.string('type', { max: SHORT_MAX }));
  set('status', r.oneOf('status', TASK_STATUSES));
  set('specialist', r.nullableString('specialist', SHORT_MAX));
  set('complexity', r.nullableString('complexity', SHORT_MAX));
  set('priority', r.int('priority'));
  set('result', r.nullableText('result'));
  set('metadata', r.object('metadata'));
  set('parentId', r.nullableId('parentId'));
  set('sessionId', r.nullableId('sessionId'));
  return out as UpdateTaskInput;
}
