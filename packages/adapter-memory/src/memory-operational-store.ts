import {
  type DriverErrorContext,
  type ExecuteResult,
  type OperationalCapabilities,
  type OrchError,
  type Row,
  SqlStoreBase,
  type SqlValue,
  sqliteDialect,
} from '@orch/core/adapter-kit';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { toSqlJs } from './conversion.js';
import { mapSqlJsError, recordResultCodes } from './errors.js';

let sqlJs: Promise<SqlJsStatic> | undefined;

/** sql.js compiles its WebAssembly once per process; every store shares the module. */
function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

/**
 * An operational store on SQLite compiled to WebAssembly (sql.js), entirely in memory: the real
 * SQLite dialect, transactions and savepoints, with no native build. Each instance is its own
 * empty database; nothing survives `close()`.
 *
 * @example
 * const ops = await createAdapter('operational', 'memory:');
 * await ops.execute('CREATE TABLE tasks (id TEXT PRIMARY KEY, title TEXT)');
 */
export class MemoryOperationalStore extends SqlStoreBase {
  readonly scheme = 'memory';
  readonly dialect = sqliteDialect;
  readonly capabilities: OperationalCapabilities = { returning: true, multiProcess: false };
  #db: Database | undefined;

  protected async doConnect(): Promise<void> {
    const SQL = await loadSqlJs();
    this.#db = new SQL.Database();
    recordResultCodes(this.#db as unknown as { handleError(returnCode: number): unknown });
    this.#db.run('PRAGMA foreign_keys = ON');
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    const [row] = await this.query<{ version: string }>('SELECT sqlite_version() AS version');
    return { engine: 'sql.js', sqliteVersion: row?.version, inMemory: true };
  }

  protected async driverClose(): Promise<void> {
    this.#db?.close();
    this.#db = undefined;
  }

  protected mapDriverError(err: unknown, context: DriverErrorContext): OrchError {
    return mapSqlJsError(err, context.sql);
  }

  protected async driverQuery(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    const stmt = this.#open().prepare(sql);
    try {
      stmt.bind(params.map(toSqlJs));
      const rows: Row[] = [];
      while (stmt.step()) rows.push(stmt.getAsObject() as Row);
      return rows;
    } finally {
      stmt.free();
    }
  }

  protected async driverExecute(sql: string, params: readonly SqlValue[]): Promise<ExecuteResult> {
    const db = this.#open();
    const stmt = db.prepare(sql);
    try {
      stmt.bind(params.map(toSqlJs));
      while (stmt.step()) {
        // RETURNING rows and PRAGMA output are read and dropped: execute reports changes only.
      }
    } finally {
      stmt.free();
    }
    const changes = db.getRowsModified();
    const lastInsertId = db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0];
    return typeof lastInsertId === 'number' ? { changes, lastInsertId } : { changes };
  }

  #open(): Database {
    if (!this.#db) throw new Error('sql.js database is not open');
    return this.#db;
  }
}
