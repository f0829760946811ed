import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { AdapterBase } from '../adapter/adapter-base.js';
import type { DriverErrorContext } from '../adapter/driver-error-context.js';
import { joinedTransaction, runAsEngineTransaction } from '../adapter/shared-engine.js';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import { isOrchError, OrchError } from '../errors/orch-error.js';
import { traceOperation } from '../tracing/store-tracing.js';
import { backoffDelay } from '../util/backoff.js';
import { Mutex } from '../util/mutex.js';
import type {
  ExecuteResult,
  OperationalCapabilities,
  OperationalStore,
  Row,
  SqlValue,
  Statement,
  Transaction,
  TransactionOptions,
} from './operational-store.js';
import { validateParams, validateSql } from './params.js';

/** One level of work: the store itself, a transaction, or a savepoint inside one. */
class Scope<C> {
  readonly mutex = new Mutex();
  active = true;
  constructor(
    readonly depth: number,
    readonly owner: object,
    readonly parent: Scope<C> | undefined,
    /** The connection pinned for the transaction; undefined at the root and on single-connection engines. */
    readonly connection: C | undefined,
    /** False at the root of a pooled store: autocommit statements there run side by side. */
    readonly serial: boolean,
  ) {}

  within(ancestor: Scope<C>): boolean {
    for (let s: Scope<C> | undefined = this; s; s = s.parent) if (s === ancestor) return true;
    return false;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial ? this.mutex.run(fn) : fn();
  }
}

const MAX_TRANSACTION_RETRIES = 10;
/** Transactions that share one commit, at most (see {@link SqlStoreBase.groupCommit}). */
const MAX_GROUP = 64;
/** No transaction joins a group that has been open this long (ms): it bounds how long the first waits. */
const MAX_GROUP_MS = 25;
/** The savepoint each grouped transaction runs in. */
const GROUP_SAVEPOINT = 'orch_group';

/**
 * Runs a function in the async context this was called in. (`AsyncResource.bind` does the same
 * but costs about 20 µs per call on Node 20, most of it defining a deprecated property.)
 */
function callerContext(): <T>(body: () => T) => T {
  const resource = new AsyncResource('orch.transaction');
  return (body) => resource.runInAsyncScope(body);
}

/** A transaction waiting to run in a group (see {@link SqlStoreBase.groupCommit}). */
interface GroupMember {
  /** Calls `body` in the async context the transaction was started in (not the group leader's). */
  readonly inCallerContext: <T>(body: () => T) => T;
  readonly fn: (tx: Transaction) => Promise<unknown>;
  readonly options: TransactionOptions;
  readonly begin: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * The transaction machinery of every SQL store: ordering, nesting with savepoints, rollback on
 * throw, a usable store after a failed COMMIT, retries of retriable failures when the caller asks,
 * tracing, and input validation. Adapters fill in the `driver*` hooks and never see SQL they did
 * not get from the caller or from a hook's default.
 *
 * Two shapes of engine fit:
 * - **one connection** (SQLite, sql.js, a dedicated client): leave `acquireConnection` undefined.
 *   Work on the store waits in one FIFO while a transaction runs; the hooks get `undefined` as
 *   the connection. A plain read outside any transaction may skip the queue through
 *   {@link SqlStoreBase.driverConcurrentQuery} where the engine has connections that never see
 *   uncommitted writes (WAL readers).
 * - **a pool** (PostgreSQL): implement `acquireConnection` / `releaseConnection`. Statements
 *   outside a transaction run side by side on any pooled connection (`undefined` is passed);
 *   each transaction pins the connection it acquired for its whole life, savepoints included,
 *   and releases it after COMMIT or ROLLBACK.
 *
 * Work started from inside a transaction callback on the store itself (not on `tx`) joins that
 * transaction instead of waiting for it: the async context tells, so it can never deadlock.
 * The same holds across stores that report one {@link SqlStoreBase.engineKey}: a call on one,
 * made inside a transaction callback of another, runs in that transaction.
 *
 * @example
 * class MyStore extends SqlStoreBase {
 *   readonly scheme = 'mine';
 *   readonly dialect = sqliteDialect;
 *   readonly capabilities = { returning: true, multiProcess: false };
 *   protected async doConnect() {}
 *   protected async doHealth() { return {}; }
 *   protected async driverQuery(sql, params) { return engine.all(sql, params); }
 *   protected async driverExecute(sql, params) { return engine.run(sql, params); }
 *   protected async driverClose() { engine.close(); }
 *   protected mapDriverError(err, context) { return new OrchError('ORCH_QUERY_FAILED', String(err), { cause: err }); }
 * }
 */
export abstract class SqlStoreBase<Connection = undefined> extends AdapterBase implements OperationalStore {
  readonly kind = 'operational' as const;
  abstract readonly dialect: SqlDialect;
  abstract readonly capabilities: OperationalCapabilities;
  #root: Scope<Connection> | undefined;
  readonly #context = new AsyncLocalStorage<Scope<Connection>>();
  /** Statements queued or running on the root scope outside any transaction; reads keep their order behind them. */
  #pendingAtRoot = 0;

  /** Run a statement that returns rows, on `connection` (undefined: the store's own, or any pooled one). */
  protected abstract driverQuery(
    sql: string,
    params: readonly SqlValue[],
    connection: Connection | undefined,
  ): Promise<Row[]>;
  /** Run a statement that changes data. */
  protected abstract driverExecute(
    sql: string,
    params: readonly SqlValue[],
    connection: Connection | undefined,
  ): Promise<ExecuteResult>;
  /** Release every connection; called once nothing is running. */
  protected abstract driverClose(): Promise<void>;
  /**
   * Map a driver error to an OrchError: constraint kind, busy, auth, the engine's code in
   * `details.driverCode`. The same signature on the vector and graph bases.
   */
  protected abstract mapDriverError(err: unknown, context: DriverErrorContext): OrchError;

  /**
   * The database this store runs on, when other stores may run on it too (see `Adapter.engineKey`);
   * undefined by default. Calls on this store inside a transaction of another store with the
   * same key join that transaction.
   */
  get engineKey(): string | undefined {
    return undefined;
  }

  /** Pooled engines: hand out a connection for one transaction (see the class doc). */
  protected acquireConnection?(): Promise<Connection>;
  /** Pooled engines: give the connection back; `broken` when ROLLBACK failed and it must be discarded. */
  protected releaseConnection?(connection: Connection, broken: boolean): Promise<void> | void;

  /**
   * True when {@link SqlStoreBase.driverConcurrentQuery} may be offered plain reads now (the
   * engine has read connections). Read synchronously on every root read, so a store that answers
   * reads in order (no reader connections) keeps them in order with the writes around them.
   * Default false.
   */
  protected get concurrentReads(): boolean {
    return false;
  }

  /**
   * Answer a plain read outside any transaction without waiting for the queue, on a connection
   * that never sees a running transaction's uncommitted writes. Resolve `undefined` to run it in
   * order on the main connection instead (the statement writes, or needs that connection's state).
   * Single-connection engines only; the default takes no shortcut.
   */
  protected driverConcurrentQuery(_sql: string, _params: readonly SqlValue[]): Promise<Row[] | undefined> {
    return Promise.resolve(undefined);
  }

  /**
   * True when the driver hooks hand each statement to the engine synchronously, in call order,
   * and the engine runs them in the order handed over (one connection behind a FIFO). A statement
   * then frees its scope's queue as soon as it is handed over rather than when it completes, so
   * statements issued together (`Promise.all`) reach the engine together instead of one round
   * trip each; their results, errors and order are the same. Default false.
   */
  protected get pipelined(): boolean {
    return false;
  }

  /**
   * executeMany as one hand-over that is atomic by itself (all sets or none): a savepoint inside
   * the open transaction, else a transaction of its own, both kept by the engine. With
   * {@link SqlStoreBase.pipelined}, executeMany then pipelines like any statement. Optional.
   */
  protected driverAtomicExecuteMany?(
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
    connection: Connection | undefined,
  ): Promise<ExecuteResult>;

  /** batch as one atomic hand-over (see {@link SqlStoreBase.driverAtomicExecuteMany}). Optional. */
  protected driverAtomicBatch?(
    statements: readonly Statement[],
    connection: Connection | undefined,
  ): Promise<ExecuteResult[]>;

  /**
   * True to let concurrent transactions share one commit: transactions that wait while one runs
   * (up to 64, joining within 25 ms of the first) run one after the other inside one engine
   * transaction, each in a savepoint of its own, and the group commits once. A transaction that
   * fails rolls back its savepoint alone and rejects at once; the others are acknowledged only
   * after the shared COMMIT, and if that COMMIT fails they all reject with its error (none of
   * them was written). Serial execution and durability are those of separate transactions; only
   * the number of commits (and fsyncs) changes. Single-connection engines only. Default false.
   */
  protected get groupCommit(): boolean {
    return false;
  }

  /** One statement per parameter set, inside a transaction the base opened. Override for one round trip. */
  protected async driverExecuteMany(
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
    connection: Connection | undefined,
  ): Promise<ExecuteResult> {
    let changes = 0;
    let lastInsertId: ExecuteResult['lastInsertId'];
    for (const params of paramSets) {
      const r = await this.driverExecute(sql, params, connection);
      changes += r.changes;
      if (r.lastInsertId !== undefined) lastInsertId = r.lastInsertId;
    }
    return lastInsertId === undefined ? { changes } : { changes, lastInsertId };
  }

  /** Statements in order, inside a transaction the base opened. Override for one round trip. */
  protected async driverBatch(
    statements: readonly Statement[],
    connection: Connection | undefined,
  ): Promise<ExecuteResult[]> {
    const results: ExecuteResult[] = [];
    for (const s of statements) results.push(await this.driverExecute(s.sql, s.params ?? [], connection));
    return results;
  }

  /** Open an outer transaction. Default: the dialect's BEGIN statement. */
  protected async driverBegin(
    options: TransactionOptions,
    connection: Connection | undefined,
  ): Promise<void> {
    await this.driverExecute(this.dialect.begin(options), [], connection);
  }

  /** Commit the outer transaction. A rejection leaves it open: the base then rolls back. */
  protected async driverCommit(connection: Connection | undefined): Promise<void> {
    await this.driverExecute('COMMIT', [], connection);
  }

  /** Roll the outer transaction back. */
  protected async driverRollback(connection: Connection | undefined): Promise<void> {
    await this.driverExecute('ROLLBACK', [], connection);
  }

  /** Open a savepoint; `name` is generated by the base and is a plain identifier. */
  protected async driverSavepoint(name: string, connection: Connection | undefined): Promise<void> {
    await this.driverExecute(`SAVEPOINT ${name}`, [], connection);
  }

  /** Keep a savepoint's work as part of the enclosing transaction. */
  protected async driverReleaseSavepoint(name: string, connection: Connection | undefined): Promise<void> {
    await this.driverExecute(`RELEASE SAVEPOINT ${name}`, [], connection);
  }

  /** Undo a savepoint's work and close it. */
  protected async driverRollbackToSavepoint(name: string, connection: Connection | undefined): Promise<void> {
    await this.driverExecute(`ROLLBACK TO SAVEPOINT ${name}`, [], connection);
    await this.driverExecute(`RELEASE SAVEPOINT ${name}`, [], connection);
  }

  protected override async doClose(): Promise<void> {
    await this.#rootScope().mutex.run(() => this.driverClose());
  }

  query<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    const joined = this.#joined();
    if (joined) return joined.query<T>(sql, params);
    return this.#trace('query', undefined, () => this.#query<T>(this.#current(), sql, params), rowCount);
  }

  execute(sql: string, params?: readonly SqlValue[]): Promise<ExecuteResult> {
    const joined = this.#joined();
    if (joined) return joined.execute(sql, params);
    return this.#trace('execute', undefined, () => this.#execute(this.#current(), sql, params), changeCount);
  }

  executeMany(sql: string, paramSets: readonly (readonly SqlValue[])[]): Promise<ExecuteResult> {
    const joined = this.#joined();
    if (joined) return joined.executeMany(sql, paramSets);
    return this.#trace(
      'executeMany',
      Array.isArray(paramSets) ? paramSets.length : undefined,
      () => this.#executeMany(this.#current(), sql, paramSets),
      changeCount,
    );
  }

  batch(statements: readonly Statement[]): Promise<ExecuteResult[]> {
    const joined = this.#joined();
    if (joined) return joined.batch(statements);
    return this.#trace(
      'batch',
      Array.isArray(statements) ? statements.length : undefined,
      () => this.#batch(this.#current(), statements),
      (r) => r.length,
    );
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const joined = this.#joined();
    if (joined) return joined.transaction(fn, options);
    return this.#trace('transaction', undefined, () => this.#transaction(this.#current(), fn, options));
  }

  #trace<T>(
    operation: string,
    inputCount: number | undefined,
    fn: () => Promise<T>,
    countResult?: (result: T) => number | undefined,
  ): Promise<T> {
    const event = { kind: this.kind, scheme: this.scheme, operation };
    return traceOperation(inputCount === undefined ? event : { ...event, inputCount }, fn, countResult);
  }

  /**
   * The transaction of another store on this engine that the caller runs in, when the caller is
   * not inside one of this store's own (that one wins: it is the innermost of this connection).
   */
  #joined(): Transaction | undefined {
    const key = this.engineKey;
    if (key === undefined) return undefined;
    const own = this.#context.getStore();
    if (own && own.owner === this && own.active) return undefined;
    return joinedTransaction(key, this);
  }

  #rootScope(): Scope<Connection> {
    this.#root ??= new Scope<Connection>(0, this, undefined, undefined, !this.#pooled());
    return this.#root;
  }

  #pooled(): boolean {
    return typeof this.acquireConnection === 'function';
  }

  /**
   * Whether the caller runs inside a transaction of this store, or of another store of its engine:
   * its statements then join that transaction, on the transaction's connection.
   */
  protected get inTransaction(): boolean {
    return this.#current().depth > 0 || this.#joined() !== undefined;
  }

  /** The innermost transaction of this store the caller runs in, or the store itself. */
  #current(): Scope<Connection> {
    const current = this.#context.getStore();
    return current && current.owner === this && current.active ? current : this.#rootScope();
  }

  async #query<T>(
    scope: Scope<Connection>,
    sql: string,
    params: readonly SqlValue[] | undefined,
  ): Promise<T[]> {
    validateSql(sql, 'query');
    const values = validateParams(params, 'query');
    // Decided synchronously, before any await: a write issued after this read, without awaiting
    // it, must not overtake it on a store that answers reads in order.
    if (
      scope.depth === 0 &&
      this.#pendingAtRoot === 0 &&
      this.concurrentReads &&
      this.isReady &&
      !this.#pooled()
    ) {
      let fast: Row[] | undefined;
      try {
        fast = await this.driverConcurrentQuery(sql, values);
      } catch (err) {
        throw this.#mapped(err, { operation: 'query', sql });
      }
      if (fast !== undefined) return fast as T[];
    }
    return this.#issue(scope, { operation: 'query', sql }, () =>
      this.driverQuery(sql, values, scope.connection),
    ) as Promise<T[]>;
  }

  /**
   * Hand one statement to the driver in the scope's order. Pipelined engines free the queue once
   * it is handed over (see {@link SqlStoreBase.pipelined}); the others, and a scope that must
   * first connect or is no longer usable, hold it until the statement completes.
   */
  #issue<T>(scope: Scope<Connection>, context: DriverErrorContext, dispatch: () => Promise<T>): Promise<T> {
    const usable = scope.depth === 0 ? this.isReady : scope.active;
    if (!this.pipelined || !usable) {
      return this.#inOrder(scope, async () => {
        await this.#enter(scope);
        return this.#driver(context, dispatch);
      });
    }
    return this.#counted(scope, async () => {
      const handed = await scope.run(async () => ({ result: this.#driver(context, dispatch) }));
      return handed.result;
    });
  }

  /** Run on the scope's queue; at the root, later plain reads wait for it instead of overtaking it. */
  #inOrder<T>(scope: Scope<Connection>, fn: () => Promise<T>): Promise<T> {
    return this.#counted(scope, () => scope.run(fn));
  }

  async #counted<T>(scope: Scope<Connection>, fn: () => Promise<T>): Promise<T> {
    if (scope.depth > 0) return fn();
    this.#pendingAtRoot++;
    try {
      return await fn();
    } finally {
      this.#pendingAtRoot--;
    }
  }

  async #execute(
    scope: Scope<Connection>,
    sql: string,
    params: readonly SqlValue[] | undefined,
  ): Promise<ExecuteResult> {
    validateSql(sql, 'execute');
    const values = validateParams(params, 'execute');
    return this.#issue(scope, { operation: 'execute', sql }, () =>
      this.driverExecute(sql, values, scope.connection),
    );
  }

  async #executeMany(
    scope: Scope<Connection>,
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
  ): Promise<ExecuteResult> {
    validateSql(sql, 'executeMany');
    if (!Array.isArray(paramSets)) {
      throw new OrchError(
        'ORCH_INVALID_INPUT',
        'executeMany: paramSets must be an array of parameter arrays.',
        {
          kind: 'operational',
        },
      );
    }
    const sets = paramSets.map((p, i) => validateParams(p, `executeMany set ${i}`));
    if (sets.length === 0) return { changes: 0 };
    if (this.pipelined && this.driverAtomicExecuteMany) {
      return this.#issue(scope, { operation: 'executeMany', sql }, () =>
        this.driverAtomicExecuteMany!(sql, sets, scope.connection),
      );
    }
    return this.#counted(scope, () =>
      this.#transaction(
        scope,
        (tx) =>
          this.#driver({ operation: 'executeMany', sql }, () =>
            this.driverExecuteMany(sql, sets, this.#scopeOf(tx).connection),
          ),
        {},
      ),
    );
  }

  async #batch(scope: Scope<Connection>, statements: readonly Statement[]): Promise<ExecuteResult[]> {
    if (!Array.isArray(statements)) {
      throw new OrchError('ORCH_INVALID_INPUT', 'batch: expected an array of { sql, params }.', {
        kind: 'operational',
      });
    }
    const checked = statements.map((s, i) => {
      if (typeof s !== 'object' || s === null)
        throw new OrchError('ORCH_INVALID_INPUT', `batch statement ${i}: not an object.`, {
          kind: 'operational',
        });
      return {
        sql: validateSql(s.sql, `batch statement ${i}`),
        params: validateParams(s.params, `batch statement ${i}`),
      };
    });
    if (checked.length === 0) return [];
    if (this.pipelined && this.driverAtomicBatch) {
      return this.#issue(scope, { operation: 'batch', sql: checked[0]!.sql }, () =>
        this.driverAtomicBatch!(checked, scope.connection),
      );
    }
    return this.#counted(scope, () =>
      this.#transaction(
        scope,
        (tx) =>
          this.#driver({ operation: 'batch', sql: checked[0]!.sql }, () =>
            this.driverBatch(checked, this.#scopeOf(tx).connection),
          ),
        {},
      ),
    );
  }

  async #transaction<T>(
    parent: Scope<Connection>,
    fn: (tx: Transaction) => Promise<T>,
    options: TransactionOptions,
  ): Promise<T> {
    if (typeof fn !== 'function')
      throw new OrchError('ORCH_INVALID_INPUT', 'transaction expects a callback.', { kind: 'operational' });
    const retries = validateRetries(options.retries);
    if (parent.depth > 0 || retries === 0) return this.#transactionOnce(parent, fn, options);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#transactionOnce(parent, fn, options);
      } catch (err) {
        if (!isOrchError(err) || !err.retriable || attempt >= retries) throw err;
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt)));
      }
    }
  }

  async #transactionOnce<T>(
    parent: Scope<Connection>,
    fn: (tx: Transaction) => Promise<T>,
    options: TransactionOptions,
  ): Promise<T> {
    if (parent.depth === 0 && this.groupCommit && !this.#pooled()) return this.#grouped(fn, options);
    return parent.run(async () => {
      await this.#enter(parent);
      const outer = parent.depth === 0;
      const connection = outer && this.#pooled() ? await this.#acquire() : parent.connection;
      const child = new Scope<Connection>(parent.depth + 1, this, parent, connection, true);
      const savepoint = `orch_sp_${child.depth}`;
      let broken = false;
      try {
        await this.#driver({ operation: outer ? 'begin' : 'savepoint' }, () =>
          outer ? this.driverBegin(options, connection) : this.driverSavepoint(savepoint, connection),
        );
        let result: T;
        try {
          result = await this.#runCallback(child, fn);
        } catch (err) {
          child.active = false;
          await child.mutex.idle();
          broken = !(await this.#undo(outer, savepoint, connection));
          throw err;
        }
        child.active = false;
        try {
          await this.#driver({ operation: outer ? 'commit' : 'release' }, () =>
            outer ? this.driverCommit(connection) : this.driverReleaseSavepoint(savepoint, connection),
          );
        } catch (err) {
          // A failed COMMIT (busy, deferred constraint) leaves the transaction open: close it so the store stays usable.
          broken = !(await this.#undo(outer, savepoint, connection));
          throw err;
        }
        return result;
      } finally {
        if (outer && connection !== undefined && this.releaseConnection) {
          await this.releaseConnection(connection, broken);
        }
      }
    });
  }

  /**
   * A transaction callback on its scope: calls on this store from inside it join the scope (and,
   * with an engine key, calls on the other stores of the engine too); statements it started
   * without awaiting still belong to it, so this waits for them.
   */
  async #runCallback<T>(child: Scope<Connection>, fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const handle = this.#handle(child);
    const key = this.engineKey;
    const result = await this.#context.run(child, () =>
      key === undefined
        ? fn(handle)
        : runAsEngineTransaction(
            key,
            this,
            handle,
            () => child.active,
            () => fn(handle),
          ),
    );
    await child.mutex.idle();
    return result;
  }

  readonly #groupQueue: GroupMember[] = [];
  #leading = false;

  /** Queue a root transaction for the next group; the first to arrive leads the groups. */
  #grouped<T>(fn: (tx: Transaction) => Promise<T>, options: TransactionOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#groupQueue.push({
        inCallerContext: callerContext(),
        fn,
        options,
        begin: this.dialect.begin(options),
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (!this.#leading) void this.#lead();
    });
  }

  async #lead(): Promise<void> {
    this.#leading = true;
    try {
      const root = this.#rootScope();
      while (this.#groupQueue.length > 0) await root.mutex.run(() => this.#runGroup(root));
    } finally {
      this.#leading = false;
    }
  }

  /** One group: BEGIN, the queued transactions one by one in savepoints, one COMMIT. */
  async #runGroup(root: Scope<Connection>): Promise<void> {
    const first = this.#groupQueue[0]!;
    try {
      await this.#enter(root);
      await this.#driver({ operation: 'begin' }, () => this.driverBegin(first.options, undefined));
    } catch (err) {
      this.#groupQueue.shift();
      first.reject(err);
      return;
    }
    const done: { member: GroupMember; value: unknown }[] = [];
    const opened = Date.now();
    let failure: unknown;
    while (
      failure === undefined &&
      this.#groupQueue.length > 0 &&
      this.#groupQueue[0]!.begin === first.begin &&
      done.length < MAX_GROUP &&
      (done.length === 0 || Date.now() - opened < MAX_GROUP_MS)
    ) {
      const member = this.#groupQueue.shift()!;
      const outcome = await this.#runMember(root, member);
      if (outcome.ok) done.push({ member, value: outcome.value });
      else if (outcome.broken) failure = outcome.error;
    }
    if (failure === undefined) {
      try {
        await this.#driver({ operation: 'commit' }, () => this.driverCommit(undefined));
      } catch (err) {
        failure = err;
      }
    }
    if (failure !== undefined) {
      await this.#undo(true, '', undefined);
      for (const d of done) d.member.reject(failure);
      return;
    }
    for (const d of done) d.member.resolve(d.value);
  }

  /**
   * One grouped transaction in its savepoint. To its callback it is an outer transaction
   * (depth 1); a failure rolls back the savepoint alone and rejects it now. `broken`: the
   * savepoint could not be ended, so the whole group must roll back.
   */
  async #runMember(
    root: Scope<Connection>,
    member: GroupMember,
  ): Promise<{ ok: true; value: unknown } | { ok: false; broken: boolean; error: unknown }> {
    const child = new Scope<Connection>(1, this, root, undefined, true);
    try {
      await this.#driver({ operation: 'savepoint' }, () => this.driverSavepoint(GROUP_SAVEPOINT, undefined));
    } catch (err) {
      member.reject(err);
      return { ok: false, broken: true, error: err };
    }
    let value: unknown;
    try {
      value = await member.inCallerContext(() => this.#runCallback(child, member.fn));
    } catch (err) {
      child.active = false;
      await child.mutex.idle();
      const undone = await this.#undo(false, GROUP_SAVEPOINT, undefined);
      member.reject(err);
      return { ok: false, broken: !undone, error: err };
    }
    child.active = false;
    try {
      await this.#driver({ operation: 'release' }, () =>
        this.driverReleaseSavepoint(GROUP_SAVEPOINT, undefined),
      );
    } catch (err) {
      member.reject(err);
      return { ok: false, broken: true, error: err };
    }
    return { ok: true, value };
  }

  async #acquire(): Promise<Connection> {
    return this.#driver({ operation: 'acquireConnection' }, () => this.acquireConnection!());
  }

  /** Roll back; false when even that failed (a pooled connection must then be discarded). */
  async #undo(outer: boolean, savepoint: string, connection: Connection | undefined): Promise<boolean> {
    try {
      if (outer) await this.driverRollback(connection);
      else await this.driverRollbackToSavepoint(savepoint, connection);
      return true;
    } catch {
      // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL); nothing left to undo.
      return false;
    }
  }

  readonly #scopes = new WeakMap<Transaction, Scope<Connection>>();

  #scopeOf(tx: Transaction): Scope<Connection> {
    return this.#scopes.get(tx)!;
  }

  #handle(scope: Scope<Connection>): Transaction {
    const tx: Transaction = {
      dialect: this.dialect,
      depth: scope.depth,
      query: <T = Row>(sql: string, params?: readonly SqlValue[]) =>
        this.#trace('query', undefined, () => this.#query<T>(this.#live(scope), sql, params), rowCount),
      execute: (sql, params) =>
        this.#trace('execute', undefined, () => this.#execute(this.#live(scope), sql, params), changeCount),
      executeMany: (sql, sets) =>
        this.#trace(
          'executeMany',
          Array.isArray(sets) ? sets.length : undefined,
          () => this.#executeMany(this.#live(scope), sql, sets),
          changeCount,
        ),
      batch: (statements) =>
        this.#trace(
          'batch',
          Array.isArray(statements) ? statements.length : undefined,
          () => this.#batch(this.#live(scope), statements),
          (r) => r.length,
        ),
      transaction: (fn, options) =>
        this.#trace('transaction', undefined, () => this.#transaction(this.#live(scope), fn, options ?? {})),
    };
    this.#scopes.set(tx, scope);
    return tx;
  }

  /**
   * The scope a `tx` call runs in: the handle's own, or, when called from inside a savepoint
   * opened on it, that savepoint (waiting for it would deadlock).
   */
  #live(scope: Scope<Connection>): Scope<Connection> {
    const current = this.#context.getStore();
    if (scope.active && current && current !== scope && current.active && current.within(scope))
      return current;
    if (!scope.active) {
      throw new OrchError(
        'ORCH_CLOSED',
        'This transaction has already ended; run the statement on the store or inside a new transaction.',
        { kind: 'operational' },
      );
    }
    return scope;
  }

  async #enter(scope: Scope<Connection>): Promise<void> {
    if (scope.depth === 0) {
      if (!this.isReady) await this.ready();
    } else if (!scope.active) this.#live(scope);
  }

  async #driver<T>(context: DriverErrorContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.#mapped(err, context);
    }
  }

  #mapped(err: unknown, context: DriverErrorContext): unknown {
    return isOrchError(err) ? err : this.mapDriverError(err, context);
  }
}

function rowCount(rows: readonly unknown[]): number {
  return rows.length;
}

function changeCount(result: ExecuteResult): number {
  return result.changes;
}

function validateRetries(retries: unknown): number {
  if (retries === undefined) return 0;
  if (
    typeof retries !== 'number' ||
    !Number.isInteger(retries) ||
    retries < 0 ||
    retries > MAX_TRANSACTION_RETRIES
  ) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `transaction: retries must be an integer from 0 to ${MAX_TRANSACTION_RETRIES}.`,
      { kind: 'operational' },
    );
  }
  return retries;
}
