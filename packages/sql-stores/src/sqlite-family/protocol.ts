// The wire protocol between a SQLite-family store and its worker threads. Kept free of
// @orch/core imports: the worker thread loads this file.
import type { ConnectionSettings } from './driver.js';
import { paramsAreJsonSafe } from './values.js';

/**
 * Statement kinds of the protocol (also used in-thread). A request is a flat array
 * `[op, sql, params, op, sql, params, …]` answered by one array of results in the same order.
 */
export const OP_QUERY = 0;
export const OP_EXECUTE = 1;
/** executeMany with row-form parameter sets (inside the transaction the store opened). */
export const OP_EXECUTE_MANY = 2;
/** Statements in order (inside the transaction the store opened); params is `[[sql, params], …]`. */
export const OP_BATCH = 3;
/** A read on a reader connection: answers {@link REROUTE} for a statement the writer must run. */
export const OP_READ = 4;
/**
 * executeMany with the parameter sets in columnar form (see columns.ts). A large executeMany is
 * sent in chunks, so the worker starts while the main thread still encodes the rest:
 * {@link OP_EXECUTE_MANY_PART} chunks get no reply (they are skipped after a failure), the final
 * {@link OP_EXECUTE_MANY_FLAT} one answers for all of them.
 */
export const OP_EXECUTE_MANY_FLAT = 5;
export const OP_EXECUTE_MANY_PART = 6;
/**
 * The BEGIN of an outer transaction, sent without waiting for its reply (one round trip less per
 * transaction). If it fails, the worker fails every statement after it with that error until the
 * store ends the transaction ({@link OP_COMMIT} or {@link OP_ROLLBACK}), so nothing can run
 * outside the transaction by mistake.
 */
export const OP_BEGIN = 7;
/** Commit the outer transaction (a failed pipelined BEGIN is reported here if nothing else did). */
export const OP_COMMIT = 8;
/** Roll the outer transaction back, if one is open. */
export const OP_ROLLBACK = 9;
/**
 * A statement inside the open transaction sent without waiting for its reply (SAVEPOINT,
 * RELEASE SAVEPOINT): it fails the statements after it the way a failed {@link OP_BEGIN} does.
 */
export const OP_POSTED = 10;
/**
 * Opens an atomic unit around the next answered op (an executeMany with its chunks, or a batch):
 * a savepoint inside the open transaction, else a transaction of its own. The worker ends it
 * when that op ends: kept if it succeeded, rolled back if it failed, so the op is all or
 * nothing in one hand-over.
 */
export const OP_ATOMIC = 11;

export type OpCode =
  | typeof OP_QUERY
  | typeof OP_EXECUTE
  | typeof OP_EXECUTE_MANY
  | typeof OP_BATCH
  | typeof OP_READ
  | typeof OP_EXECUTE_MANY_FLAT
  | typeof OP_EXECUTE_MANY_PART
  | typeof OP_BEGIN
  | typeof OP_COMMIT
  | typeof OP_ROLLBACK
  | typeof OP_POSTED
  | typeof OP_ATOMIC;

/** Ops the worker does not answer. */
export function unanswered(op: OpCode): boolean {
  return op === OP_BEGIN || op === OP_POSTED || op === OP_ATOMIC || op === OP_EXECUTE_MANY_PART;
}

/** What a reader answers for a statement that must run on the writer connection. */
export const REROUTE = 0;

/** `[changes, lastInsertRowid]`: the compact form of an ExecuteResult that crosses threads cheaply. */
export type RawExecuteResult = [changes: number, lastInsertRowid: number | bigint | undefined];

/** What the main thread passes to a new worker. */
export interface WorkerInit {
  /** URL of the module whose `driver` export is the engine's {@link SqliteDriver}. */
  readonly driverModule: string;
  readonly settings: ConnectionSettings;
  readonly role: 'writer' | 'reader';
}

/** The fields of a driver error that survive the trip back from a worker thread. */
export interface DriverErrorLike {
  readonly name?: string;
  readonly message: string;
  readonly code?: string;
}

/** Messages the worker posts besides batch replies. */
export type WorkerControlReply =
  | { readonly ready: true }
  | { readonly failed: DriverErrorLike }
  | { readonly closed: true };

/** The plain-data form of a driver error, for posting from a worker. */
export function serializeDriverError(err: unknown): DriverErrorLike {
  const e = err as Partial<DriverErrorLike> | undefined;
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}

/** Rebuild an Error on this side of a thread boundary, keeping the driver's name and code. */
export function reviveDriverError(raw: DriverErrorLike): Error & { code?: string } {
  const err = new Error(raw.message) as Error & { code?: string };
  if (raw.name) err.name = raw.name;
  if (raw.code) err.code = raw.code;
  return err;
}

/** An error of the store's own making, with a SQLite-style code so it maps like the engine's. */
export function misuse(message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code: 'SQLITE_MISUSE' });
}

/** Whether a request can travel as JSON: a JSON string is far cheaper to post than a cloned array of arrays. */
export function wireSafe(op: OpCode, params: unknown): boolean {
  const p = params as unknown[];
  if (op === OP_EXECUTE_MANY) {
    for (const set of p) if (!paramsAreJsonSafe(set as unknown[])) return false;
    return true;
  }
  // Columnar chunks carry typed arrays: structured clone (with transfer) is their cheap path.
  if (op === OP_EXECUTE_MANY_FLAT || op === OP_EXECUTE_MANY_PART) return false;
  if (op === OP_BATCH) {
    for (const s of p) if (!paramsAreJsonSafe((s as [string, unknown[]])[1])) return false;
    return true;
  }
  return paramsAreJsonSafe(p);
}
