import {
  type Client,
  createClient,
  type InStatement,
  type Transaction as LibsqlTransaction,
  type ResultSet,
} from '@libsql/client';
import {
  type ExecuteResult,
  type OperationalCapabilities,
  type OrchError,
  type Row,
  SqlStoreBase,
  type SqlValue,
  type Statement,
  type TransactionOptions,
} from '@orch/core';
import { rowFromColumns, rowid, toLibsqlParams } from './conversion.js';
import { mapLibsqlError } from './errors.js';

/** Connection settings of a remote sqld / Turso database. */
export interface LibsqlRemoteSettings {
  /** What @libsql/client connects to (`libsql://host`, `libsql://host:port?tls=0`, `http://…`, `ws://…`), without credentials. */
  readonly url: string;
  /** The URL with credentials removed, for messages and health. */
  readonly redacted: string;
  readonly authToken?: string | undefined;
  /** Parameter sets per request of executeMany (very large websocket messages are refused). */
  readonly chunkSize: number;
}

/** Statements that open, end or nest transactions; mapped onto @libsql/client's interactive transaction. */
const BEGIN = /^BEGIN\b/i;

function toStatement(sql: string, params: readonly SqlValue[]): InStatement {
  return { sql, args: toLibsqlParams(params) as never };
}

function rows(result: ResultSet): Row[] {
  return result.rows.map((r) => rowFromColumns(result.columns, r as unknown as ArrayLike<unknown>));
}

function executeResult(result: ResultSet): ExecuteResult {
  const id = rowid(result.lastInsertRowid);
  return id === undefined
    ? { changes: result.rowsAffected }
    : { changes: result.rowsAffected, lastInsertId: id };
}

/**
 * The operational store on a remote libsql server (sqld, Turso) through @libsql/client.
 *
 * The transaction machinery's BEGIN / COMMIT / ROLLBACK become @libsql/client's interactive
 * transaction (one server-side stream), and savepoints are plain SAVEPOINT statements inside it.
 *
 * @example
 * const ops = await createAdapter('operational', { url: 'libsql://db-org.turso.io', authToken: process.env.TURSO_TOKEN });
 */
export class LibsqlRemoteStore extends SqlStoreBase {
  readonly scheme: string;
  readonly dialect = 'sqlite' as const;
  readonly capabilities: OperationalCapabilities = { returning: true, multiProcess: true };
  readonly #settings: LibsqlRemoteSettings;
  readonly #injected: Client | undefined;
  #client: Client | undefined;
  #tx: LibsqlTransaction | undefined;

  constructor(settings: LibsqlRemoteSettings, options: { scheme?: string; client?: Client } = {}) {
    super();
    this.#settings = settings;
    this.scheme = options.scheme ?? 'libsql';
    this.#injected = options.client;
  }

  protected async doConnect(): Promise<void> {
    const client =
      this.#injected ??
      createClient({
        url: this.#settings.url,
        ...(this.#settings.authToken ? { authToken: this.#settings.authToken } : {}),
        intMode: 'number',
      });
    try {
      await client.execute('SELECT 1');
      await client.execute('PRAGMA foreign_keys = ON');
    } catch (err) {
      if (!this.#injected) client.close();
      throw mapLibsqlError(err, 'SELECT 1');
    }
    this.#client = client;
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    const [row] = await this.query<{ version: string }>('SELECT sqlite_version() AS version');
    return { engine: 'libsql', mode: 'remote', url: this.#settings.redacted, sqliteVersion: row?.version };
  }

  protected async driverClose(): Promise<void> {
    if (this.#tx) {
      this.#tx.close();
      this.#tx = undefined;
    }
    if (!this.#injected) this.#client?.close();
    this.#client = undefined;
  }

  protected mapDriverError(err: unknown, sql: string): OrchError {
    return mapLibsqlError(err, sql);
  }

  protected override beginStatement(options: TransactionOptions): string {
    return options.readOnly ? 'BEGIN DEFERRED' : 'BEGIN IMMEDIATE';
  }

  protected async driverQuery(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    return rows(await this.target().execute(toStatement(sql, params)));
  }

  protected async driverExecute(sql: string, params: readonly SqlValue[]): Promise<ExecuteResult> {
    const client = this.client();
    if (params.length === 0) {
      if (BEGIN.test(sql)) {
        this.#tx = await client.transaction(/DEFERRED/i.test(sql) ? 'deferred' : 'write');
        return { changes: 0 };
      }
      if (sql === 'COMMIT' && this.#tx) {
        const tx = this.#tx;
        try {
          await tx.commit();
        } finally {
          // A failed commit leaves nothing to roll back on the server side of this stream.
          if (tx.closed) this.#tx = undefined;
        }
        return { changes: 0 };
      }
      if (sql === 'ROLLBACK' && this.#tx) {
        const tx = this.#tx;
        this.#tx = undefined;
        try {
          await tx.rollback();
        } finally {
          tx.close();
        }
        return { changes: 0 };
      }
    }
    return executeResult(await this.target().execute(toStatement(sql, params)));
  }

  protected override async driverExecuteMany(
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
  ): Promise<ExecuteResult> {
    let changes = 0;
    let lastInsertId: ExecuteResult['lastInsertId'];
    const target = this.target();
    for (let i = 0; i < paramSets.length; i += this.#settings.chunkSize) {
      const chunk = paramSets.slice(i, i + this.#settings.chunkSize).map((p) => toStatement(sql, p));
      const results = await target.batch(chunk);
      for (const r of results) {
        changes += r.rowsAffected;
        lastInsertId = rowid(r.lastInsertRowid) ?? lastInsertId;
      }
    }
    return lastInsertId === undefined ? { changes } : { changes, lastInsertId };
  }

  protected override async driverBatch(statements: readonly Statement[]): Promise<ExecuteResult[]> {
    const out: ExecuteResult[] = [];
    const target = this.target();
    for (let i = 0; i < statements.length; i += this.#settings.chunkSize) {
      const chunk = statements
        .slice(i, i + this.#settings.chunkSize)
        .map((s) => toStatement(s.sql, s.params ?? []));
      for (const r of await target.batch(chunk)) out.push(executeResult(r));
    }
    return out;
  }

  /** Statements run inside the open interactive transaction, else on the client. */
  private target(): {
    execute(stmt: InStatement): Promise<ResultSet>;
    batch(stmts: InStatement[]): Promise<ResultSet[]>;
  } {
    const tx = this.#tx;
    if (tx) return { execute: (stmt) => tx.execute(stmt), batch: (stmts) => tx.batch(stmts) };
    const client = this.client();
    return { execute: (stmt) => client.execute(stmt), batch: (stmts) => client.batch(stmts, 'write') };
  }

  private client(): Client {
    if (!this.#client)
      throw Object.assign(new Error('The libsql client is not connected.'), { code: 'CLIENT_CLOSED' });
    return this.#client;
  }
}
