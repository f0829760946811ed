import {
  type DriverErrorContext,
  type ExecuteResult,
  type OperationalCapabilities,
  OrchError,
  postgresDialect,
  type Row,
  SqlStoreBase,
  type SqlValue,
  type Statement,
} from '@orch/core/adapter-kit';
import type pg from 'pg';
import { type ConnectionSource, openConnectionSource, type PgConnection } from './connection-source.js';
import { toPgValues } from './conversion.js';
import { engineKeyOf } from './engine-key.js';
import { mapPgError } from './errors.js';
import type { ResolvedPostgresOptions } from './options.js';

/** Constructor input of {@link PostgresOperationalStore}. */
export interface PostgresStoreInit {
  readonly options: ResolvedPostgresOptions;
  readonly scheme?: string;
}

/**
 * The operational store on PostgreSQL through a pg pool. Statements outside a transaction run
 * side by side on pooled connections; each transaction pins one connection from BEGIN to
 * COMMIT or ROLLBACK, savepoints included, and takes `isolation` and `retries` options
 * (serialization failures and deadlocks are retriable `ORCH_CONFLICT`s). An injected pg.Pool or
 * pg.Client stays the caller's: `close()` never ends it.
 *
 * @example
 * import { createAdapter } from '@orch/core';
 * import '@orch/adapter-postgres';
 *
 * const ops = await createAdapter('operational', 'postgres://orch@localhost:5432/orch');
 * await ops.transaction(async (tx) => {
 *   await tx.execute('UPDATE counters SET n = n + 1 WHERE id = $1', ['visits']);
 * }, { isolation: 'serializable', retries: 5 });
 */
export class PostgresOperationalStore extends SqlStoreBase<PgConnection> {
  readonly scheme: string;
  readonly dialect = postgresDialect;
  readonly capabilities: OperationalCapabilities = { returning: true, multiProcess: true };
  readonly #options: ResolvedPostgresOptions;
  #source: ConnectionSource | undefined;

  constructor(init: PostgresStoreInit) {
    super();
    this.#options = init.options;
    this.scheme = init.scheme ?? 'postgres';
  }

  /**
   * The database this store runs on: a pgvector store configured with the same URL reports the
   * same key, and its calls inside this store's transactions run in them.
   */
  override get engineKey(): string | undefined {
    return engineKeyOf(this.#options);
  }

  protected async doConnect(): Promise<void> {
    this.#source = await openConnectionSource(this.#options, async (source) => {
      try {
        // Fail at connect, typed, when the server is down or refuses the credentials.
        await source.query({ text: 'SELECT 1' });
      } catch (err) {
        throw mapPgError(err, 'operational', 'connect');
      }
    });
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    const { rows } = await this.#connected().query({
      text: "SELECT current_setting('server_version') AS version, current_database() AS database",
    });
    return {
      engine: 'postgresql',
      serverVersion: rows[0]?.version,
      database: rows[0]?.database,
      pool: this.#connected().counts(),
    };
  }

  protected async driverClose(): Promise<void> {
    await this.#source?.end();
    this.#source = undefined;
  }

  protected mapDriverError(err: unknown, context: DriverErrorContext): OrchError {
    return mapPgError(err, 'operational', context.operation);
  }

  /**
   * PostgreSQL answers COMMIT in a transaction aborted by an earlier failed statement with
   * ROLLBACK, not an error: resolving then would report a commit that lost every write. Reject.
   */
  protected override async driverCommit(connection: PgConnection | undefined): Promise<void> {
    const result = await this.#run('COMMIT', [], connection);
    if (result.command === 'ROLLBACK') {
      throw new OrchError(
        'ORCH_QUERY_FAILED',
        'The transaction was not committed: a statement in it failed, and PostgreSQL rolled back all of it. Let the failure end the transaction, or run the statement that may fail inside tx.transaction() (a savepoint).',
        { kind: 'operational', details: { driverCode: '25P02' } },
      );
    }
  }

  protected override acquireConnection(): Promise<PgConnection> {
    return this.#connected().acquire();
  }

  protected override releaseConnection(connection: PgConnection, broken: boolean): void {
    this.#source?.release(connection, broken);
  }

  protected async driverQuery(
    sql: string,
    params: readonly SqlValue[],
    connection: PgConnection | undefined,
  ): Promise<Row[]> {
    const result = await this.#run(sql, params, connection);
    return result.rows as Row[];
  }

  protected async driverExecute(
    sql: string,
    params: readonly SqlValue[],
    connection: PgConnection | undefined,
  ): Promise<ExecuteResult> {
    const result = await this.#run(sql, params, connection);
    return { changes: result.rowCount ?? 0 };
  }

  /**
   * All statements handed to the pinned connection at once: pg queues them and sends each as the
   * previous one completes, so there is no wait in JavaScript between them. The first failure is
   * the one reported (later statements fail only because the transaction is then aborted).
   */
  protected override async driverExecuteMany(
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
    connection: PgConnection | undefined,
  ): Promise<ExecuteResult> {
    const results = await settleInOrder(paramSets.map((params) => this.#run(sql, params, connection)));
    return { changes: results.reduce((n, r) => n + (r.rowCount ?? 0), 0) };
  }

  protected override async driverBatch(
    statements: readonly Statement[],
    connection: PgConnection | undefined,
  ): Promise<ExecuteResult[]> {
    const results = await settleInOrder(statements.map((s) => this.#run(s.sql, s.params ?? [], connection)));
    return results.map((r) => ({ changes: r.rowCount ?? 0 }));
  }

  #run(
    sql: string,
    params: readonly SqlValue[],
    connection: PgConnection | undefined,
  ): Promise<pg.QueryResult> {
    const config: pg.QueryConfig = { text: sql, values: toPgValues(params) };
    return connection ? connection.query(config) : this.#connected().query(config);
  }

  #connected(): ConnectionSource {
    if (!this.#source) throw new Error('the postgres store is not connected');
    return this.#source;
  }
}

/** Await every promise; reject with the first rejection in order, after all have settled. */
async function settleInOrder<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
