import type { SqlExecutor } from '@orch/core';
import { Db } from '../../util/db.js';
import type { Page, RepositoryOptions, VersionOptions } from '../repository-types.js';
import { type RepositoryContext, repositoryContext } from '../shared/repository-context.js';
import {
  assignSpecialist,
  completeAssignment,
  getAssignment,
  listAssignments,
} from './specialist-assignments.js';
import { listByCategory, listSpecialists, specialistCategories } from './specialist-catalog.js';
import {
  createSpecialist,
  deleteSpecialist,
  getSpecialist,
  getSpecialistByName,
  updateSpecialist,
} from './specialist-crud.js';
import { recommendSpecialists } from './specialist-recommendation.js';
import type {
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
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  getTemplateByName,
  listTemplates,
  renderTemplate,
  updateTemplate,
} from './specialist-templates.js';
import { specialistMetrics, specialistUsage } from './specialist-usage.js';

/**
 * {@link SpecialistRepository} over any `SqlExecutor` (the store or a transaction handle). Each
 * concept lives in its own module (CRUD, catalog, templates, assignments, usage, recommendation).
 *
 * @example
 * const specialists = new SqlSpecialistRepository(store);
 * await specialists.create({ name: 'tester', category: 'quality', taskTypes: ['testing'] });
 * const [best] = await specialists.recommend('testing');
 */
export class SqlSpecialistRepository implements SpecialistRepository {
  readonly #ctx: RepositoryContext;

  constructor(executor: SqlExecutor, options: RepositoryOptions = {}) {
    this.#ctx = repositoryContext(new Db(executor), options.now);
  }

  create(input: CreateSpecialistInput): Promise<Specialist> {
    return createSpecialist(this.#ctx, input);
  }

  get(id: string): Promise<Specialist | null> {
    return getSpecialist(this.#ctx, id);
  }

  getByName(name: string): Promise<Specialist | null> {
    return getSpecialistByName(this.#ctx, name);
  }

  update(id: string, patch: UpdateSpecialistInput, options: VersionOptions = {}): Promise<Specialist> {
    return updateSpecialist(this.#ctx, id, patch, options);
  }

  delete(id: string): Promise<boolean> {
    return deleteSpecialist(this.#ctx, id);
  }

  list(options: ListSpecialistsOptions = {}): Promise<Page<Specialist>> {
    return listSpecialists(this.#ctx, options);
  }

  listByCategory(category: string): Promise<Specialist[]> {
    return listByCategory(this.#ctx, category);
  }

  categories(): Promise<{ category: string; count: number }[]> {
    return specialistCategories(this.#ctx);
  }

  createTemplate(input: CreateTemplateInput): Promise<SpecialistTemplate> {
    return createTemplate(this.#ctx, input);
  }

  getTemplate(id: string): Promise<SpecialistTemplate | null> {
    return getTemplate(this.#ctx, id);
  }

  getTemplateByName(name: string): Promise<SpecialistTemplate | null> {
    return getTemplateByName(this.#ctx, name);
  }

  updateTemplate(
    id: string,
    patch: UpdateTemplateInput,
    options: VersionOptions = {},
  ): Promise<SpecialistTemplate> {
    return updateTemplate(this.#ctx, id, patch, options);
  }

  deleteTemplate(id: string): Promise<boolean> {
    return deleteTemplate(this.#ctx, id);
  }

  listTemplates(options: { category?: string } = {}): Promise<SpecialistTemplate[]> {
    return listTemplates(this.#ctx, options);
  }

  renderTemplate(id: string, variables: Readonly<Record<string, TemplateValue>>): Promise<string> {
    return renderTemplate(this.#ctx, id, variables);
  }

  assign(specialistId: string, taskId: string): Promise<SpecialistAssignment> {
    return assignSpecialist(this.#ctx, specialistId, taskId);
  }

  completeAssignment(assignmentId: string, input: CompleteAssignmentInput): Promise<SpecialistAssignment> {
    return completeAssignment(this.#ctx, assignmentId, input);
  }

  getAssignment(id: string): Promise<SpecialistAssignment | null> {
    return getAssignment(this.#ctx, id);
  }

  listAssignments(options: ListAssignmentsOptions = {}): Promise<SpecialistAssignment[]> {
    return listAssignments(this.#ctx, options);
  }

  usage(specialistId: string): Promise<SpecialistUsage> {
    return specialistUsage(this.#ctx, specialistId);
  }

  metrics(): Promise<SpecialistMetrics> {
    return specialistMetrics(this.#ctx);
  }

  recommend(taskType: string, options: RecommendOptions = {}): Promise<SpecialistRecommendation[]> {
    return recommendSpecialists(this.#ctx, taskType, options);
  }
}
