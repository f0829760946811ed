import type { SqlExecutor } from '@orch/core';
import { Db, nowIso, parseJson } from '../util/db.js';
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

export interface BackoffPolicy {
  /** First retry delay. */
  readonly baseMs: number;
  /** Upper bound of the delay. */
  readonly maxMs: number;
}

/**
 * The transactional outbox: a cross-store write is first recorded here in the same operational
 * transaction as the task row, then applied to the vector and graph stores; what could not be
 * applied stays here, with a backoff, until a replay succeeds.
 */
export class Outbox {
  readonly #backoff: BackoffPolicy;

  constructor(backoff: BackoffPolicy) {
    this.#backoff = backoff;
  }

  /** Record an entry; call it inside the transaction that writes the task. */
  async add(
    executor: SqlExecutor,
    taskId: string,
    operation: OutboxOperation,
    payload: OutboxPayload,
    pending: readonly SyncTarget[],
  ): Promise<OutboxEntry> {
    const db = new Db(executor);
    const now = nowIso();
    const result = await db.execute(
      'INSERT INTO orch_outbox (task_id, operation, payload, pending, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 0, ?, ?)',
      [taskId, operation, JSON.stringify(payload), JSON.stringify(pending), now, now],
    );
    let id = Number(result.lastInsertId ?? Number.NaN);
    if (!Number.isFinite(id)) {
      const row = await db.one<{ id: number }>('SELECT MAX(id) AS id FROM orch_outbox WHERE task_id = ?', [
        taskId,
      ]);
      id = Number(row?.id);
    }
    return {
      id,
      taskId,
      operation,
      payload,
      pending: [...pending],
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      createdAt: now,
    };
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
          [nowIso(), limit],
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
    const delay = Math.min(this.#backoff.maxMs, this.#backoff.baseMs * 2 ** Math.min(attempts - 1, 20));
    const jittered = Math.round(delay * (0.75 + Math.random() * 0.5));
    await db.execute(
      'UPDATE orch_outbox SET pending = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?',
      [
        JSON.stringify(remaining),
        attempts,
        new Date(Date.now() + jittered).toISOString(),
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
