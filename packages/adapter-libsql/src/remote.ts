import {
  type Client,
  createClient,
  type InStatement,
  type InValue,
  type Transaction as LibsqlTransaction,
  type ResultSet,
} from '@libsql/client';
import type {
  ExecuteResult,
  OperationalCapabilities,
  Row,
  SqlValue,
  Statement,
  TransactionOptions,
} from '@orch/core';
import {
  type DriverErrorContext,
  type OrchError,
  type ParsedUrl,
  registerSecret,
  SqlStoreBase,
  sqliteDialect,
} from '@orch/core/adapter-kit';
import {
  mapConnectError,
  mapSqliteError,
  narrowInteger,
  rowFromColumns,
  SQLITE_FAMILY_URL_PARAMETERS,
  toSqliteParams,
} from '@orch/sql-stores/sqlite-family';

/** Connection settings of a remote sqld / Turso database. */
export interface LibsqlRemoteSettings {
  /** What @libsql/client connects to (`libsql://host`, `libsql://host:port?tls=0`), without credentials. */
  readonly url: string;
  readonly authToken?: string | undefined;
  /** Parameter sets per request of executeMany / batch (very large websocket messages are refused). */
  readonly chunkSize: number;
}

/** URL parameters that are orch's own, never passed on to the server. */
const ORCH_PARAMETERS = new Set([
  ...Object.keys(SQLITE_FAMILY_URL_PARAMETERS),
  'vec',
  'vector_index',
  'authToken',
  'auth_token',
]);

/**
 * The client URL of a remote libsql database: `libsql://host[:port][/path]`, the URL's own
 * parameters (`tls=0` …) minus orch's, and the token kept apart (registered as a secret).
 *
 * @example
 * remoteSettings(parseStoreUrl('libsql://127.0.0.1:8080'), { tls: false }).url; // 'libsql://127.0.0.1:8080?tls=0'
 */
export function remoteSettings(
  url: ParsedUrl,
  options: { readonly authToken?: string; readonly tls?: boolean; readonly chunkSize?: number },
): LibsqlRemoteSettings {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(url.params)) if (!ORCH_PARAMETERS.has(k)) params[k] = v;
  const authToken = options.authToken ?? url.params.authToken ?? url.params.auth_token;
  registerSecret(authToken);
  if (options.tls === false) params.tls = '0';
  const query = new URLSearchParams(params).toString();
  const host = url.host!.includes(':') ? `[${url.host}]` : url.host!;
  const base = `libsql://${host}${url.port !== undefined ? `:${url.port}` : ''}${url.path ? `/${url.path}` : ''}`;
  return {
    url: query ? `${base}?${query}` : base,
    ...(authToken ? { authToken } : {}),
    chunkSize: options.chunkSize ?? 500,
  };
}

function toStatement(sql: string, params: readonly SqlValue[]): InStatement {
  return { sql, args: toSqliteParams(params) as InValue[] };
}

function rows(result: ResultSet): Row[] {
  return result.rows.map((r) => rowFromColumns(result.columns, r as unknown as ArrayLike<unknown>));
}

function executeResult(result: ResultSet): ExecuteResult {
  const id = result.lastInsertRowid === undefined ? undefined : narrowInteger(result.lastInsertRowid);
  return id === undefined
    ? { changes: result.rowsAffected }
    : { changes: result.rowsAffected, lastInsertId: id };
}

/** What statements run on: the open interactive transaction, or the client. */
interface Target {
  execute(stmt: InStatement): Promise<ResultSet>;
  batch(stmts: InStatement[]): Promise<ResultSet[]>;
}

/**
 * The operational store on a remote libsql server (sqld, Turso) through @libsql/client.
 *
 * An outer transaction is @libsql/client's interactive transaction (one server-side stream),
 * opened, committed and rolled back by the transaction hooks; savepoints are plain SAVEPOINT
 * statements inside it. Work on the store waits while a transaction runs.
 *
 * @example
 * const ops = await createAdapter('operational', { url: 'libsql://db-org.turso.io', authToken: process.env.TURSO_TOKEN });
 */
export class LibsqlRemoteStore extends SqlStoreBase {
  readonly scheme: string;
  readonly dialect = sqliteDialect;
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
      throw mapConnectError(err);
    }
    this.#client = client;
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    const [row] = await this.query<{ version: string }>('SELECT sqlite_version() AS version');
    return {
      engine: 'libsql',
      mode: 'remote',
      url: this.#injected ? 'injected client' : this.#settings.url,
      sqliteVersion: row?.version,
    };
  }

  protected async driverClose(): Promise<void> {
    this.#tx?.close();
    this.#tx = undefined;
    if (!this.#injected) this.#client?.close();
    this.#client = undefined;
  }

  protected mapDriverError(err: unknown, context: DriverErrorContext): OrchError {
    return mapSqliteError(err, context);
  }

  protected async driverQuery(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    return rows(await this.#target().execute(toStatement(sql, params)));
  }

  protected async driverExecute(sql: string, params: readonly SqlValue[]): Promise<ExecuteResult> {
    return executeResult(await this.#target().execute(toStatement(sql, params)));
  }

  protected override async driverExecuteMany(
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
  ): Promise<ExecuteResult> {
    let changes = 0;
    let lastInsertId: ExecuteResult['lastInsertId'];
    for (const result of await this.#chunked(paramSets.map((p) => toStatement(sql, p)))) {
      changes += result.changes;
      lastInsertId = result.lastInsertId ?? lastInsertId;
    }
    return lastInsertId === undefined ? { changes } : { changes, lastInsertId };
  }

  protected override driverBatch(statements: readonly Statement[]): Promise<ExecuteResult[]> {
    return this.#chunked(statements.map((s) => toStatement(s.sql, s.params ?? [])));
  }

  protected override async driverBegin(options: TransactionOptions): Promise<void> {
    this.#tx = await this.#connected().transaction(options.readOnly ? 'deferred' : 'write');
  }

  protected override async driverCommit(): Promise<void> {
    const tx = this.#tx;
    if (!tx) return;
    try {
      await tx.commit();
    } finally {
      // A failed commit that closed the stream leaves nothing to roll back.
      if (tx.closed) this.#tx = undefined;
    }
  }

  protected override async driverRollback(): Promise<void> {
    const tx = this.#tx;
    this.#tx = undefined;
    if (!tx) return;
    try {
      await tx.rollback();
    } finally {
      tx.close();
    }
  }

  /** Statements in requests of at most `chunkSize` (inside the transaction the base opened). */
  async #chunked(statements: InStatement[]): Promise<ExecuteResult[]> {
    const out: ExecuteResult[] = [];
    const target = this.#target();
    for (let i = 0; i < statements.length; i += this.#settings.chunkSize) {
      for (const r of await target.batch(statements.slice(i, i + this.#settings.chunkSize)))
        out.push(executeResult(r));
    }
    return out;
  }

  /** Statements run inside the open interactive transaction, else on the client. */
  #target(): Target {
    const tx = this.#tx;
    if (tx) return { execute: (stmt) => tx.execute(stmt), batch: (stmts) => tx.batch(stmts) };
    const client = this.#connected();
    return { execute: (stmt) => client.execute(stmt), batch: (stmts) => client.batch(stmts, 'write') };
  }

  #connected(): Client {
    if (!this.#client)
      throw Object.assign(new Error('The libsql client is not connected.'), { code: 'CLIENT_CLOSED' });
    return this.#client;
  }
}
