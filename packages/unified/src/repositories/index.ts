export { AsyncRepositoryFactory, type RepositorySource } from './async-repository-factory.js';
export { isVersionConflict } from './repository-errors.js';
export type { JsonObject, Page, PageOptions, RepositoryOptions, VersionOptions } from './repository-types.js';
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
} from './sessions/session-repository.js';
export { SqlSessionRepository } from './sessions/sql-session-repository.js';
export { DEFAULT_LIMIT, MAX_LIMIT, mergeMetadata, type TimeInput } from './shared/input.js';
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
} from './specialists/specialist-repository.js';
export { SqlSpecialistRepository } from './specialists/sql-specialist-repository.js';
export { renderTemplateText, templateVariables } from './specialists/template-render.js';
export { SqlTaskRepository } from './tasks/sql-task-repository.js';
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
} from './tasks/task-repository.js';
export {
  type CreateTaskInput,
  FINISHED_TASK_STATUSES,
  OPEN_TASK_STATUSES,
  TASK_STATUSES,
  TASK_TRANSITIONS,
  type Task,
  type TaskArtifact,
  type TaskStatus,
  type TaskWithRelations,
  type UpdateTaskInput,
} from './tasks/task-types.js';
