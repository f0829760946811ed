import { AsyncLocalStorage } from 'node:async_hooks';
import { AdapterBase } from '../adapter/adapter-base.js';
import { isOrchError, OrchError } from '../errors/orch-error.js';
import { Mutex } from '../util/mutex.js';
import type {
  ExecuteResult,
  OperationalCapabilities,
  OperationalStore,
  Row,
  SqlDialect,
  SqlValue,
  Statement,
  Transaction,
  TransactionOptions,
} from './operational-store.js';
import { validateParams, validateSql } from './params.js';

/** One level of work on the connection: the store itself, a transaction, or a savepoint inside one. */
class Scope {
  readonly mutex = new Mutex();
  active = true;
  constructor(
    readonly depth: number,
    readonly owner: SqlStoreBase,
    readonly parent: Scope | undefined,
  ) {}

  /** True when `this` is `ancestor` or nested inside it. */
  within(ancestor: Scope): boolean {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s === ancestor) return true;
    return false;
  }
}

/**
 * The transaction machinery for stores that own one connection (SQLite, libsql, sql.js, a
 * dedicated PostgreSQL client): a FIFO lock so work on the store waits while a transaction
 * runs, savepoints for nesting, rollback on throw, and a usable store after a failed COMMIT.
 *
 * Work started from inside a transaction callback on the store itself (not on `tx`) joins that
 * transaction instead of waiting for it: the async context tells, so it can never deadlock.
 * Adapters implement the `driver*` hooks; they are only ever called one at a time.
 */
export abstract class SqlStoreBase extends AdapterBase implements OperationalStore {
  readonly kind = 'operational' as const;
  abstract readonly dialect: SqlDialect;
  abstract readonly capabilities: OperationalCapabilities;
  readonly #root = new Scope(0, this, undefined);
  readonly #context = new AsyncLocalStorage<Scope>();

  protected abstract driverQuery(sql: string, params: readonly SqlValue[]): Promise<Row[]>;
  protected abstract driverExecute(sql: string, params: readonly SqlValue[]): Promise<ExecuteResult>;
  /** Release the connection; called once nothing is running. */
  protected abstract driverClose(): Promise<void>;
  /** Map a driver error to an OrchError (constraint, busy, syntax …). The SQL is for the message. */
  protected abstract mapDriverError(err: unknown, sql: string): OrchError;

  /** Override for a faster path (one prepared statement, one round trip). Runs inside a transaction. */
  protected async driverExecuteMany(
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
  ): Promise<ExecuteResult> {
    let changes = 0;
    let lastInsertId: ExecuteResult['lastInsertId'];
    for (const params of paramSets) {
      const r = await this.driverExecute(sql, params);
      changes += r.changes;
      if (r.lastInsertId !== undefined) lastInsertId = r.lastInsertId;
    }
    return lastInsertId === undefined ? { changes } : { changes, lastInsertId };
  }

  /** Override for a faster path. Runs inside a transaction. */
  protected async driverBatch(statements: readonly Statement[]): Promise<ExecuteResult[]> {
    const results: ExecuteResult[] = [];
    for (const s of statements) results.push(await this.driverExecute(s.sql, s.params ?? []));
    return results;
  }

  /** The statement that opens an outer transaction. */
  protected beginStatement(options: TransactionOptions): string {
    if (this.dialect === 'sqlite') return options.readOnly ? 'BEGIN DEFERRED' : 'BEGIN IMMEDIATE';
    return options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN';
  }

  protected override async doClose(): Promise<void> {
    await this.#root.mutex.run(() => this.driverClose());
  }

  query<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.queryIn(this.scope(), sql, params);
  }

  execute(sql: string, params?: readonly SqlValue[]): Promise<ExecuteResult> {
    return this.executeIn(this.scope(), sql, params);
  }

  executeMany(sql: string, paramSets: readonly (readonly SqlValue[])[]): Promise<ExecuteResult> {
    return this.executeManyIn(this.scope(), sql, paramSets);
  }

  batch(statements: readonly Statement[]): Promise<ExecuteResult[]> {
    return this.batchIn(this.scope(), statements);
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.transactionIn(this.scope(), fn, options);
  }

  /** The innermost transaction of this store the caller runs in, or the store itself. */
  private scope(): Scope {
    const current = this.#context.getStore();
    return current && current.owner === this && current.active ? current : this.#root;
  }

  private async queryIn<T>(scope: Scope, sql: string, params: readonly SqlValue[] | undefined): Promise<T[]> {
    validateSql(sql, 'query');
    const values = validateParams(params, 'query');
    return scope.mutex.run(async () => {
      await this.enter(scope);
      return (await this.driver(sql, () => this.driverQuery(sql, values))) as T[];
    });
  }

  private async executeIn(
    scope: Scope,
    sql: string,
    params: readonly SqlValue[] | undefined,
  ): Promise<ExecuteResult> {
    validateSql(sql, 'execute');
    const values = validateParams(params, 'execute');
    return scope.mutex.run(async () => {
      await this.enter(scope);
      return this.driver(sql, () => this.driverExecute(sql, values));
    });
  }

  private async executeManyIn(
    scope: Scope,
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
  ): Promise<ExecuteResult> {
    validateSql(sql, 'executeMany');
    if (!Array.isArray(paramSets)) {
      throw new OrchError(
        'ORCH_INVALID_INPUT',
        'executeMany: paramSets must be an array of parameter arrays.',
        { kind: 'operational' },
      );
    }
    const sets = paramSets.map((p, i) => validateParams(p, `executeMany set ${i}`));
    if (sets.length === 0) return { changes: 0 };
    return this.transactionIn(scope, () => this.driver(sql, () => this.driverExecuteMany(sql, sets)), {});
  }

  private async batchIn(scope: Scope, statements: readonly Statement[]): Promise<ExecuteResult[]> {
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
    return this.transactionIn(scope, () => this.driver(checked[0]!.sql, () => this.driverBatch(checked)), {});
  }

  private async transactionIn<T>(
    parent: Scope,
    fn: (tx: Transaction) => Promise<T>,
    options: TransactionOptions,
  ): Promise<T> {
    if (typeof fn !== 'function')
      throw new OrchError('ORCH_INVALID_INPUT', 'transaction expects a callback.', { kind: 'operational' });
    return parent.mutex.run(async () => {
      await this.enter(parent);
      const child = new Scope(parent.depth + 1, this, parent);
      const savepoint = `orch_sp_${child.depth}`;
      const begin = parent.depth === 0 ? this.beginStatement(options) : `SAVEPOINT ${savepoint}`;
      await this.driver(begin, () => this.driverExecute(begin, []));
      let result: T;
      try {
        result = await this.#context.run(child, () => fn(this.handle(child)));
        await child.mutex.idle(); // statements the callback started without awaiting still belong here
      } catch (err) {
        child.active = false;
        await child.mutex.idle();
        await this.rollback(parent, savepoint);
        throw err;
      }
      child.active = false;
      const commit = parent.depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`;
      try {
        await this.driver(commit, () => this.driverExecute(commit, []));
      } catch (err) {
        // A failed COMMIT (busy, deferred constraint) leaves the transaction open: close it so the store stays usable.
        await this.rollback(parent, savepoint);
        throw err;
      }
      return result;
    });
  }

  private async rollback(parent: Scope, savepoint: string): Promise<void> {
    try {
      if (parent.depth === 0) await this.driverExecute('ROLLBACK', []);
      else {
        await this.driverExecute(`ROLLBACK TO SAVEPOINT ${savepoint}`, []);
        await this.driverExecute(`RELEASE SAVEPOINT ${savepoint}`, []);
      }
    } catch {
      // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL); nothing left to undo.
    }
  }

  private handle(scope: Scope): Transaction {
    return {
      dialect: this.dialect,
      depth: scope.depth,
      query: async <T = Row>(sql: string, params?: readonly SqlValue[]) =>
        this.queryIn<T>(this.live(scope), sql, params),
      execute: async (sql, params) => this.executeIn(this.live(scope), sql, params),
      executeMany: async (sql, sets) => this.executeManyIn(this.live(scope), sql, sets),
      batch: async (statements) => this.batchIn(this.live(scope), statements),
      transaction: async (fn, options) => this.transactionIn(this.live(scope), fn, options ?? {}),
    };
  }

  /**
   * The scope a `tx` call runs in: the handle's own, or, when called from inside a savepoint
   * opened on it, that savepoint (waiting for it would deadlock).
   */
  private live(scope: Scope): Scope {
    const current = this.#context.getStore();
    if (scope.active && current && current !== scope && current.active && current.within(scope))
      return current;
    if (!scope.active) {
      throw new OrchError(
        'ORCH_CLOSED',
        'This transaction has already ended; run the statement on the store or inside a new transaction.',
        {
          kind: 'operational',
        },
      );
    }
    return scope;
  }

  private async enter(scope: Scope): Promise<void> {
    if (scope.depth === 0) await this.ready();
    else if (!scope.active) this.live(scope);
  }

  private async driver<T>(sql: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isOrchError(err)) throw err;
      throw this.mapDriverError(err, sql);
    }
  }
}
