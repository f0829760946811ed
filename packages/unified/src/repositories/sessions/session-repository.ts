import type { JsonObject, Page, PageOptions, VersionOptions } from '../repository-types.js';
import type { TimeInput } from '../shared/input.js';

/** Session states. `active` and `paused` are open; the others are ended and carry `endedAt`. */
export const SESSION_STATUSES = ['active', 'paused', 'completed', 'failed', 'archived'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const ENDED_SESSION_STATUSES: readonly SessionStatus[] = ['completed', 'failed', 'archived'];

export interface Session {
  readonly id: string;
  readonly name: string;
  readonly status: SessionStatus;
  readonly metadata: JsonObject;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Set when the session reaches an ended status; cleared if it is reopened. */
  readonly endedAt: string | null;
}

export interface CreateSessionInput {
  readonly id?: string;
  readonly name: string;
  /** Default `active`. */
  readonly status?: SessionStatus;
  readonly metadata?: JsonObject;
}

/** Only the fields given change; metadata is merged (a key set to `undefined` is removed). */
export interface UpdateSessionInput {
  readonly name?: string;
  readonly status?: SessionStatus;
  readonly metadata?: JsonObject;
}

export interface ListSessionsOptions extends PageOptions {
  /** Only `active` sessions (shorthand for `status: ['active']`). */
  readonly activeOnly?: boolean;
  readonly status?: readonly SessionStatus[];
}

/** A JSON value stored under a key of a session. */
export interface SessionContext {
  readonly sessionId: string;
  readonly key: string;
  readonly value: unknown;
  readonly version: number;
  readonly updatedAt: string;
}

export interface WorkflowState {
  readonly sessionId: string;
  readonly state: unknown;
  readonly version: number;
  readonly updatedAt: string;
}

export interface SetWorkflowStateOptions {
  /** `0` = the state must not exist yet; n = it must be at version n. */
  readonly expectedVersion?: number;
}

export interface AppendEventInput {
  readonly sessionId?: string | null;
  readonly taskId?: string | null;
  readonly type: string;
  readonly payload?: JsonObject;
}

/** One entry of the append-only event log. Ids increase in append order. */
export interface OrchEvent {
  readonly id: number;
  readonly sessionId: string | null;
  readonly taskId: string | null;
  readonly type: string;
  readonly payload: JsonObject;
  readonly createdAt: string;
}

export interface ListEventsOptions extends PageOptions {
  readonly sessionId?: string;
  readonly taskId?: string;
  /** One type or any of several. */
  readonly type?: string | readonly string[];
  /** Only events with a larger id (a cursor for tailing the log). */
  readonly afterId?: number;
  /** By id; default `asc`. */
  readonly order?: 'asc' | 'desc';
}

export interface CleanupSessionsOptions {
  /** Sessions last updated before this time are eligible. */
  readonly olderThan: TimeInput;
  /** Also delete sessions still `active` or `paused` (default false: only ended ones). */
  readonly includeOpen?: boolean;
  /** Sessions deleted per transaction (default 100, at most 1000). */
  readonly batchSize?: number;
}

export interface SessionMetrics {
  readonly total: number;
  /** Every status, zero-filled. */
  readonly byStatus: Record<SessionStatus, number>;
  readonly active: number;
  readonly contexts: number;
  readonly events: number;
  readonly eventsByType: Record<string, number>;
  /** Mean of `endedAt - createdAt` in milliseconds over ended sessions, or `null`. */
  readonly averageDurationMs: number | null;
}

/**
 * Orchestration state: sessions, per-session context values, one workflow state per session and
 * an append-only event log. Also known as the state repository (`StateRepository`).
 */
export interface SessionRepository {
  create(input: CreateSessionInput): Promise<Session>;
  get(id: string): Promise<Session | null>;
  update(id: string, patch: UpdateSessionInput, options?: VersionOptions): Promise<Session>;
  /** Shorthand for `update(id, { status })` with an ended status (default `completed`). */
  end(id: string, status?: SessionStatus, options?: VersionOptions): Promise<Session>;
  /** Delete the session with its contexts, workflow state and events. `false` when it did not exist. */
  delete(id: string): Promise<boolean>;
  /** Newest first (by creation time, then id). */
  list(options?: ListSessionsOptions): Promise<Page<Session>>;

  setContext(
    sessionId: string,
    key: string,
    value: unknown,
    options?: VersionOptions,
  ): Promise<SessionContext>;
  getContext(sessionId: string, key: string): Promise<SessionContext | null>;
  deleteContext(sessionId: string, key: string): Promise<boolean>;
  /** By key. */
  listContexts(sessionId: string): Promise<SessionContext[]>;

  getWorkflowState(sessionId: string): Promise<WorkflowState | null>;
  /** Replace the workflow state; version 1 on first write, +1 after. */
  setWorkflowState(
    sessionId: string,
    state: unknown,
    options?: SetWorkflowStateOptions,
  ): Promise<WorkflowState>;

  /** The session, when given, must exist (`ORCH_NOT_FOUND`); `taskId` is recorded as is (events outlive tasks). */
  appendEvent(input: AppendEventInput): Promise<OrchEvent>;
  /** Ordered by id. The options are filters: an unknown session or type simply matches nothing. */
  listEvents(options?: ListEventsOptions): Promise<Page<OrchEvent>>;

  /** Delete old sessions (and what belongs to them), one transaction per batch; returns how many. Tasks are kept. */
  cleanup(options: CleanupSessionsOptions): Promise<number>;
  metrics(): Promise<SessionMetrics>;
}

/** Another name for {@link SessionRepository}: it holds the workflow state. */
export type StateRepository = SessionRepository;
