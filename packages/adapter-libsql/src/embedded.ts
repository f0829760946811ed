import { Worker } from 'node:worker_threads';
import {
  type ExecuteResult,
  type OperationalCapabilities,
  type OrchError,
  type Row,
  SqlStoreBase,
  type SqlValue,
  type Statement,
  workerExecArgv,
} from '@orch/core';
import { bindable } from './conversion.js';
import {
  configureLibsql,
  LibsqlConnection,
  type LibsqlDatabase,
  type LibsqlEmbeddedSettings,
  openLibsql,
  type RawResult,
} from './embedded-connection.js';
import type { WorkerReply, WorkerRequest } from './embedded-worker.js';
import { mapLibsqlError } from './errors.js';

export type { LibsqlDatabase, LibsqlEmbeddedSettings } from './embedded-connection.js';

type Op = WorkerRequest['op'];

/** Where the connection lives: this thread, or a worker thread answering by request id. */
interface Runner {
  call(op: Op, sql: string, params: unknown): Promise<unknown>;
  close(): Promise<void>;
}

class InlineRunner implements Runner {
  constructor(readonly connection: LibsqlConnection) {}
  async call(op: Op, sql: string, params: unknown): Promise<unknown> {
    switch (op) {
      case 'query':
        return this.connection.query(sql, params as unknown[]);
      case 'execute':
        return this.connection.execute(sql, params as unknown[]);
      case 'executeMany':
        return this.connection.executeMany(sql, params as unknown[][]);
      case 'batch':
        return this.connection.batch(params as [string, unknown[]][]);
      case 'close':
        this.connection.close();
        return null;
    }
  }
  async close(): Promise<void> {
    this.connection.close();
  }
}

function workerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('../dist/embedded-worker.js', import.meta.url)
    : new URL('./embedded-worker.js', import.meta.url);
}

function revive(raw: { name: string; message: string; code?: string }): Error {
  const err = new Error(raw.message) as Error & { code?: string };
  err.name = raw.name;
  if (raw.code) err.code = raw.code;
  return err;
}

/** The connection in a worker thread, so SQLite work never blocks the event loop. */
class WorkerRunner implements Runner {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  #next = 0;
  #failure: Error | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (reply: WorkerReply) => {
      if (!('id' in reply)) return;
      const p = this.#pending.get(reply.id);
      if (!p) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if ('error' in reply) p.reject(revive(reply.error));
      else p.resolve(reply.result);
    });
    const fail = (err: Error) => {
      this.#failure ??= err;
      for (const p of this.#pending.values()) p.reject(this.#failure);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) =>
      fail(
        Object.assign(new Error(`The libsql worker thread exited (code ${code}).`), {
          code: 'SQLITE_MISUSE',
        }),
      ),
    );
    worker.unref();
  }

  static start(settings: LibsqlEmbeddedSettings): Promise<WorkerRunner> {
    const worker = new Worker(workerUrl(), { workerData: settings, execArgv: workerExecArgv() });
    return new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (m: WorkerReply) => {
        worker.off('error', reject);
        if ('ready' in m) resolve(new WorkerRunner(worker));
        else {
          void worker.terminate();
          reject('failed' in m ? revive(m.failed) : new Error('unexpected message from the libsql worker'));
        }
      });
    });
  }

  call(op: Op, sql: string, params: unknown): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) this.#worker.ref();
      this.#worker.postMessage({ id, op, sql, params } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    if (!this.#failure) await this.call('close', '', null).catch(() => undefined);
    await this.#worker.terminate();
  }
}

/**
 * The operational store on an embedded libsql file (the `libsql` package: SQLite-compatible, with
 * native vectors). Files run in a worker thread by default (one connection, so the event loop
 * never waits for SQLite); `?mode=inline`, `:memory:` and an injected client run in this thread.
 *
 * @example
 * const ops = await createAdapter('operational', 'file:tasks.db');
 * await ops.execute('CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY)');
 */
export class LibsqlEmbeddedStore extends SqlStoreBase {
  readonly scheme: string;
  readonly dialect = 'sqlite' as const;
  readonly capabilities: OperationalCapabilities;
  readonly settings: LibsqlEmbeddedSettings;
  readonly #injected: LibsqlDatabase | undefined;
  #runner: Runner | undefined;

  constructor(settings: LibsqlEmbeddedSettings, options: { scheme?: string; client?: LibsqlDatabase } = {}) {
    super();
    this.settings = options.client ? { ...settings, mode: 'inline' } : settings;
    this.scheme = options.scheme ?? 'libsql';
    this.#injected = options.client;
    this.capabilities = { returning: true, multiProcess: settings.path !== ':memory:' };
  }

  /** `worker` or `inline`. */
  get mode(): 'worker' | 'inline' {
    return this.settings.mode;
  }

  protected async doConnect(): Promise<void> {
    if (this.#injected) {
      configureLibsql(this.#injected, this.settings, false);
      this.#runner = new InlineRunner(
        new LibsqlConnection(this.#injected, this.settings.statementCacheSize, false),
      );
    } else if (this.settings.mode === 'inline') {
      this.#runner = new InlineRunner(
        new LibsqlConnection(openLibsql(this.settings), this.settings.statementCacheSize, true),
      );
    } else {
      this.#runner = await WorkerRunner.start(this.settings);
    }
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    const [row] = await this.query<{ version: string }>('SELECT sqlite_version() AS version');
    return {
      engine: 'libsql',
      mode: 'embedded',
      thread: this.settings.mode,
      sqliteVersion: row?.version,
      path: this.settings.path,
    };
  }

  protected async driverClose(): Promise<void> {
    const runner = this.#runner;
    this.#runner = undefined;
    await runner?.close();
  }

  protected mapDriverError(err: unknown, sql: string): OrchError {
    return mapLibsqlError(err, sql);
  }

  protected async driverQuery(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    return (await this.runner().call('query', sql, bindable(params))) as Row[];
  }

  protected async driverExecute(sql: string, params: readonly SqlValue[]): Promise<ExecuteResult> {
    return toResult((await this.runner().call('execute', sql, bindable(params))) as RawResult);
  }

  protected override async driverExecuteMany(
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
  ): Promise<ExecuteResult> {
    return toResult((await this.runner().call('executeMany', sql, paramSets.map(bindable))) as RawResult);
  }

  protected override async driverBatch(statements: readonly Statement[]): Promise<ExecuteResult[]> {
    const wire = statements.map((s) => [s.sql, bindable(s.params ?? [])]);
    return ((await this.runner().call('batch', statements[0]!.sql, wire)) as RawResult[]).map(toResult);
  }

  private runner(): Runner {
    if (!this.#runner)
      throw Object.assign(new Error('The libsql database is not open.'), { code: 'SQLITE_MISUSE' });
    return this.#runner;
  }
}

function toResult([changes, lastInsertId]: RawResult): ExecuteResult {
  return lastInsertId === undefined ? { changes } : { changes, lastInsertId };
}
