import type { JsonObject, Page, PageOptions, VersionOptions } from '../repository-types.js';

/** A specialist role (architect, implementer, tester…) that subtasks are assigned to. */
export interface Specialist {
  readonly id: string;
  /** Unique. */
  readonly name: string;
  readonly category: string;
  readonly description: string;
  /** The role's system prompt. */
  readonly prompt: string;
  /** Task types this specialist handles; used by `recommend`. */
  readonly taskTypes: string[];
  readonly capabilities: string[];
  readonly metadata: JsonObject;
  /** Inactive specialists are never recommended or assigned. */
  readonly active: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CreateSpecialistInput {
  readonly id?: string;
  readonly name: string;
  readonly category: string;
  readonly description?: string;
  readonly prompt?: string;
  readonly taskTypes?: readonly string[];
  readonly capabilities?: readonly string[];
  readonly metadata?: JsonObject;
  /** Default true. */
  readonly active?: boolean;
}

/** Only the fields given change; `metadata` is merged, arrays are replaced. */
export interface UpdateSpecialistInput {
  readonly name?: string;
  readonly category?: string;
  readonly description?: string;
  readonly prompt?: string;
  readonly taskTypes?: readonly string[];
  readonly capabilities?: readonly string[];
  readonly metadata?: JsonObject;
  readonly active?: boolean;
}

export interface ListSpecialistsOptions extends PageOptions {
  readonly category?: string;
  /** Only specialists whose `taskTypes` include this one. */
  readonly taskType?: string;
  readonly activeOnly?: boolean;
}

/** A prompt template with `{{variable}}` placeholders. */
export interface SpecialistTemplate {
  readonly id: string;
  /** Unique. */
  readonly name: string;
  readonly category: string;
  readonly template: string;
  /** The placeholders the template uses (declared, or found in the text). */
  readonly variables: string[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CreateTemplateInput {
  readonly id?: string;
  readonly name: string;
  readonly category: string;
  readonly template: string;
  /** When given, must list every placeholder of the template (extra names are allowed). Default: the placeholders found. */
  readonly variables?: readonly string[];
}

export interface UpdateTemplateInput {
  readonly name?: string;
  readonly category?: string;
  readonly template?: string;
  readonly variables?: readonly string[];
}

/** Values a placeholder can take; rendered with `String(value)`. */
export type TemplateValue = string | number | boolean;

export type AssignmentStatus = 'assigned' | 'completed';

export interface SpecialistAssignment {
  readonly id: string;
  readonly specialistId: string;
  readonly taskId: string;
  readonly status: AssignmentStatus;
  readonly outcome: string | null;
  /** `null` while assigned. */
  readonly success: boolean | null;
  readonly assignedAt: string;
  readonly completedAt: string | null;
}

export interface CompleteAssignmentInput {
  readonly success: boolean;
  readonly outcome?: string;
}

export interface ListAssignmentsOptions {
  readonly specialistId?: string;
  readonly taskId?: string;
  readonly status?: AssignmentStatus;
}

export interface SpecialistUsage {
  readonly specialistId: string;
  readonly name: string;
  readonly category: string;
  readonly assignments: number;
  readonly open: number;
  readonly completed: number;
  readonly succeeded: number;
  readonly failed: number;
  /** `succeeded / completed`, or `null` before the first completed assignment. */
  readonly successRate: number | null;
}

export interface SpecialistMetrics {
  readonly specialists: number;
  readonly active: number;
  readonly byCategory: Record<string, number>;
  readonly assignments: number;
  readonly openAssignments: number;
  readonly completedAssignments: number;
  /** Over every completed assignment, or `null`. */
  readonly successRate: number | null;
  /** Per specialist, most assignments first (then name). */
  readonly perSpecialist: SpecialistUsage[];
}

export interface RecommendOptions {
  /** At most this many (default 5, at most 100). */
  readonly limit?: number;
  readonly category?: string;
}

export interface SpecialistRecommendation {
  readonly specialist: Specialist;
  readonly usage: SpecialistUsage;
}

/** Specialists, their prompt templates, task assignments and usage statistics. */
export interface SpecialistRepository {
  create(input: CreateSpecialistInput): Promise<Specialist>;
  get(id: string): Promise<Specialist | null>;
  getByName(name: string): Promise<Specialist | null>;
  update(id: string, patch: UpdateSpecialistInput, options?: VersionOptions): Promise<Specialist>;
  /** Deletes its assignments too. `false` when it did not exist. */
  delete(id: string): Promise<boolean>;
  /** By name. */
  list(options?: ListSpecialistsOptions): Promise<Page<Specialist>>;
  /** Every specialist of a category (active or not), by name. */
  listByCategory(category: string): Promise<Specialist[]>;
  /** Every category with its number of specialists, by category. */
  categories(): Promise<{ category: string; count: number }[]>;

  createTemplate(input: CreateTemplateInput): Promise<SpecialistTemplate>;
  getTemplate(id: string): Promise<SpecialistTemplate | null>;
  getTemplateByName(name: string): Promise<SpecialistTemplate | null>;
  updateTemplate(
    id: string,
    patch: UpdateTemplateInput,
    options?: VersionOptions,
  ): Promise<SpecialistTemplate>;
  deleteTemplate(id: string): Promise<boolean>;
  listTemplates(options?: { category?: string }): Promise<SpecialistTemplate[]>;
  /** Fill the template's placeholders; a missing variable → `ORCH_INVALID_INPUT` naming it. */
  renderTemplate(id: string, variables: Readonly<Record<string, TemplateValue>>): Promise<string>;

  /** Assign a (active) specialist to a task; one open assignment per pair (`ORCH_CONFLICT` otherwise). */
  assign(specialistId: string, taskId: string): Promise<SpecialistAssignment>;
  /** Close an open assignment with its outcome; completing twice → `ORCH_CONFLICT`. */
  completeAssignment(assignmentId: string, input: CompleteAssignmentInput): Promise<SpecialistAssignment>;
  getAssignment(id: string): Promise<SpecialistAssignment | null>;
  /** Oldest first. */
  listAssignments(options?: ListAssignmentsOptions): Promise<SpecialistAssignment[]>;

  usage(specialistId: string): Promise<SpecialistUsage>;
  metrics(): Promise<SpecialistMetrics>;
  /**
   * Active specialists whose `taskTypes` include `taskType`, best first: by success rate (those
   * without completed assignments after those with), then by number of assignments, then by name.
   */
  recommend(taskType: string, options?: RecommendOptions): Promise<SpecialistRecommendation[]>;
}
