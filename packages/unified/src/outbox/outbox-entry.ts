import type { EdgeKey, Metadata } from '@orch/core';

/** The stores a cross-store write fans out to. */
export type SyncTarget = 'vector' | 'graph';

/**
 * - `upsert`: write the task's embedding and graph node (and the given edges);
 * - `sync`: refresh the vector metadata and graph node from the task row (after an update);
 * - `delete`: remove the task's embedding and node (with its edges).
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
