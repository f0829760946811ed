import type { SqlExecutor } from '@orch/core';
import { type BackoffPolicy, backoffDelay } from '@orch/core/adapter-kit';
import { Db, parseJson } from '../util/db.js';
import type { OutboxEntry, OutboxOperation, OutboxPayload, SyncTarget } from './outbox-entry.js';

interface OutboxRow {
  id: number | string;
  task_id: string;
  operation: OutboxOperation;
  payload: string;
  pending: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
}

export interface OutboxOptions {
  /** Delays between attempts of one entry (core's one backoff policy). */
  readonly backoff: BackoffPolicy;
  /** The clock of timestamps and schedules. */
  readonly now: () => Date;
}

/**
 * The transactional outbox: a cross-store write is first recorded here in the same operational
 * transaction as the task row, then applied to the vector and graph stores; what could not be
 * applied stays here, with a backoff, until a replay succeeds.
 */
export class Outbox {
  readonly #options: OutboxOptions;

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  /** Milliseconds since the epoch on the outbox's clock. */
  nowMs(): number {
    return this.#options.now().getTime();
  }

  /** Record an entry; call it inside the transaction that writes the task. */
  async add(
    executor: SqlExecutor,
    taskId: string,
    operation: OutboxOperation,
    payload: OutboxPayload,
    pending: readonly SyncTarget[],
    lastError?: string,
  ): Promise<OutboxEntry> {
    const now = this.#options.now().toISOString();
    const error = lastError === undefined || lastError === '' ? null : lastError;
    const id = await new Db(executor).insertReturningId(
      'INSERT INTO orch_outbox (task_id, operation, payload, pending, attempts, next_attempt_at, created_at, last_error) VALUES (?, ?, ?, ?, 0, ?, ?, ?)',
      [taskId, operation, JSON.stringify(payload), JSON.stringify(pending), now, now, error],
    );
    return {
      id,
      taskId,
      operation,
      payload,
      pending: [...pending],
      attempts: 0,
      nextAttemptAt: now,
      lastError: error,
      createdAt: now,
    };
  }

  /** Remove an entry without applying it (its write was undone in the same transaction). */
  async remove(executor: SqlExecutor, id: number): Promise<void> {
    await new Db(executor).execute('DELETE FROM orch_outbox WHERE id = ?', [id]);
  }

  /** Entries due for a retry (all of them with `force`), oldest first. */
  async due(
    executor: SqlExecutor,
    options: { force?: boolean; limit?: number } = {},
  ): Promise<OutboxEntry[]> {
    const db = new Db(executor);
    const limit = options.limit ?? 500;
    const rows = options.force
      ? await db.query<OutboxRow>('SELECT * FROM orch_outbox ORDER BY id LIMIT ?', [limit])
      : await db.query<OutboxRow>(
          'SELECT * FROM orch_outbox WHERE next_attempt_at <= ? ORDER BY id LIMIT ?',
          [this.#options.now().toISOString(), limit],
        );
    return rows.map(toEntry);
  }

  async count(executor: SqlExecutor): Promise<number> {
    const row = await new Db(executor).one<{ n: number | string }>('SELECT COUNT(*) AS n FROM orch_outbox');
    return Number(row?.n ?? 0);
  }

  /** Record the outcome of one attempt: remove the entry when nothing is left pending. */
  async settle(
    executor: SqlExecutor,
    entry: OutboxEntry,
    remaining: readonly SyncTarget[],
    error?: string,
  ): Promise<void> {
    const db = new Db(executor);
    if (remaining.length === 0) {
      await db.execute('DELETE FROM orch_outbox WHERE id = ?', [entry.id]);
      return;
    }
    const attempts = entry.attempts + 1;
    const delay = backoffDelay(attempts - 1, this.#options.backoff);
    await db.execute(
      'UPDATE orch_outbox SET pending = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?',
      [
        JSON.stringify(remaining),
        attempts,
        new Date(this.nowMs() + delay).toISOString(),
        error ?? null,
        entry.id,
      ],
    );
  }
}

function toEntry(row: OutboxRow): OutboxEntry {
  return {
    id: Number(row.id),
    taskId: row.task_id,
    operation: row.operation,
    payload: parseJson<OutboxPayload>(row.payload, {}),
    pending: parseJson<SyncTarget[]>(row.pending, []),
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
  };
}
