import type { SqlExecutor } from '@orch/core';
import { Db } from '../../util/db.js';
import type { Page, RepositoryOptions, VersionOptions } from '../repository-types.js';
import { type RepositoryContext, repositoryContext } from '../shared/repository-context.js';
import { cleanupSessions } from './session-cleanup.js';
import { deleteContext, getContext, listContexts, setContext } from './session-contexts.js';
import {
  createSession,
  deleteSession,
  endSession,
  getSession,
  listSessions,
  updateSession,
} from './session-crud.js';
import { appendEvent, listEvents } from './session-events.js';
import { sessionMetrics } from './session-metrics.js';
import type {
  AppendEventInput,
  CleanupSessionsOptions,
  CreateSessionInput,
  ListEventsOptions,
  ListSessionsOptions,
  OrchEvent,
  Session,
  SessionContext,
  SessionMetrics,
  SessionRepository,
  SessionStatus,
  SetWorkflowStateOptions,
  UpdateSessionInput,
  WorkflowState,
} from './session-repository.js';
import { getWorkflowState, setWorkflowState } from './workflow-states.js';

/**
 * {@link SessionRepository} over any `SqlExecutor` (the store or a transaction handle). Each
 * concept lives in its own module (CRUD, contexts, workflow state, events, metrics, cleanup).
 *
 * @example
 * const sessions = new SqlSessionRepository(store);
 * const session = await sessions.create({ name: 'release 1.2' });
 * await sessions.setContext(session.id, 'goal', { milestone: 'beta' });
 * await sessions.appendEvent({ sessionId: session.id, type: 'planned', payload: { subtasks: 4 } });
 */
export class SqlSessionRepository implements SessionRepository {
  readonly #ctx: RepositoryContext;

  constructor(executor: SqlExecutor, options: RepositoryOptions = {}) {
    this.#ctx = repositoryContext(new Db(executor), options.now);
  }

  create(input: CreateSessionInput): Promise<Session> {
    return createSession(this.#ctx, input);
  }

  get(id: string): Promise<Session | null> {
    return getSession(this.#ctx, id);
  }

  update(id: string, patch: UpdateSessionInput, options: VersionOptions = {}): Promise<Session> {
    return updateSession(this.#ctx, id, patch, options);
  }

  end(id: string, status: SessionStatus = 'completed', options: VersionOptions = {}): Promise<Session> {
    return endSession(this.#ctx, id, status, options);
  }

  delete(id: string): Promise<boolean> {
    return deleteSession(this.#ctx, id);
  }

  list(options: ListSessionsOptions = {}): Promise<Page<Session>> {
    return listSessions(this.#ctx, options);
  }

  setContext(
    sessionId: string,
    key: string,
    value: unknown,
    options: VersionOptions = {},
  ): Promise<SessionContext> {
    return setContext(this.#ctx, sessionId, key, value, options);
  }

  getContext(sessionId: string, key: string): Promise<SessionContext | null> {
    return getContext(this.#ctx, sessionId, key);
  }

  deleteContext(sessionId: string, key: string): Promise<boolean> {
    return deleteContext(this.#ctx, sessionId, key);
  }

  listContexts(sessionId: string): Promise<SessionContext[]> {
    return listContexts(this.#ctx, sessionId);
  }

  getWorkflowState(sessionId: string): Promise<WorkflowState | null> {
    return getWorkflowState(this.#ctx, sessionId);
  }

  setWorkflowState(
    sessionId: string,
    state: unknown,
    options: SetWorkflowStateOptions = {},
  ): Promise<WorkflowState> {
    return setWorkflowState(this.#ctx, sessionId, state, options);
  }

  appendEvent(input: AppendEventInput): Promise<OrchEvent> {
    return appendEvent(this.#ctx, input);
  }

  listEvents(options: ListEventsOptions = {}): Promise<Page<OrchEvent>> {
    return listEvents(this.#ctx, options);
  }

  cleanup(options: CleanupSessionsOptions): Promise<number> {
    return cleanupSessions(this.#ctx, options);
  }

  metrics(): Promise<SessionMetrics> {
    return sessionMetrics(this.#ctx);
  }
}
