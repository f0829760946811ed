// Keyed point reads answered in the caller's thread. A read whose plan only looks rows up by key
// costs SQLite a few microseconds, less than the thread hop a reader costs (about 35-55 µs on a
// shared machine), and no more than decoding its rows from a reader's reply would cost this thread.

import { SqliteConnection } from './connection.js';
import type { ConnectionSettings, SqliteDriver } from './driver.js';
import { REROUTE } from './protocol.js';
import { SqlMemo } from './sql-memo.js';

type Row = Record<string, unknown>;

/** How often a statement ran here, and how many of those runs were slow. */
interface Runs {
  count: number;
  slow: number;
}

/**
 * Reads are answered at once for this long (ms) after the first one of an event-loop turn; later
 * ones wait for the next turn. A loop of awaited point reads never yields by itself (each
 * resolves at once), so this bounds how long it keeps timers and I/O waiting.
 */
const TURN_MS = 2;
/** A read that returned more rows than this is not a point read: the readers answer it from then on. */
const MAX_ROWS = 256;
/**
 * A run that kept this thread longer than this (ms) is slow: a large key group filtered or
 * aggregated down to a few rows, or a cold page cache. A statement is sent to the readers once
 * {@link MAX_SLOW} of its runs were slow and they are more than {@link SLOW_SHARE} of its runs; a
 * single slow run is as likely a garbage collection or the thread being descheduled.
 */
const SLOW_MS = 1;
const MAX_SLOW = 3;
const SLOW_SHARE = 0.02;

/** A table looked up by equality on a key or an index (`SEARCH t USING INDEX i (a=? AND b=?)`). */
const KEYED_SEARCH =
  /^SEARCH \S+(?: AS \S+)? USING (?:INTEGER PRIMARY KEY|PRIMARY KEY|(?:COVERING )?INDEX \S+) \(\w+=\?(?: AND \w+=\?)*\)$/;
/** Plan rows that add work in proportion to the rows returned, or none. */
const OUTPUT_BOUND =
  /^(?:SCAN CONSTANT ROW|USE TEMP B-TREE FOR (?:LAST TERM OF |RIGHT PART OF )?(?:ORDER BY|DISTINCT))$/;

/**
 * Whether every row of `EXPLAIN QUERY PLAN` is an equality lookup on a key or index (joins of them
 * included), or a sort of their output: such a read costs SQLite the logarithm of the table plus
 * the rows it returns. A scan, a range, a subquery, a CTE, a virtual table, an automatic index or
 * a GROUP BY is not.
 *
 * @example
 * isKeyedPlan(['SEARCH tasks USING INDEX sqlite_autoindex_tasks_1 (id=?)']); // true
 * isKeyedPlan(['SCAN tasks']); // false
 */
export function isKeyedPlan(details: readonly string[]): boolean {
  return (
    details.some((d) => KEYED_SEARCH.test(d)) &&
    details.every((d) => KEYED_SEARCH.test(d) || OUTPUT_BOUND.test(d))
  );
}

/**
 * A read-only connection in the caller's thread that answers keyed point reads (see
 * {@link isKeyedPlan}), outside any transaction, against the last committed state: the same view
 * a reader thread gives. Anything else, and anything it is unsure of, it leaves to the readers.
 */
export class PointReads {
  readonly #connection: SqliteConnection;
  /** Per SQL text: its runs here so far, or `false` when the readers answer it. */
  readonly #keyed = new SqlMemo<Runs | false>();
  /** When the first read of this turn was answered here; `undefined` before it. */
  #turnStarted: number | undefined;
  #nextTurn: NodeJS.Immediate | undefined;
  #closed = false;
  #answered = 0;

  private constructor(connection: SqliteConnection) {
    this.#connection = connection;
  }

  /** Open the connection: `query_only`, with the connection-state functions guarded like a reader's. */
  static open(driver: SqliteDriver, settings: ConnectionSettings): PointReads {
    return new PointReads(SqliteConnection.open(driver, settings, 'reader'));
  }

  /**
   * The rows; or a promise of them when this turn's stretch is over (answered here at the start of
   * the next turn); or `undefined` when a reader thread should answer instead.
   */
  read(sql: string, params: readonly unknown[]): Row[] | Promise<Row[] | undefined> | undefined {
    let runs = this.#keyed.get(sql);
    if (runs === undefined) {
      runs = this.#classify(sql, params) && { count: 0, slow: 0 };
      this.#keyed.set(sql, runs);
    }
    if (!runs) return undefined;
    const started = performance.now();
    if (this.#turnStarted !== undefined && started - this.#turnStarted > TURN_MS)
      return new Promise((resolve) =>
        setImmediate(() =>
          resolve(this.#closed ? undefined : this.#answer(sql, params, runs, performance.now())),
        ),
      );
    return this.#answer(sql, params, runs, started);
  }

  #answer(sql: string, params: readonly unknown[], runs: Runs, started: number): Row[] | undefined {
    this.#startTurn(started);
    let rows: Row[] | typeof REROUTE;
    try {
      rows = this.#connection.read(sql, params);
    } catch {
      // The reader path runs it again and reports the error as it always does (or sends it to
      // the writer, for what only the writer's connection has).
      this.#keyed.set(sql, false);
      return undefined;
    }
    if (rows === REROUTE) {
      this.#keyed.set(sql, false);
      return undefined;
    }
    runs.count++;
    this.#answered++;
    if (performance.now() - started > SLOW_MS) runs.slow++;
    if (rows.length > MAX_ROWS || (runs.slow >= MAX_SLOW && runs.slow > runs.count * SLOW_SHARE))
      this.#keyed.set(sql, false);
    return rows;
  }

  /** Reads answered in this thread so far (health details). */
  get answered(): number {
    return this.#answered;
  }

  close(): void {
    this.#closed = true;
    if (this.#nextTurn) clearImmediate(this.#nextTurn);
    this.#keyed.clear();
    this.#connection.close();
  }

  #classify(sql: string, params: readonly unknown[]): boolean {
    try {
      const plan = this.#connection.query(`EXPLAIN QUERY PLAN ${sql}`, params);
      return isKeyedPlan(plan.map((row) => String(row.detail)));
    } catch {
      // Not preparable here (the writer's TEMP tables, several statements, a syntax error): the
      // reader path decides, and reports the error.
      return false;
    }
  }

  #startTurn(now: number): void {
    if (this.#turnStarted !== undefined) return;
    this.#turnStarted = now;
    this.#nextTurn = setImmediate(() => {
      this.#nextTurn = undefined;
      this.#turnStarted = undefined;
    });
  }
}
