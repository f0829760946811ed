import { backoffDelay } from '@orch/core/adapter-kit';
import type { Db } from '../../util/db.js';
import { conflict, invalidInput, isVersionConflict, notFound, staleVersion } from '../repository-errors.js';
import { checkInt } from './input.js';
import { readCommitted, type VersionedTable } from './versioned-table.js';

/**
 * Thrown inside an update transaction when the row moved on between read and write: its
 * `UPDATE … WHERE id = ? AND version = ?` changed nothing. {@link versionedUpdate} retries it.
 */
export class VersionRace extends Error {
  constructor() {
    super('the row changed between read and write');
    this.name = 'VersionRace';
  }
}

/** Waits between attempts of a write that lost a race: short, jittered, capped at 50 ms. */
const RETRY_BACKOFF = { baseMs: 2, maxMs: 50, jitter: 1 } as const;

export interface VersionedUpdate<T, H = Db, R = never> {
  /** Where the row lives, to report the version a conflict met (and to read it, with `readFirst`). */
  readonly table: VersionedTable<T, R>;
  readonly id: string;
  /** The caller's `expectedVersion`: with it a race is a conflict at once, never retried. */
  readonly expected: number | undefined;
  /** Attempts in all before a race becomes `ORCH_CONFLICT`. Default 20. */
  readonly maxAttempts?: number;
  /** Also retry version conflicts the attempt raised itself (read-modify-write). */
  readonly retryConflicts?: boolean;
  /** How one attempt runs atomically (a transaction), and what it hands the attempt. */
  readonly transaction: (fn: (handle: H) => Promise<T>) => Promise<T>;
  /**
   * Read the row as last committed before the first transaction and hand it to the first attempt,
   * which then only writes: one trip to the writer fewer than reading inside the transaction.
   * The write's `WHERE version = ?` makes it safe; whatever that attempt meets (the row moved on,
   * or an error judged on a row that may have moved on) is decided again by the usual attempts,
   * which read inside the transaction. Only for an attempt that may run twice: no side effects
   * besides its writes.
   */
  readonly readFirst?: boolean;
  /**
   * One attempt: read the row (unless `committed` is given), check it, write it with
   * `WHERE version = ?`, throw `VersionRace` on 0 rows.
   */
  readonly attempt: (handle: H, committed?: T) => Promise<T>;
}

/**
 * The one optimistic-concurrency loop of the repositories: run `attempt` in a transaction; when
 * the row moved on under it, try again (after a short backoff) unless the caller pinned the
 * version; when attempts run out, `ORCH_CONFLICT` with the version the row is at.
 */
export async function versionedUpdate<T extends { readonly version: number }, H = Db, R = never>(
  db: Db,
  update: VersionedUpdate<T, H, R>,
): Promise<T> {
  const maxAttempts = update.maxAttempts ?? 20;
  if (update.readFirst) {
    const committed = await readCommitted(db, update.table, update.id);
    if (committed !== undefined && (update.expected === undefined || committed.version === update.expected)) {
      try {
        return await update.transaction((handle) => update.attempt(handle, committed));
      } catch {
        // Decided again below on the row as the transaction sees it.
      }
    }
  }
  let lastConflict: unknown;
  for (let attempt = 1; ; attempt++) {
    try {
      return await update.transaction((handle) => update.attempt(handle));
    } catch (err) {
      const race = err instanceof VersionRace;
      if (!race && !(update.retryConflicts && isVersionConflict(err))) throw err;
      lastConflict = race ? undefined : err;
      if ((race && update.expected !== undefined) || attempt >= maxAttempts) {
        if (lastConflict) throw lastConflict;
        throw await raceLost(db, update);
      }
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt - 1, RETRY_BACKOFF)));
    }
  }
}

/** `expectedVersion` of an options object, checked (`min` is 0 where "not created yet" is a version). */
export function expectedVersion(options: unknown, min = 1): number | undefined {
  if (typeof options !== 'object' || options === null) throw invalidInput('options', 'an object', options);
  const v = (options as { expectedVersion?: unknown }).expectedVersion;
  return v === undefined ? undefined : checkInt(v, 'options.expectedVersion', min, Number.MAX_SAFE_INTEGER);
}

async function raceLost<T, R>(
  db: Db,
  {
    table: { entity, table },
    id,
    expected,
  }: Pick<VersionedUpdate<T, unknown, R>, 'table' | 'id' | 'expected'>,
): Promise<Error> {
  const row = await db.one<{ version: number | string }>(`SELECT version FROM ${table} WHERE id = ?`, [id]);
  if (!row) return notFound(entity, id);
  const actual = Number(row.version);
  if (expected !== undefined) return staleVersion(entity, id, expected, actual);
  return conflict(
    `${entity} ${JSON.stringify(id)} kept changing while this update was retried (it is at version ${actual} now); re-read it and apply your change again.`,
    { reason: 'version', entity, id, actualVersion: actual },
  );
}
