import type { SqlValue } from '@orch/core';
import { newId } from '../../util/ids.js';
import { marks } from '../../util/sql-lists.js';
import { conflict, invalidInput, notFound } from '../repository-errors.js';
import { checkId, InputReader } from '../shared/input.js';
import type { RepositoryContext } from '../shared/repository-context.js';
import { taskExists } from '../tasks/task-rows.js';
import type {
  AssignmentStatus,
  CompleteAssignmentInput,
  ListAssignmentsOptions,
  SpecialistAssignment,
} from './specialist-repository.js';
import { TEXT_MAX, truthy } from './specialist-rows.js';

interface AssignmentRow {
  id: string;
  specialist_id: string;
  task_id: string;
  status: string;
  outcome: string | null;
  success: number | string | boolean | null;
  assigned_at: string;
  completed_at: string | null;
}

const ASSIGNMENT_COLUMNS = 'id, specialist_id, task_id, status, outcome, success, assigned_at, completed_at';

/** Assign an active specialist to a task (one open assignment per pair). */
export async function assignSpecialist(
  ctx: RepositoryContext,
  specialistId: string,
  taskId: string,
): Promise<SpecialistAssignment> {
  checkId(specialistId, 'specialistId');
  checkId(taskId, 'taskId');
  return ctx.db.transaction(async (db) => {
    const specialist = await db.one<{ name: string; active: number | string | boolean }>(
      'SELECT name, active FROM specialists WHERE id = ?',
      [specialistId],
    );
    if (!specialist) throw notFound('Specialist', specialistId);
    if (!truthy(specialist.active)) {
      throw conflict(
        `Specialist ${JSON.stringify(specialist.name)} is inactive; activate it (update active: true) or assign another one.`,
        { reason: 'inactive', specialistId },
      );
    }
    if (!(await taskExists(db, taskId))) throw notFound('Task', taskId);
    const open = await db.one<{ id: string }>(
      "SELECT id FROM specialist_assignments WHERE specialist_id = ? AND task_id = ? AND status = 'assigned'",
      [specialistId, taskId],
    );
    if (open) {
      throw conflict(
        `Specialist ${JSON.stringify(specialist.name)} is already assigned to task ${JSON.stringify(taskId)} (assignment ${open.id}); complete that assignment first.`,
        { reason: 'duplicate', assignmentId: open.id, specialistId, taskId },
      );
    }
    const assignment: SpecialistAssignment = {
      id: newId(),
      specialistId,
      taskId,
      status: 'assigned',
      outcome: null,
      success: null,
      assignedAt: ctx.stamp(),
      completedAt: null,
    };
    await db.execute(`INSERT INTO specialist_assignments (${ASSIGNMENT_COLUMNS}) VALUES (${marks(8)})`, [
      assignment.id,
      specialistId,
      taskId,
      'assigned',
      null,
      null,
      assignment.assignedAt,
      null,
    ]);
    return assignment;
  });
}

/** Complete an open assignment once, with whether it succeeded. */
export async function completeAssignment(
  ctx: RepositoryContext,
  assignmentId: string,
  input: CompleteAssignmentInput,
): Promise<SpecialistAssignment> {
  checkId(assignmentId, 'assignmentId');
  const r = new InputReader(input, 'input', ['success', 'outcome']);
  const success = r.bool('success');
  if (success === undefined) throw invalidInput('input.success', 'true or false');
  const outcome = r.text('outcome', TEXT_MAX) ?? null;
  return ctx.db.transaction(async (db) => {
    const row = await db.one<AssignmentRow>(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM specialist_assignments WHERE id = ?`,
      [assignmentId],
    );
    if (!row) throw notFound('Assignment', assignmentId);
    if (row.status !== 'assigned') {
      throw conflict(
        `Assignment ${JSON.stringify(assignmentId)} is already ${row.status}; it can be completed once.`,
        {
          reason: 'transition',
          id: assignmentId,
          from: row.status,
          to: 'completed',
        },
      );
    }
    const completedAt = ctx.stamp();
    const { changes } = await db.execute(
      "UPDATE specialist_assignments SET status = 'completed', outcome = ?, success = ?, completed_at = ? WHERE id = ? AND status = 'assigned'",
      [outcome, success ? 1 : 0, completedAt, assignmentId],
    );
    if (changes === 0) {
      throw conflict(`Assignment ${JSON.stringify(assignmentId)} was completed concurrently.`, {
        reason: 'transition',
        id: assignmentId,
      });
    }
    return { ...toAssignment(row), status: 'completed', outcome, success, completedAt };
  });
}

export async function getAssignment(
  ctx: RepositoryContext,
  id: string,
): Promise<SpecialistAssignment | null> {
  checkId(id, 'id');
  const row = await ctx.db.one<AssignmentRow>(
    `SELECT ${ASSIGNMENT_COLUMNS} FROM specialist_assignments WHERE id = ?`,
    [id],
  );
  return row ? toAssignment(row) : null;
}

export async function listAssignments(
  ctx: RepositoryContext,
  options: ListAssignmentsOptions = {},
): Promise<SpecialistAssignment[]> {
  const r = new InputReader(options, 'options', ['specialistId', 'taskId', 'status']);
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  const specialistId = r.id('specialistId');
  if (specialistId !== undefined) {
    clauses.push('specialist_id = ?');
    params.push(specialistId);
  }
  const taskId = r.id('taskId');
  if (taskId !== undefined) {
    clauses.push('task_id = ?');
    params.push(taskId);
  }
  const status = r.oneOf('status', ['assigned', 'completed'] as const);
  if (status !== undefined) {
    clauses.push('status = ?');
    params.push(status);
  }
  const rows = await ctx.db.query<AssignmentRow>(
    `SELECT ${ASSIGNMENT_COLUMNS} FROM specialist_assignments WHERE ${clauses.length ? clauses.join(' AND ') : '1 = 1'} ORDER BY assigned_at, id`,
    params,
  );
  return rows.map(toAssignment);
}

function toAssignment(row: AssignmentRow): SpecialistAssignment {
  return {
    id: row.id,
    specialistId: row.specialist_id,
    taskId: row.task_id,
    status: row.status as AssignmentStatus,
    outcome: row.outcome,
    success: row.success === null || row.success === undefined ? null : truthy(row.success),
    assignedAt: row.assigned_at,
    completedAt: row.completed_at,
  };
}
