/**
 * The worker-thread side: one SQLite connection, answering batches of statements.
 *
 * A request is a flat array `[op, sql, params, op, sql, params, …]` (as a JSON string when every
 * parameter is JSON-safe, else structured-cloned); the reply is the array of results in the same
 * order, again as one JSON string when every value allows it. One message per batch, never one per
 * statement: the postMessage and promise bookkeeping, not SQLite, is what costs on this path.
 * Messages made only of fire-and-forget ops (a pipelined BEGIN, executeMany chunks) get no reply.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  Connection,
  type ConnectionSettings,
  OP_BEGIN,
  OP_EXECUTE_MANY_COMMIT,
  OP_EXECUTE_MANY_FLAT,
  OP_EXECUTE_MANY_PART,
  OP_QUERY,
  OP_READ,
  type OpCode,
  openDatabase,
  type RawExecuteResult,
} from './connection.js';
import { rowsAreJsonSafe } from './conversion.js';
import { serializeDriverError } from './driver-error.js';

/** What the main thread passes to a new worker. */
export interface WorkerInit {
  readonly settings: ConnectionSettings;
  readonly role: 'writer' | 'reader';
}

/** Messages the worker posts besides batch replies. */
export type WorkerControlReply =
  | { readonly ready: true }
  | { readonly failed: { name?: string; message: string; code?: string } }
  | { readonly closed: true };

const port = parentPort;
if (!port) throw new Error('worker.js must run in a worker thread');
const init = workerData as WorkerInit;

let connection: Connection | undefined;
/** The error of a pipelined BEGIN, replayed on every statement until the transaction is ended. */
let beginFailure: unknown;
/** The first failure among the chunks of the executeMany being received. */
let chunkFailure: unknown;
let chunkChanges = 0;

try {
  connection = new Connection(openDatabase(init.settings, init.role), init.settings.statementCacheSize, true);
  port.postMessage({ ready: true } satisfies WorkerControlReply);
} catch (err) {
  port.postMessage({ failed: serializeDriverError(err) } satisfies WorkerControlReply);
}

function runOne(op: OpCode, sql: string, params: unknown): unknown {
  if (!connection)
    throw Object.assign(new Error('The SQLite connection is closed.'), { code: 'SQLITE_MISUSE' });
  if (op === OP_EXECUTE_MANY_COMMIT) return finishExecuteMany(connection, sql, params);
  if (beginFailure !== undefined) {
    const failure = beginFailure;
    if (sql === 'ROLLBACK' || sql === 'COMMIT') beginFailure = undefined;
    if (sql === 'ROLLBACK') return [0, 0];
    throw failure;
  }
  if (op === OP_BEGIN) {
    try {
      return connection.run(op, sql, params);
    } catch (err) {
      beginFailure = err;
      throw err;
    }
  }
  if (op === OP_EXECUTE_MANY_PART || op === OP_EXECUTE_MANY_FLAT) {
    const first = chunkFailure;
    if (op === OP_EXECUTE_MANY_FLAT) {
      chunkFailure = undefined;
      const before = chunkChanges;
      chunkChanges = 0;
      if (first !== undefined) throw first;
      const [changes, last] = connection.run(op, sql, params) as RawExecuteResult;
      return [changes + before, last];
    }
    if (first !== undefined) return undefined; // an earlier chunk failed: skip the rest
    try {
      chunkChanges += (connection.run(op, sql, params) as RawExecuteResult)[0];
    } catch (err) {
      chunkFailure = err;
    }
    return undefined;
  }
  return connection.run(op, sql, params);
}

/** Last chunk of a self-contained executeMany: run it, then COMMIT, or ROLLBACK on any failure. */
function finishExecuteMany(conn: Connection, sql: string, params: unknown): RawExecuteResult {
  const failed = beginFailure ?? chunkFailure;
  const before = chunkChanges;
  beginFailure = undefined;
  chunkFailure = undefined;
  chunkChanges = 0;
  try {
    if (failed !== undefined) throw failed;
    const [changes, last] = conn.run(OP_EXECUTE_MANY_FLAT, sql, params) as RawExecuteResult;
    conn.execute('COMMIT', []);
    return [changes + before, last];
  } catch (err) {
    try {
      if (conn.db.inTransaction) conn.execute('ROLLBACK', []);
    } catch {
      // SQLite may have rolled back on its own already.
    }
    throw err;
  }
}

port.on('message', (message: unknown) => {
  if (typeof message === 'object' && message !== null && !Array.isArray(message)) {
    // The only control message: close the connection (checkpointing the WAL) and say so.
    connection?.close();
    connection = undefined;
    port.postMessage({ closed: true } satisfies WorkerControlReply);
    return;
  }
  const plain = typeof message === 'string';
  const flat = (plain ? JSON.parse(message) : message) as unknown[];
  const results: unknown[] = new Array(flat.length / 3);
  let json = true;
  let reply = false;
  for (let i = 0, j = 0; i < flat.length; i += 3, j++) {
    const op = flat[i] as OpCode;
    if (op !== OP_BEGIN && op !== OP_EXECUTE_MANY_PART) reply = true;
    try {
      const result = runOne(op, flat[i + 1] as string, flat[i + 2]);
      if (json && (op === OP_QUERY || op === OP_READ) && Array.isArray(result) && !rowsAreJsonSafe(result))
        json = false;
      else if (json && Array.isArray(result) && typeof result[1] === 'bigint') json = false;
      results[j] = result ?? null;
    } catch (err) {
      results[j] = serializeDriverError(err);
    }
  }
  if (reply) port.postMessage(json ? JSON.stringify(results) : results);
});
