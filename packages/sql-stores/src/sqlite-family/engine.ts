// Where a SQLite-family store's connections live: this thread, or worker threads (one writer,
// reader threads under WAL).
import { Worker } from 'node:worker_threads';
import { workerExecArgv } from '@orch/core/adapter-kit';
import type { ColumnarChunk } from './columns.js';
import { type ConnectionRole, SqliteConnection } from './connection.js';
import type { ConnectionSettings, NativeDatabase, SqliteDriver } from './driver.js';
import { PointReads } from './point-reads.js';
import {
  type DriverErrorLike,
  misuse,
  OP_ATOMIC,
  OP_BEGIN,
  OP_EXECUTE_MANY_FLAT,
  OP_EXECUTE_MANY_PART,
  OP_POSTED,
  OP_QUERY,
  OP_READ,
  type OpCode,
  type RawExecuteResult,
  reviveDriverError,
  type WorkerControlReply,
  type WorkerInit,
  wireSafe,
} from './protocol.js';
import { columnRowsToObjects, isColumnRows } from './row-columns.js';

/** A columnar chunk and the buffers to transfer with it. */
export interface EncodedChunk {
  readonly chunk: ColumnarChunk;
  readonly transfer: ArrayBuffer[];
}

/**
 * The chunks of one executeMany, encoded on demand: the worker engine posts each one as soon as
 * it is encoded, so the worker inserts chunk 1 while this thread encodes chunk 2.
 */
export interface ChunkSource {
  readonly count: number;
  chunk(index: number): EncodedChunk;
}

/** Run a read on a reader; `resolve` gets the rows or REROUTE. */
export type ReadFn = (
  sql: string,
  params: readonly unknown[],
  resolve: (rows: unknown) => void,
  reject: (err: unknown) => void,
) => void;

/**
 * The connections of a store. `run` is the writer connection, used by the transaction machinery
 * one call at a time; `read`, when present, runs a read concurrently on a reader.
 */
export interface Engine {
  readonly mode: 'inline' | 'worker';
  readonly readers: number;
  /** One op on the writer; `atomic`: an executeMany (row form) or a batch as one atomic unit (see OP_ATOMIC). */
  run(op: OpCode, sql: string, params: unknown, atomic?: boolean): Promise<unknown>;
  /** Open an outer transaction; a worker is sent it without waiting for the reply (see OP_BEGIN). */
  begin(sql: string): Promise<void>;
  /** A statement inside the open transaction whose reply nobody needs (see OP_POSTED). */
  post(sql: string): Promise<void>;
  /** executeMany over columnar chunks, in order, stopping at the first failure (inside the caller's transaction). */
  executeMany(sql: string, chunks: ChunkSource, atomic?: boolean): Promise<RawExecuteResult>;
  readonly read: ReadFn | undefined;
  /** Keyed point reads answered in this thread before {@link read} is asked; absent when the engine has none. */
  readonly pointReads: PointReads | undefined;
  close(): Promise<void>;
}

/** The connection in the caller's thread: fastest per call, but SQLite work blocks the event loop. */
export class InlineEngine implements Engine {
  readonly mode = 'inline' as const;
  readonly readers = 0;
  readonly read = undefined;
  readonly pointReads = undefined;
  readonly #connection: SqliteConnection;

  private constructor(connection: SqliteConnection) {
    this.#connection = connection;
  }

  static open(driver: SqliteDriver, settings: ConnectionSettings): InlineEngine {
    return new InlineEngine(SqliteConnection.open(driver, settings, 'writer'));
  }

  /** An application's own connection: configured, never closed here. */
  static wrap(driver: SqliteDriver, db: NativeDatabase, settings: ConnectionSettings): InlineEngine {
    const connection = new SqliteConnection(driver, db, settings.statementCacheSize, false);
    connection.configure(driver, settings, 'writer');
    return new InlineEngine(connection);
  }

  async run(op: OpCode, sql: string, params: unknown, atomic = false): Promise<unknown> {
    const run = () => this.#connection.run(op, sql, params);
    return atomic ? this.#connection.atomically(run) : run();
  }

  async begin(sql: string): Promise<void> {
    this.#connection.run(OP_BEGIN, sql, []);
  }

  async post(sql: string): Promise<void> {
    this.#connection.run(OP_POSTED, sql, []);
  }

  async executeMany(sql: string, chunks: ChunkSource, atomic = false): Promise<RawExecuteResult> {
    const all = (): RawExecuteResult => {
      let changes = 0;
      let last: number | bigint | undefined;
      for (let i = 0; i < chunks.count; i++) {
        const [c, l] = this.#connection.executeManyColumnar(sql, chunks.chunk(i).chunk);
        changes += c;
        last = l;
      }
      return [changes, last];
    };
    return atomic ? this.#connection.atomically(all) : all();
  }

  async close(): Promise<void> {
    this.#connection.close();
  }
}

interface Pending {
  readonly op: OpCode;
  readonly sql: string;
  readonly params: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/** The compiled worker: next to this file in dist, or in dist when running from src (tests). */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('../../dist/sqlite-family/worker.js', import.meta.url)
    : new URL('./worker.js', import.meta.url);
}

/**
 * One worker thread and its connection. Batches are answered in the order they were sent, so the
 * channel keeps a FIFO of in-flight batches instead of per-request ids.
 */
class WorkerChannel {
  readonly #worker: Worker;
  readonly #inflight: Pending[][] = [];
  /**
   * Ops issued and not posted yet, flat `[op, sql, params, …]` in the order they were issued, the
   * answered ones among them, and the buffers to move with them. Statements issued in the same
   * event-loop turn (the reads and writes of one repository call that do not wait for each
   * other) leave as one message; unanswered ops (a pipelined BEGIN, SAVEPOINT, RELEASE) wait for
   * the next answered one, since nothing can observe them before it.
   */
  #queue: unknown[] = [];
  #answered: Pending[] = [];
  #transfer: ArrayBuffer[] = [];
  #json = true;
  #flushScheduled = false;
  readonly #ready: Promise<void>;
  #onClosed: (() => void) | undefined;
  #failure: Error | undefined;
  #refed = true;
  /** Called after a reply when nothing is in flight any more (the read scheduler refills it). */
  onIdle: (() => void) | undefined;

  constructor(init: WorkerInit) {
    this.#worker = new Worker(workerUrl(), { workerData: init, execArgv: workerExecArgv() });
    this.#ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: WorkerControlReply) => {
        this.#worker.off('error', onError);
        if ('ready' in message) {
          this.#worker.on('message', (m) => this.#onMessage(m));
          this.#unrefIfIdle();
          resolve();
        } else if ('failed' in message) {
          void this.#worker.terminate();
          reject(reviveDriverError(message.failed));
        }
      };
      const onError = (err: Error) => reject(err);
      this.#worker.once('message', onMessage);
      this.#worker.once('error', onError);
    });
    this.#worker.on('error', (err) => this.#fail(err));
    this.#worker.on('exit', (code) => this.#fail(misuse(`The SQLite worker thread exited (code ${code}).`)));
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  /** Batches sent and not answered yet. */
  get inflight(): number {
    return this.#inflight.length;
  }

  /** Post these reads now, as one message (the read scheduler has already gathered them). */
  send(batch: Pending[]): void {
    for (const p of batch) this.#enqueue(p.op, p.sql, p.params, p);
    this.#flush();
  }

  /**
   * An op the worker does not answer. One with buffers (an executeMany chunk) leaves at once,
   * with everything queued before it, so the worker starts on it while this thread encodes the
   * next; the others wait for the next message.
   */
  post(op: OpCode, sql: string, params: unknown, transfer?: ArrayBuffer[]): void {
    if (this.#failure) return;
    this.#enqueue(op, sql, params, undefined, transfer);
    if (transfer !== undefined) this.#flush();
  }

  /**
   * An answered op. It leaves at the end of this event-loop turn together with whatever else is
   * issued meanwhile (at once when it carries buffers).
   */
  call(op: OpCode, sql: string, params: unknown, transfer?: ArrayBuffer[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#enqueue(op, sql, params, { op, sql, params, resolve, reject }, transfer);
      if (transfer !== undefined) this.#flush();
      else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => {
          this.#flushScheduled = false;
          this.#flush();
        });
      }
    });
  }

  #enqueue(op: OpCode, sql: string, params: unknown, answered?: Pending, transfer?: ArrayBuffer[]): void {
    this.#queue.push(op, sql, params);
    if (answered) this.#answered.push(answered);
    if (transfer !== undefined) {
      for (const buffer of transfer) this.#transfer.push(buffer);
      this.#json = false;
    } else if (this.#json) this.#json = wireSafe(op, params);
  }

  /** Post what is queued as one message; unless it is only unanswered ops without buffers. */
  #flush(): void {
    const batch = this.#answered;
    const transfer = this.#transfer;
    if (batch.length === 0 && transfer.length === 0) return;
    const flat = this.#queue;
    const json = this.#json;
    this.#queue = [];
    this.#answered = [];
    this.#transfer = [];
    this.#json = true;
    if (this.#failure) {
      for (const p of batch) p.reject(this.#failure);
      return;
    }
    if (batch.length > 0) {
      this.#inflight.push(batch);
      if (!this.#refed) {
        // Keep the process alive only while a reply is awaited: an idle store never blocks exit.
        this.#worker.ref();
        this.#refed = true;
      }
    }
    this.#worker.postMessage(json ? JSON.stringify(flat) : flat, transfer.length > 0 ? transfer : undefined);
  }

  /** Close the connection after everything already sent, then end the thread. */
  async close(): Promise<void> {
    if (this.#failure) return;
    const closed = new Promise<void>((resolve) => {
      this.#onClosed = resolve;
    });
    this.#worker.ref();
    this.#flush();
    // Unanswered ops left over (a BEGIN nothing followed) still run before the close.
    if (this.#queue.length > 0) this.#worker.postMessage(this.#queue.splice(0));
    this.#worker.postMessage({ close: true });
    await closed;
    await this.#worker.terminate();
  }

  #onMessage(message: unknown): void {
    if (typeof message === 'object' && message !== null && !Array.isArray(message)) {
      if ('closed' in message) this.#onClosed?.();
      return;
    }
    const batch = this.#inflight.shift();
    if (!batch) return;
    const results = (typeof message === 'string' ? JSON.parse(message) : message) as unknown[];
    for (let i = 0; i < batch.length; i++) {
      const r = results[i];
      const pending = batch[i]!;
      if (typeof r === 'object' && r !== null && !Array.isArray(r))
        pending.reject(reviveDriverError(r as DriverErrorLike));
      else if ((pending.op === OP_QUERY || pending.op === OP_READ) && isColumnRows(r))
        pending.resolve(columnRowsToObjects(r));
      else pending.resolve(r);
    }
    if (this.#inflight.length === 0) this.#unrefIfIdle();
    this.onIdle?.();
  }

  #unrefIfIdle(): void {
    if (this.#inflight.length === 0 && this.#refed && !this.#onClosed) {
      this.#worker.unref();
      this.#refed = false;
    }
  }

  #fail(err: Error): void {
    if (this.#failure) return;
    this.#failure = err;
    for (const batch of this.#inflight.splice(0)) for (const p of batch) p.reject(err);
    this.#onClosed?.();
  }
}

/** Batches in flight per reader thread. */
const PIPELINE = Number(process.env.ORCH_SQLITE_PIPELINE ?? 2);
/** Reads gathered before a second message (to a second reader or slot) is worth its cost. */
const MIN_READS_PER_MESSAGE = 8;

/**
 * One writer thread plus reader threads (WAL lets them read while the writer writes).
 *
 * Reads are not posted one by one: they queue, and the queue is flushed once per event-loop turn
 * (setImmediate, after every caller resumed by the previous replies has issued its next read) to
 * the readers that are idle, split evenly. A busy reader is never sent more than
 * {@link PIPELINE} batches: reads pile up meanwhile and leave together when it answers, so
 * batches grow exactly when the load does.
 */
export class WorkerEngine implements Engine {
  readonly mode = 'worker' as const;
  readonly readers: number;
  /**
   * Absent without readers: a read queued for the writer could land after a BEGIN sent meanwhile
   * and see that transaction's uncommitted rows, so such stores read through the writer's queue.
   */
  readonly read: ReadFn | undefined;
  readonly pointReads: PointReads | undefined;
  readonly #writer: WorkerChannel;
  readonly #readers: WorkerChannel[];
  #pending: Pending[] = [];
  #scheduled = false;

  private constructor(writer: WorkerChannel, readers: WorkerChannel[], pointReads: PointReads | undefined) {
    this.#writer = writer;
    this.#readers = readers;
    this.pointReads = pointReads;
    this.readers = readers.length;
    this.read =
      readers.length > 0
        ? (sql, params, resolve, reject) => {
            this.#pending.push({ op: OP_READ, sql, params, resolve, reject });
            this.#schedule();
          }
        : undefined;
    const flush = () => this.#schedule();
    for (const r of readers) r.onIdle = flush;
  }

  /**
   * Start the writer and the readers together (thread start-up dominates opening a store). Readers
   * touch the file only when they first read, which is after the writer switched it to WAL.
   * With `pointReads` (the driver, in this thread) and readers, keyed point reads are answered
   * by a read-only connection in this thread (see {@link PointReads}), opened once WAL is on.
   */
  static async start(
    driverModule: string,
    settings: ConnectionSettings,
    readers: number,
    pointReads?: SqliteDriver,
  ): Promise<WorkerEngine> {
    const channel = (role: ConnectionRole) => new WorkerChannel({ driverModule, settings, role });
    const writer = channel('writer');
    const channels = Array.from({ length: readers }, () => channel('reader'));
    const closeAll = () => Promise.allSettled([writer, ...channels].map((c) => c.close()));
    const started = await Promise.allSettled([writer, ...channels].map((c) => c.ready()));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) {
      await closeAll();
      throw (failed as PromiseRejectedResult).reason;
    }
    let here: PointReads | undefined;
    try {
      here = pointReads && readers > 0 ? PointReads.open(pointReads, settings) : undefined;
    } catch (err) {
      await closeAll();
      throw err;
    }
    return new WorkerEngine(writer, channels, here);
  }

  run(op: OpCode, sql: string, params: unknown, atomic = false): Promise<unknown> {
    if (atomic) this.#writer.post(OP_ATOMIC, '', []);
    return this.#writer.call(op, sql, params);
  }

  async begin(sql: string): Promise<void> {
    this.#writer.post(OP_BEGIN, sql, []);
  }

  async post(sql: string): Promise<void> {
    this.#writer.post(OP_POSTED, sql, []);
  }

  /**
   * Each chunk is its own message, posted as soon as it is encoded: the worker executes chunk 1
   * while this thread still encodes chunk 2. Only the last chunk is answered, for all of them.
   */
  async executeMany(sql: string, chunks: ChunkSource, atomic = false): Promise<RawExecuteResult> {
    if (atomic) this.#writer.post(OP_ATOMIC, '', []);
    const last = chunks.count - 1;
    for (let i = 0; i < last; i++) {
      const { chunk, transfer } = chunks.chunk(i);
      this.#writer.post(OP_EXECUTE_MANY_PART, sql, chunk, transfer);
    }
    const { chunk, transfer } = chunks.chunk(last);
    return (await this.#writer.call(OP_EXECUTE_MANY_FLAT, sql, chunk, transfer)) as RawExecuteResult;
  }

  async close(): Promise<void> {
    this.#flush(true);
    this.pointReads?.close();
    await Promise.allSettled([...this.#readers, this.#writer].map((c) => c.close()));
  }

  #schedule(): void {
    if (this.#scheduled || this.#pending.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush(false);
    });
  }

  #flush(all: boolean): void {
    const pending = this.#pending;
    if (pending.length === 0) return;
    // Up to PIPELINE batches per reader: while this thread resolves one batch's callers, the
    // reader already works on the next, so neither side waits for the other.
    const slots: WorkerChannel[] = [];
    for (const r of this.#readers)
      for (let k = r.inflight; k < (all ? r.inflight + 1 : PIPELINE); k++) slots.push(r);
    if (slots.length === 0) return;
    this.#pending = [];
    // A message costs this thread more than a point read costs a reader, so a few reads go
    // together to one reader; they are spread over the readers only when there are enough.
    const messages = Math.min(slots.length, Math.ceil(pending.length / MIN_READS_PER_MESSAGE));
    const per = Math.ceil(pending.length / messages);
    for (let i = 0, t = 0; i < pending.length; i += per, t++) slots[t]!.send(pending.slice(i, i + per));
  }
}
