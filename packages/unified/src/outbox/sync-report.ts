import type { SyncTarget } from './outbox-entry.js';

/** What one replay of the outbox did. */
export interface SyncReport {
  /** Entries fully applied and removed. */
  readonly completed: number;
  /** Entries still pending after this replay. */
  readonly pending: number;
  /** Failures of this replay, per task and store. */
  readonly failures: readonly {
    readonly taskId: string;
    readonly target: SyncTarget;
    readonly code: string;
    readonly message: string;
  }[];
  /** Delay until the earliest pending entry is due, when any remain. */
  readonly nextAttemptInMs?: number;
}
