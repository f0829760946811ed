/**
 * The worker-thread side of a SQLite-family store: one connection, answering batches of
 * statements. The engine's driver is imported from the module URL the main thread passes in
 * `workerData`, so one worker serves every engine and this package never loads a driver itself.
 *
 * A request is a flat array `[op, sql, params, op, sql, params, …]` (as a JSON string when every
 * parameter is JSON-safe, else structured-cloned); the reply is the array of results in the same
 * order, again as one JSON string when every value allows it. One message per batch, never one
 * per statement: the postMessage and promise bookkeeping, not SQLite, is what costs on this path.
 * Messages made only of unanswered ops (a pipelined BEGIN, executeMany chunks) get no reply.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type AtomicUnit, SqliteConnection } from './connection.js';
import type { SqliteDriver } from './driver.js';
import {
  misuse,
  OP_ATOMIC,
  OP_BATCH,
  OP_BEGIN,
  OP_COMMIT,
  OP_EXECUTE_MANY_FLAT,
  OP_EXECUTE_MANY_PART,
  OP_POSTED,
  OP_QUERY,
  OP_READ,
  OP_ROLLBACK,
  type OpCode,
  type RawExecuteResult,
  serializeDriverError,
  unanswered,
  type WorkerControlReply,
  type WorkerInit,
} from './protocol.js';
import { type ColumnRows, columnRowsAreJsonSafe } from './row-columns.js';

if (!parentPort) throw new Error('worker.js must run in a worker thread');
const port = parentPort;
const init = workerData as WorkerInit;

let connection: SqliteConnection | undefined;
/**
 * The error of a statement sent without waiting for its reply (a pipelined BEGIN, SAVEPOINT or
 * RELEASE), replayed on every statement until the transaction is ended.
 */
let postedFailure: unknown;
/** The atomic unit around the next answered op, or the error that kept it from opening. */
let atomic: AtomicUnit | undefined;
let atomicFailure: unknown;
/** The first failure among the chunks of the executeMany being received. */
let chunkFailure: unknown;
let chunkChanges = 0;

try {
  const { driver } = (await import(init.driverModule)) as { driver: SqliteDriver };
  connection = SqliteConnection.open(driver, init.settings, init.role);
  port.postMessage({ ready: true } satisfies WorkerControlReply);
} catch (err) {
  port.postMessage({ failed: serializeDriverError(err) } satisfies WorkerControlReply);
}

function runOne(op: OpCode, sql: string, params: unknown): unknown {
  if (!connection) throw misuse('The SQLite connection is closed.');
  if (postedFailure !== undefined) {
    const failure = postedFailure;
    if (op === OP_ROLLBACK || op === OP_COMMIT) postedFailure = undefined;
    // A failed BEGIN left nothing to undo, a failed SAVEPOINT or RELEASE an open transaction:
    // rollback() undoes whichever is there.
    if (op === OP_ROLLBACK) return connection.run(op, sql, params);
    throw failure;
  }
  if (op === OP_BEGIN || op === OP_POSTED) {
    try {
      return connection.run(op, sql, params);
    } catch (err) {
      postedFailure = err;
      throw err;
    }
  }
  if (op === OP_EXECUTE_MANY_PART || op === OP_EXECUTE_MANY_FLAT)
    return runChunk(connection, op, sql, params);
  // Rows leave this thread as columns (see ColumnRows); the engine rebuilds the objects.
  return connection.run(op, sql, params, true);
}

function openAtomic(): void {
  // Inside a transaction that already failed, the op reports that failure instead.
  if (!connection || postedFailure !== undefined) return;
  try {
    atomic = connection.openAtomic();
  } catch (err) {
    atomicFailure = err;
    chunkFailure ??= err; // the executeMany chunks that follow must not run outside the unit
  }
}

/** Run an op; an answered op ends the atomic unit opened for it (see OP_ATOMIC). */
function runAtomically(op: OpCode, sql: string, params: unknown): unknown {
  if (unanswered(op)) return runOne(op, sql, params);
  const unit = atomic;
  const failure = atomicFailure;
  atomic = undefined;
  atomicFailure = undefined;
  if (failure !== undefined) {
    chunkFailure = undefined;
    chunkChanges = 0;
    throw failure;
  }
  if (unit === undefined || !connection) return runOne(op, sql, params);
  return connection.closingAtomic(unit, () => runOne(op, sql, params));
}

function runChunk(conn: SqliteConnection, op: OpCode, sql: string, params: unknown): unknown {
  const first = chunkFailure;
  if (op === OP_EXECUTE_MANY_FLAT) {
    chunkFailure = undefined;
    const before = chunkChanges;
    chunkChanges = 0;
    if (first !== undefined) throw first;
    const [changes, last] = conn.run(op, sql, params) as RawExecuteResult;
    return [changes + before, last];
  }
  if (first !== undefined) return undefined; // an earlier chunk failed: skip the rest
  try {
    chunkChanges += (conn.run(op, sql, params) as RawExecuteResult)[0];
  } catch (err) {
    chunkFailure = err;
  }
  return undefined;
}

/** Whether a result survives JSON unchanged (rows of JSON-safe values, results without bigints). */
function jsonSafe(op: OpCode, result: unknown): boolean {
  if (!Array.isArray(result)) return true;
  if (op === OP_QUERY || op === OP_READ) return columnRowsAreJsonSafe(result as ColumnRows);
  if (op === OP_BATCH) return result.every((r) => typeof (r as RawExecuteResult)[1] !== 'bigint');
  return typeof result[1] !== 'bigint';
}

/**
 * After a message, the port is polled this long (ms) before the thread goes back to sleep in its
 * event loop. A caller that awaits one reply and then sends its next request (a transaction's
 * statements, a loop of writes) usually does so within it, and a thread that is still awake takes
 * the request in a few microseconds, where waking a sleeping one cost 50-70 µs per round trip on a
 * shared 2-core machine. The cost is at most this much CPU after the last message of a burst.
 */
const AWAKE_MS = 0.1;

port.on('message', (message: unknown) => {
  handle(message);
  let until = performance.now() + AWAKE_MS;
  while (connection !== undefined && performance.now() < until) {
    const next = receiveMessageOnPort(port);
    if (next === undefined) continue;
    handle(next.message);
    until = performance.now() + AWAKE_MS;
  }
});

function handle(message: unknown): void {
  if (typeof message === 'object' && message !== null && !Array.isArray(message)) {
    // The only control message: close the connection (checkpointing the WAL) and say so.
    connection?.close();
    connection = undefined;
    port.postMessage({ closed: true } satisfies WorkerControlReply);
    return;
  }
  const flat = (typeof message === 'string' ? JSON.parse(message) : message) as unknown[];
  // One result per answered op, in order: unanswered ops (see protocol.ts) may lead a batch.
  const results: unknown[] = [];
  let json = true;
  for (let i = 0; i < flat.length; i += 3) {
    const op = flat[i] as OpCode;
    if (op === OP_ATOMIC) {
      openAtomic();
      continue;
    }
    let result: unknown;
    try {
      result = runAtomically(op, flat[i + 1] as string, flat[i + 2]);
      if (json && !jsonSafe(op, result)) json = false;
      result ??= null;
    } catch (err) {
      result = serializeDriverError(err);
    }
    if (!unanswered(op)) results.push(result);
  }
  if (results.length > 0) port.postMessage(json ? JSON.stringify(results) : results);
}
