import {
  type DriverErrorContext,
  type ExecuteResult,
  type OperationalCapabilities,
  OrchError,
  type Row,
  SqlStoreBase,
  type SqlValue,
  sqliteDialect,
} from '../../src/adapter-kit.js';

/** One call a recording store received: the statement and the connection it ran on. */
export interface RecordedCall {
  readonly sql: string;
  readonly params: readonly SqlValue[];
  readonly connection: string | undefined;
}

/**
 * A SQL store whose "engine" records every statement it is handed and answers queries with one
 * row naming the statement: enough to watch the base class's transaction machinery, which is
 * what these tests are about (the real engines have their own suites).
 */
export class RecordingSqlStore<C extends string | undefined = undefined> extends SqlStoreBase<C> {
  readonly scheme = 'recording';
  readonly dialect = sqliteDialect;
  readonly capabilities: OperationalCapabilities = { returning: true, multiProcess: false };
  readonly calls: RecordedCall[] = [];
  /** Statements that fail with a plain Error, as a driver's would. */
  readonly failing = new Set<string>();
  /** Statements that fail the way a busy engine does (mapped to the retriable ORCH_BUSY). */
  readonly busy = new Set<string>();

  protected async doConnect(): Promise<void> {}
  protected async doHealth(): Promise<Record<string, unknown>> {
    return {};
  }
  protected async driverClose(): Promise<void> {}

  protected mapDriverError(err: unknown, context: DriverErrorContext): OrchError {
    if ((err as { busy?: boolean }).busy) {
      return new OrchError('ORCH_BUSY', `${context.operation}: busy`, { kind: 'operational', cause: err });
    }
    return new OrchError('ORCH_QUERY_FAILED', `${context.operation} failed: ${(err as Error).message}`, {
      kind: 'operational',
      cause: err,
      details: { driverCode: 'FAKE', operation: context.operation },
    });
  }

  protected async driverQuery(
    sql: string,
    params: readonly SqlValue[],
    connection: C | undefined,
  ): Promise<Row[]> {
    this.#record(sql, params, connection);
    return [{ sql }];
  }

  protected async driverExecute(
    sql: string,
    params: readonly SqlValue[],
    connection: C | undefined,
  ): Promise<ExecuteResult> {
    this.#record(sql, params, connection);
    return { changes: 1 };
  }

  #record(sql: string, params: readonly SqlValue[], connection: C | undefined): void {
    this.calls.push({ sql, params, connection });
    if (this.failing.has(sql)) throw new Error(`engine refused ${sql}`);
    if (this.busy.has(sql)) throw Object.assign(new Error(`engine busy at ${sql}`), { busy: true });
  }

  statements(): string[] {
    return this.calls.map((c) => c.sql);
  }
}

/** The recording store on a pool of named connections: transactions must pin one each. */
export class PooledRecordingStore extends RecordingSqlStore<string> {
  readonly released: { connection: string; broken: boolean }[] = [];
  #next = 0;

  protected override async acquireConnection(): Promise<string> {
    return `c${++this.#next}`;
  }

  protected override releaseConnection(connection: string, broken: boolean): void {
    this.released.push({ connection, broken });
  }
}

/** A recording store that reports an engine key, as stores sharing one database do. */
export class KeyedRecordingStore extends RecordingSqlStore {
  readonly #key: string | undefined;

  constructor(key: string | undefined) {
    super();
    this.#key = key;
  }

  override get engineKey(): string | undefined {
    return this.#key;
  }
}

/**
 * A recording store whose engine answers only when told (`answer()`), in the order statements
 * were handed over, like a connection behind a message queue. `pipelined` says whether the base
 * may hand over the next statement before the previous one is answered.
 */
export class QueuedRecordingStore extends RecordingSqlStore {
  readonly #pipelined: boolean;
  readonly #waiting: { resolve: () => void; reject: (err: unknown) => void; sql: string }[] = [];

  constructor(pipelined: boolean) {
    super();
    this.#pipelined = pipelined;
  }

  protected override get pipelined(): boolean {
    return this.#pipelined;
  }

  /** Statements handed over and not answered yet. */
  get unanswered(): string[] {
    return this.#waiting.map((w) => w.sql);
  }

  /** Answer everything handed over so far, in order (then let the callers resume). */
  async answer(): Promise<void> {
    for (const w of this.#waiting.splice(0)) {
      if (this.failing.has(w.sql)) w.reject(new Error(`engine refused ${w.sql}`));
      else w.resolve();
    }
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }

  protected override async driverExecute(sql: string, params: readonly SqlValue[]): Promise<ExecuteResult> {
    this.calls.push({ sql, params, connection: undefined });
    await new Promise<void>((resolve, reject) => this.#waiting.push({ resolve, reject, sql }));
    return { changes: 1 };
  }

  protected override async driverAtomicExecuteMany(
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
  ): Promise<ExecuteResult> {
    const r = await this.driverExecute(`ATOMIC ${sql} x${paramSets.length}`, []);
    return { changes: r.changes * paramSets.length };
  }
}

/** A recording store whose concurrent transactions share one commit. */
export class GroupCommitRecordingStore extends RecordingSqlStore {
  protected override get groupCommit(): boolean {
    return true;
  }
}
