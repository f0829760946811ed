import { Worker } from 'node:worker_threads';
import { workerExecArgv } from '@orch/core/adapter-kit';
import type { ConnectionSettings } from '../../sqlite-family/driver.js';
import type { ScanReply, ScanRequest, ScanRow, ScanWorkerInit } from './protocol.js';

/** Where the vector store's exact scans run: a worker with its own read connection to the file. */
export interface ExactScanOptions {
  /** The module exporting the engine's `driver` (the same one the store's worker threads load). */
  readonly driverModule: URL | string;
  /** The file's connection settings (a file path: an in-memory database has no second connection). */
  readonly settings: ConnectionSettings;
  /**
   * Answer unfiltered queries approximately from an HNSW graph (usearch) for collections of at
   * least `minRecords` records (default {@link HNSW_MIN_RECORDS}); filtered queries, and smaller
   * collections, stay exact. Default: off.
   */
  readonly hnsw?: { readonly minRecords?: number } | undefined;
}

/** Below this many records an HNSW collection is still searched exactly (the scan is then under 1 ms). */
export const HNSW_MIN_RECORDS = 10_000;

/** The reason the last request fell back to SQL, or undefined. */
export type ScanOutcome =
  | { readonly rows: ScanRow[] }
  | { readonly missingTable: true; readonly error: string }
  | { readonly unavailable: string }
  /** The scan failed for another reason (the store answers this query in SQL). */
  | { readonly failed: string };

function workerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('../../../dist/vector/scan/scan-worker.js', import.meta.url)
    : new URL('./scan-worker.js', import.meta.url);
}

/**
 * The main-thread side of the scan worker: started on the first query, unref'd while idle (an
 * open store does not keep the process alive), one message per query each way.
 */
export class ExactScanner {
  readonly #init: ScanWorkerInit;
  readonly #hnsw: { readonly minRecords: number } | null;
  #worker: Worker | undefined;
  readonly #pending = new Map<number, { resolve: (r: ScanReply) => void; reject: (e: unknown) => void }>();
  #next = 0;
  /** Set once the worker said it cannot scan here; every later query takes the SQL path. */
  #unavailable: string | undefined;

  constructor(options: ExactScanOptions) {
    this.#init = {
      driverModule: String(options.driverModule),
      settings: options.settings,
    };
    this.#hnsw = options.hnsw ? { minRecords: options.hnsw.minRecords ?? HNSW_MIN_RECORDS } : null;
  }

  /** The HNSW threshold, when approximate search is on. */
  get hnswMinRecords(): number | undefined {
    return this.#hnsw?.minRecords;
  }

  get unavailable(): string | undefined {
    return this.#unavailable;
  }

  async query(request: Omit<ScanRequest, 'id' | 'hnsw'>): Promise<ScanOutcome> {
    if (this.#unavailable !== undefined) return { unavailable: this.#unavailable };
    const worker = this.#start();
    const id = this.#next++;
    let reply: ScanReply;
    try {
      reply = await new Promise<ScanReply>((resolve, reject) => {
        this.#pending.set(id, { resolve, reject });
        if (this.#pending.size === 1) worker.ref();
        worker.postMessage({ ...request, hnsw: this.#hnsw, id });
      });
    } catch (err) {
      // The worker died (it is started again by the next query).
      return { failed: err instanceof Error ? err.message : String(err) };
    }
    if ('rows' in reply) return { rows: reply.rows };
    if ('unavailable' in reply) {
      this.#unavailable = reply.unavailable;
      return { unavailable: reply.unavailable };
    }
    if (reply.missingTable) return { missingTable: true, error: reply.error };
    return { failed: reply.error };
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(workerUrl(), { workerData: this.#init, execArgv: workerExecArgv() });
    worker.unref();
    worker.on('message', (reply: ScanReply) => {
      const waiter = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      waiter?.resolve(reply);
    });
    const fail = (err: unknown) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const w of this.#pending.values()) w.reject(err);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the vector scan worker exited (code ${code})`)));
    this.#worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await worker.terminate();
  }
}
