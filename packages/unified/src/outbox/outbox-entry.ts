import type { EdgeKey, Metadata } from '@orch/core';

/** The stores a cross-store write fans out to. */
export type SyncTarget = 'vector' | 'graph';

/**
 * What recorded the entry (every entry is applied from the rows as they are when it runs):
 * - `upsert`: a task was created: write its embedding (the one given, or its text embedded) and
 *   its graph node with its edges;
 * - `sync`: a task changed (fields, status, dependencies): refresh its vector metadata, graph node
 *   and `DEPENDS_ON` edges;
 * - `delete`: a task was deleted: remove its embedding and node (with its edges).
 */
export type OutboxOperation = 'upsert' | 'sync' | 'delete';

export interface OutboxPayload {
  readonly embedding?: {
    readonly vector: number[];
    readonly document?: string;
    readonly metadata?: Metadata;
  };
  readonly edges?: EdgeKey[];
}

export interface OutboxEntry {
  readonly id: number;
  readonly taskId: string;
  readonly operation: OutboxOperation;
  readonly payload: OutboxPayload;
  /** Targets not yet applied. */
  readonly pending: SyncTarget[];
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly createdAt: string;
}
