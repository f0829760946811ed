export { AsyncRepositoryFactory, type RepositorySource } from './async-repository-factory.js';
export { DEFAULT_LIMIT, MAX_LIMIT, mergeMetadata, type TimeInput } from './input.js';
export { isVersionConflict } from './repository-errors.js';
export type { Page, PageOptions, RepositoryOptions, VersionOptions } from './repository-types.js';
export {
  type AppendEventInput,
  type CleanupSessionsOptions,
  type CreateSessionInput,
  ENDED_SESSION_STATUSES,
  type ListEventsOptions,
  type ListSessionsOptions,
  type OrchEvent,
  SESSION_STATUSES,
  type Session,
  type SessionContext,
  type SessionMetrics,
  type SessionRepository,
  type SessionStatus,
  type SetWorkflowStateOptions,
  type StateRepository,
  type UpdateSessionInput,
  type WorkflowState,
} from './session-repository.js';
export type {
  AssignmentStatus,
  CompleteAssignmentInput,
  CreateSpecialistInput,
  CreateTemplateInput,
  ListAssignmentsOptions,
  ListSpecialistsOptions,
  RecommendOptions,
  Specialist,
  SpecialistAssignment,
  SpecialistMetrics,
  SpecialistRecommendation,
  SpecialistRepository,
  SpecialistTemplate,
  SpecialistUsage,
  TemplateValue,
  UpdateSpecialistInput,
  UpdateTemplateInput,
} from './specialist-repository.js';
export { SqlSessionRepository } from './sql-session-repository.js';
export { SqlSpecialistRepository } from './sql-specialist-repository.js';
export { FINISHED_TASK_STATUSES, SqlTaskRepository } from './sql-task-repository.js';
export type {
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
  TaskSortField,
  TaskTreeNode,
} from './task-repository.js';
export {
  type CreateTaskInput,
  type JsonObject,
  TASK_STATUSES,
  TASK_TRANSITIONS,
  type Task,
  type TaskArtifact,
  type TaskStatus,
  type TaskWithRelations,
  type UpdateTaskInput,
} from './task-types.js';
export { renderTemplateText, templateVariables } from './template-render.js';
