import type {
  ExecuteResult,
  OperationalCapabilities,
  Row,
  SqlValue,
  Statement,
  TransactionOptions,
} from '@orch/core';
import { type DriverErrorContext, type OrchError, SqlStoreBase, sqliteDialect } from '@orch/core/adapter-kit';
import type { KeyedReadsInThread } from '../util/keyed-reads.js';
import { encodeColumns } from './columns.js';
import type { NativeDatabase, SqliteDriver } from './driver.js';
import { type ChunkSource, type Engine, InlineEngine, type ReadFn, WorkerEngine } from './engine.js';
import { engineKeyOf } from './engine-key.js';
import { driverCodeOf, mapConnectError, mapSqliteError } from './errors.js';
import type { EmbeddedSettings } from './options.js';
import {
  misuse,
  OP_BATCH,
  OP_COMMIT,
  OP_EXECUTE,
  OP_EXECUTE_MANY,
  OP_QUERY,
  OP_ROLLBACK,
  type RawExecuteResult,
  REROUTE,
} from './protocol.js';
import { SqlMemo } from './sql-memo.js';
import { toSqliteParams } from './values.js';

/** Constructor input of {@link SqliteFamilyStore}. */
export interface SqliteFamilyStoreInit {
  /** The engine. */
  readonly driver: SqliteDriver;
  /** URL of the compiled module whose `driver` export is {@link driver}: worker threads import it. */
  readonly driverModule: string | URL;
  readonly settings: EmbeddedSettings;
  readonly scheme: string;
  /** An open connection of the engine to use instead of opening one: runs inline, never closed here. */
  readonly client?: NativeDatabase | undefined;
}

/** Rows per executeMany message: small enough that the worker starts early, large enough to amortize a message. */
const CHUNK_ROWS = 250;

function toExecuteResult(raw: unknown): ExecuteResult {
  const [changes, lastInsertId] = raw as RawExecuteResult;
  return lastInsertId === undefined || lastInsertId === null ? { changes } : { changes, lastInsertId };
}

/**
 * Parameter sets as columnar chunks of {@link CHUNK_ROWS} rows (see columns.ts), each encoded when
 * the engine asks for it; undefined for ragged sets, which keep the row-by-row form so SQLite
 * reports the bad row.
 */
function chunkSets(paramSets: readonly (readonly SqlValue[])[]): ChunkSource | undefined {
  const width = paramSets[0]?.length ?? 0;
  for (const set of paramSets) if (set.length !== width) return undefined;
  // Converted up front (usually the same arrays): only the encoding, which cannot fail, is left
  // for when a chunk is asked for, so nothing is posted before everything could be converted.
  const sets = paramSets.map(toSqliteParams);
  return {
    count: Math.ceil(sets.length / CHUNK_ROWS),
    chunk: (index) =>
      encodeColumns(sets, index * CHUNK_ROWS, Math.min(sets.length, (index + 1) * CHUNK_ROWS), width),
  };
}

/**
 * The operational store of every embedded SQLite-family engine (better-sqlite3, libsql): one file
 * or `:memory:`, filled in by a {@link SqliteDriver}.
 *
 * By default a file runs in worker threads: one writer connection (every write and every
 * transaction, so a transaction is pinned to it) and reader connections that answer plain reads
 * outside any transaction in parallel under WAL, against the last committed state. The event loop
 * never waits for SQLite. `mode: 'inline'` keeps the one connection in this thread instead.
 */
export class SqliteFamilyStore extends SqlStoreBase implements KeyedReadsInThread {
  readonly scheme: string;
  readonly dialect = sqliteDialect;
  readonly capabilities: OperationalCapabilities;
  readonly #driver: SqliteDriver;
  readonly #driverModule: string;
  readonly #settings: EmbeddedSettings;
  readonly #client: NativeDatabase | undefined;
  #engine: Engine | undefined;
  /** Statements a reader sent back (they write, or need the writer's connection): straight to the writer. */
  readonly #writerOnly = new SqlMemo<true>();

  constructor(init: SqliteFamilyStoreInit) {
    super();
    this.#driver = init.driver;
    this.#driverModule = String(init.driverModule);
    this.#settings = init.settings;
    this.#client = init.client;
    this.scheme = init.scheme;
    this.capabilities = { returning: true, multiProcess: init.settings.path !== ':memory:' };
  }

  /**
   * The file's engine key: the vector and graph stores of the same file report it too, and their
   * calls made inside this store's transactions run in them. An injected client is the
   * application's connection: never shared.
   */
  override get engineKey(): string | undefined {
    return this.#client ? undefined : engineKeyOf(this.#driver.name, this.#settings);
  }

  /** Where the database runs: `worker` threads or `inline` in this thread. */
  get mode(): 'inline' | 'worker' {
    return this.#engine?.mode ?? (this.#client ? 'inline' : this.#settings.mode);
  }

  /**
   * Whether keyed reads are answered in this thread: always in inline mode, and in worker mode
   * when a point-read connection runs here and the caller is not inside a transaction (see
   * {@link KeyedReadsInThread}).
   */
  get keyedReadsInThread(): boolean {
    const engine = this.#engine;
    if (engine === undefined) return false;
    // A transaction's statements all run on its connection, in the writer thread.
    return engine.mode === 'inline' || (engine.pointReads !== undefined && !this.inTransaction);
  }

  protected async doConnect(): Promise<void> {
    const { connection, mode, readers } = this.#settings;
    try {
      if (this.#client) this.#engine = InlineEngine.wrap(this.#driver, this.#client, connection);
      else if (mode === 'inline') this.#engine = InlineEngine.open(this.#driver, connection);
      else
        this.#engine = await WorkerEngine.start(
          this.#driverModule,
          connection,
          readers,
          this.#settings.inlinePointReads && this.#driver.inlinePointReads ? this.#driver : undefined,
        );
    } catch (err) {
      throw mapConnectError(err);
    }
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    const [row] = await this.query<{ version: string }>('SELECT sqlite_version() AS version');
    return {
      engine: this.#driver.name,
      sqliteVersion: row?.version,
      path: this.#settings.path,
      mode: this.mode,
      readers: this.#engine?.readers ?? 0,
      // How many plain reads a connection in this thread answered (keyed point reads), or false.
      inlinePointReads: this.#engine?.pointReads?.answered ?? false,
    };
  }

  protected async driverClose(): Promise<void> {
    const engine = this.#engine;
    this.#engine = undefined;
    await engine?.close();
  }

  protected mapDriverError(err: unknown, context: DriverErrorContext): OrchError {
    return mapSqliteError(err, context);
  }

  protected async driverQuery(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    return (await this.#engineOrFail().run(OP_QUERY, sql, toSqliteParams(params))) as Row[];
  }

  protected async driverExecute(sql: string, params: readonly SqlValue[]): Promise<ExecuteResult> {
    return toExecuteResult(await this.#engineOrFail().run(OP_EXECUTE, sql, toSqliteParams(params)));
  }

  protected override driverExecuteMany(
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
  ): Promise<ExecuteResult> {
    return this.#executeMany(sql, paramSets, false);
  }

  protected override driverBatch(statements: readonly Statement[]): Promise<ExecuteResult[]> {
    return this.#batch(statements, false);
  }

  /** Concurrent transactions share one commit: one writer, so they run one after the other anyway. */
  protected override get groupCommit(): boolean {
    return true;
  }

  /** Every statement reaches the one writer connection in call order (a FIFO of messages). */
  protected override get pipelined(): boolean {
    return true;
  }

  /** The sets and their savepoint (or transaction) in one hand-over; the worker ends the unit. */
  protected override driverAtomicExecuteMany(
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
  ): Promise<ExecuteResult> {
    return this.#executeMany(sql, paramSets, true);
  }

  protected override driverAtomicBatch(statements: readonly Statement[]): Promise<ExecuteResult[]> {
    return this.#batch(statements, true);
  }

  /** `atomic`: the engine makes it one unit of its own (see OP_ATOMIC); else it runs inside the base's transaction. */
  async #executeMany(
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
    atomic: boolean,
  ): Promise<ExecuteResult> {
    const engine = this.#engineOrFail();
    // Inline, the sets go to SQLite as they are: encoding only pays off across a thread boundary.
    const chunks = engine.mode === 'worker' ? chunkSets(paramSets) : undefined;
    if (!chunks)
      return toExecuteResult(await engine.run(OP_EXECUTE_MANY, sql, paramSets.map(toSqliteParams), atomic));
    return toExecuteResult(await engine.executeMany(sql, chunks, atomic));
  }

  async #batch(statements: readonly Statement[], atomic: boolean): Promise<ExecuteResult[]> {
    const wire = statements.map((s) => [s.sql, toSqliteParams(s.params ?? [])]);
    return ((await this.#engineOrFail().run(OP_BATCH, statements[0]!.sql, wire, atomic)) as unknown[]).map(
      toExecuteResult,
    );
  }

  /** A worker is sent the BEGIN without waiting for it (see OP_BEGIN): one round trip less per transaction. */
  protected override async driverBegin(options: TransactionOptions): Promise<void> {
    await this.#engineOrFail().begin(this.dialect.begin(options));
  }

  /** Savepoints are pipelined like BEGIN: a failure fails the next statement instead (see OP_POSTED). */
  protected override async driverSavepoint(name: string): Promise<void> {
    await this.#engineOrFail().post(`SAVEPOINT ${name}`);
  }

  protected override async driverReleaseSavepoint(name: string): Promise<void> {
    await this.#engineOrFail().post(`RELEASE SAVEPOINT ${name}`);
  }

  protected override async driverCommit(): Promise<void> {
    await this.#engineOrFail().run(OP_COMMIT, 'COMMIT', []);
  }

  protected override async driverRollback(): Promise<void> {
    await this.#engineOrFail().run(OP_ROLLBACK, 'ROLLBACK', []);
  }

  /** Both statements in one message. */
  protected override async driverRollbackToSavepoint(name: string): Promise<void> {
    await this.#engineOrFail().run(OP_BATCH, `ROLLBACK TO SAVEPOINT ${name}`, [
      [`ROLLBACK TO SAVEPOINT ${name}`, []],
      [`RELEASE SAVEPOINT ${name}`, []],
    ]);
  }

  /**
   * Plain reads outside any transaction go to the reader threads, batched, when the store has
   * them. A reader sends back what the writer must answer: statements that write, reads of the
   * writer's connection state, and reads that fail there with SQLITE_ERROR (TEMP tables and
   * ATTACHed databases of the writer's connection exist only there; the writer reports the real
   * error if there is one). Those statements go straight to the writer from then on.
   */
  protected override get concurrentReads(): boolean {
    return this.#engine?.read !== undefined;
  }

  protected override driverConcurrentQuery(
    sql: string,
    params: readonly SqlValue[],
  ): Promise<Row[] | undefined> {
    const engine = this.#engine;
    const read = engine?.read;
    if (!read || this.#writerOnly.get(sql) === true) return Promise.resolve(undefined);
    const values = toSqliteParams(params);
    const here = engine!.pointReads?.read(sql, values);
    if (here === undefined) return this.#readOnReader(read, sql, values);
    if (Array.isArray(here)) return Promise.resolve(here as Row[]);
    // Answered at the next turn: by then the store may be closed (the base then reports it).
    return here.then(
      (rows) =>
        (rows as Row[] | undefined) ??
        (this.#engine === engine ? this.#readOnReader(read, sql, values) : undefined),
    );
  }

  #readOnReader(read: ReadFn, sql: string, values: unknown[]): Promise<Row[] | undefined> {
    return new Promise((resolve, reject) => {
      read(
        sql,
        values,
        (rows) => {
          if (rows !== REROUTE) return resolve(rows as Row[]);
          this.#sendToWriter(sql);
          resolve(undefined);
        },
        (err) => {
          if (driverCodeOf(err) !== 'SQLITE_ERROR') return reject(err);
          this.#sendToWriter(sql);
          resolve(undefined);
        },
      );
    });
  }

  #sendToWriter(sql: string): void {
    this.#writerOnly.set(sql, true);
  }

  #engineOrFail(): Engine {
    if (!this.#engine) throw misuse('The SQLite store is not connected.');
    return this.#engine;
  }
}
