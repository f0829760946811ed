import {
  type ExecuteResult,
  isOrchError,
  type OperationalCapabilities,
  OrchError,
  type Row,
  SqlStoreBase,
  type SqlValue,
  type Statement,
  type Transaction,
  type TransactionOptions,
  validateParams,
  validateSql,
} from '@orch/core';
import type Database from 'better-sqlite3';
import { encodeColumns } from './columns.js';
import {
  configureDatabase,
  OP_BATCH,
  OP_BATCH_ATOMIC,
  OP_EXECUTE,
  OP_EXECUTE_MANY,
  OP_QUERY,
  openDatabase,
  type RawExecuteResult,
  REROUTE,
} from './connection.js';
import { type EncodedChunk, type Engine, InlineEngine, WorkerEngine } from './engine.js';
import { mapSqliteError } from './errors.js';
import type { ResolvedSqliteOptions } from './url.js';

/** Statements a reader thread may take: they start like a query. Anything else goes to the writer. */
const READ_SQL = /^\s*(?:select|with|values)\b/i;
/** Functions that report the state of one connection (the writer's): such reads must run there. */
const CONNECTION_STATE_SQL = /\b(?:last_insert_rowid|changes|total_changes)\s*\(/i;
/** A reader does not see the writer's TEMP tables: such reads are retried on the writer. */
const WRITER_ONLY_ERROR = /^no such (?:table|view)/;
const MAX_CLASSIFIED = 1024;
/** The outer BEGINs of the transaction machinery, sent without waiting (see OP_BEGIN). */
const PIPELINED_BEGIN = new Set(['BEGIN IMMEDIATE', 'BEGIN DEFERRED', 'BEGIN']);
/** Rows per executeMany message: small enough that the worker starts early, large enough to amortize a message. */
const CHUNK_ROWS = 250;

/** Constructor input of {@link SqliteOperationalStore}. */
export interface SqliteStoreInit {
  readonly options: ResolvedSqliteOptions;
  /** An open better-sqlite3 Database to use instead of opening one: runs inline, never closed here. */
  readonly client?: Database.Database;
  readonly scheme?: string;
}

/** Bind values the way SQLite stores them; Dates and booleans become JSON-safe, so requests post as text. */
function bindable(params: readonly SqlValue[]): unknown[] {
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (typeof v === 'boolean' || v instanceof Date) {
      return params.map((x) =>
        typeof x === 'boolean' ? (x ? 1 : 0) : x instanceof Date ? x.toISOString() : x,
      );
    }
  }
  return params as unknown[];
}

/**
 * Parameter sets as columnar chunks of {@link CHUNK_ROWS} rows (see columns.ts); undefined for
 * ragged sets, which keep the row-by-row form so SQLite reports the bad row.
 */
function chunkSets(paramSets: readonly (readonly SqlValue[])[]): EncodedChunk[] | undefined {
  const width = paramSets[0]?.length ?? 0;
  for (const set of paramSets) if (set.length !== width) return undefined;
  const sets = paramSets.map(bindable);
  const chunks: EncodedChunk[] = [];
  for (let start = 0; start < sets.length; start += CHUNK_ROWS) {
    chunks.push(encodeColumns(sets, start, Math.min(sets.length, start + CHUNK_ROWS), width));
  }
  return chunks;
}

function toExecuteResult(raw: unknown): ExecuteResult {
  const [changes, lastInsertId] = raw as RawExecuteResult;
  return { changes, lastInsertId };
}

/**
 * The operational store on one SQLite file through better-sqlite3.
 *
 * By default the database runs in worker threads: one writer connection (every write and every
 * transaction, so a transaction is pinned to it) and reader connections that answer plain reads in
 * parallel under WAL. The event loop never waits for SQLite. `?mode=inline` (or `worker: false`)
 * keeps the connection in this thread instead.
 *
 * @example
 * import { createAdapter } from '@orch/core';
 * import '@orch/adapter-sqlite';
 *
 * const ops = await createAdapter('operational', 'sqlite:///tasks.db');
 * await ops.execute('CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, title TEXT)');
 * await ops.transaction(async (tx) => {
 *   await tx.execute('INSERT INTO tasks (id, title) VALUES (?, ?)', ['t1', 'Plan']);
 * });
 * await ops.close();
 */
export class SqliteOperationalStore extends SqlStoreBase {
  readonly scheme: string;
  readonly dialect = 'sqlite' as const;
  readonly capabilities: OperationalCapabilities;
  readonly options: ResolvedSqliteOptions;
  readonly #client: Database.Database | undefined;
  #engine: Engine | undefined;
  /** Calls queued on or running through the transaction machinery; reads bypass it only at zero. */
  #busy = 0;
  /** Per SQL text: may a reader thread run it? (false also once a reader sent it back as a write). */
  readonly #readable = new Map<string, boolean>();

  constructor(init: SqliteStoreInit) {
    super();
    this.options = init.options;
    this.#client = init.client;
    this.scheme = init.scheme ?? 'sqlite';
    this.capabilities = { returning: true, multiProcess: init.options.key !== ':memory:' };
  }

  /** `inline` or `worker`, once connected. */
  get mode(): 'inline' | 'worker' {
    return this.#engine?.mode ?? this.options.mode;
  }

  protected async doConnect(): Promise<void> {
    const { settings, mode, readers } = this.options;
    if (this.#client) {
      configureDatabase(this.#client, settings, 'writer');
      this.#engine = new InlineEngine(this.#client, settings.statementCacheSize, false);
    } else if (mode === 'inline') {
      this.#engine = new InlineEngine(openDatabase(settings, 'writer'), settings.statementCacheSize, true);
    } else {
      this.#engine = await WorkerEngine.start(settings, readers);
    }
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    const [row] = await this.query<{ version: string }>('SELECT sqlite_version() AS version');
    return {
      engine: 'better-sqlite3',
      sqliteVersion: row?.version,
      path: this.options.key,
      mode: this.mode,
      readers: this.#engine?.readers ?? 0,
    };
  }

  protected async driverClose(): Promise<void> {
    const engine = this.#engine;
    this.#engine = undefined;
    await engine?.close();
  }

  protected mapDriverError(err: unknown, sql: string): OrchError {
    return mapSqliteError(err, sql);
  }

  protected async driverQuery(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    return (await this.engine().run(OP_QUERY, sql, bindable(params))) as Row[];
  }

  protected async driverExecute(sql: string, params: readonly SqlValue[]): Promise<ExecuteResult> {
    const engine = this.engine();
    if (engine.begin && params.length === 0 && PIPELINED_BEGIN.has(sql)) {
      engine.begin(sql);
      return { changes: 0 };
    }
    return toExecuteResult(await this.engine().run(OP_EXECUTE, sql, bindable(params)));
  }

  protected override async driverExecuteMany(
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
  ): Promise<ExecuteResult> {
    const engine = this.engine();
    const chunks = engine.mode === 'worker' ? chunkSets(paramSets) : undefined;
    // Inline, the sets go to SQLite as they are: encoding only pays off across a thread boundary.
    if (!chunks) return toExecuteResult(await engine.run(OP_EXECUTE_MANY, sql, paramSets.map(bindable)));
    return toExecuteResult(await engine.executeMany(sql, chunks));
  }

  protected override async driverBatch(statements: readonly Statement[]): Promise<ExecuteResult[]> {
    const wire = statements.map((s) => [s.sql, bindable(s.params ?? [])]);
    return ((await this.engine().run(OP_BATCH, wire[0]![0] as string, wire)) as unknown[]).map(
      toExecuteResult,
    );
  }

  /**
   * Plain reads issued while no write or transaction is queued skip the FIFO lock and go to the
   * reader threads, batched; they see the last committed state (WAL snapshot), which is what they
   * would see after waiting. Everything else takes the transaction machinery's ordered path.
   */
  override query<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    const read = this.#engine?.read;
    if (read && this.#busy === 0 && !this.closed && typeof sql === 'string' && this.#readerMay(sql)) {
      return this.#directRead<T>(read, sql, params);
    }
    return this.#track(super.query<T>(sql, params));
  }

  /** Whether a reader thread may run `sql`; decided once per SQL text (the regexes cost on the hot path). */
  #readerMay(sql: string): boolean {
    let may = this.#readable.get(sql);
    if (may === undefined) {
      may = READ_SQL.test(sql) && !CONNECTION_STATE_SQL.test(sql);
      if (this.#readable.size >= MAX_CLASSIFIED) this.#readable.clear();
      this.#readable.set(sql, may);
    }
    return may;
  }

  override execute(sql: string, params?: readonly SqlValue[]): Promise<ExecuteResult> {
    return this.#track(super.execute(sql, params));
  }

  /**
   * An executeMany issued while nothing else is queued is atomic on its own: it is sent as one
   * pipelined unit (BEGIN, chunks, commit-after-last-chunk) and answered once. Later calls are
   * posted after it on the same writer thread, so they still run after it, in order.
   */
  override executeMany(sql: string, paramSets: readonly (readonly SqlValue[])[]): Promise<ExecuteResult> {
    const engine = this.#engine;
    if (
      engine instanceof WorkerEngine &&
      this.#busy === 0 &&
      !this.closed &&
      Array.isArray(paramSets) &&
      paramSets.length > 0
    ) {
      return this.#track(this.#executeManyAtomic(engine, sql, paramSets));
    }
    return this.#track(super.executeMany(sql, paramSets));
  }

  async #executeManyAtomic(
    engine: WorkerEngine,
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
  ): Promise<ExecuteResult> {
    validateSql(sql, 'executeMany');
    const sets = paramSets.map((p, i) => validateParams(p, `executeMany set ${i}`));
    const chunks = chunkSets(sets);
    if (!chunks) return super.executeMany(sql, paramSets);
    try {
      return toExecuteResult(await engine.executeManyAtomic(sql, chunks));
    } catch (err) {
      throw isOrchError(err) ? err : mapSqliteError(err, sql);
    }
  }

  /** Like executeMany: a batch issued while nothing else is queued is one message, committed before the reply. */
  override batch(statements: readonly Statement[]): Promise<ExecuteResult[]> {
    const engine = this.#engine;
    if (
      engine instanceof WorkerEngine &&
      this.#busy === 0 &&
      !this.closed &&
      Array.isArray(statements) &&
      statements.length > 0
    ) {
      return this.#track(this.#batchAtomic(engine, statements));
    }
    return this.#track(super.batch(statements));
  }

  async #batchAtomic(engine: WorkerEngine, statements: readonly Statement[]): Promise<ExecuteResult[]> {
    // The same checks (and messages) as the transaction machinery's batch.
    const wire = statements.map((s, i) => {
      if (typeof s !== 'object' || s === null) {
        throw new OrchError('ORCH_INVALID_INPUT', `batch statement ${i}: not an object.`, {
          kind: 'operational',
        });
      }
      return [
        validateSql(s.sql, `batch statement ${i}`),
        bindable(validateParams(s.params, `batch statement ${i}`)),
      ] as const;
    });
    try {
      return ((await engine.run(OP_BATCH_ATOMIC, wire[0]![0], wire)) as unknown[]).map(toExecuteResult);
    } catch (err) {
      throw isOrchError(err) ? err : mapSqliteError(err, wire[0]![0]);
    }
  }

  override transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.#track(super.transaction(fn, options));
  }

  /** One promise per read, settled straight from the batch reply (no async wrapper: it costs a hop per read). */
  #directRead<T>(
    read: NonNullable<Engine['read']>,
    sql: string,
    params: readonly SqlValue[] | undefined,
  ): Promise<T[]> {
    let values: unknown[];
    try {
      values = bindable(validateParams(params, 'query'));
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<T[]>((resolve, reject) => {
      read(
        sql,
        values,
        (result) => {
          if (result !== REROUTE) return resolve(result as T[]);
          // The statement writes (e.g. WITH … INSERT): remember, so it goes straight to the writer next time.
          this.#readable.set(sql, false);
          resolve(this.#track(super.query<T>(sql, params)));
        },
        (err) => {
          // Possibly a TEMP table of the writer's connection: ask the writer, which reports the real error if any.
          if (WRITER_ONLY_ERROR.test((err as Error)?.message ?? ''))
            resolve(this.#track(super.query<T>(sql, params)));
          else reject(mapSqliteError(err, sql));
        },
      );
    });
  }

  #track<R>(promise: Promise<R>): Promise<R> {
    this.#busy++;
    const done = () => {
      this.#busy--;
    };
    promise.then(done, done);
    return promise;
  }

  private engine(): Engine {
    if (!this.#engine)
      throw Object.assign(new Error('The SQLite store is not connected.'), { code: 'SQLITE_MISUSE' });
    return this.#engine;
  }
}
