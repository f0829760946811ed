import {
  type ExecuteResult,
  type OperationalCapabilities,
  OrchError,
  type Row,
  SqlStoreBase,
  type SqlValue,
} from '@orch/core';
import Database from 'better-sqlite3';
import Libsql from 'libsql';
import * as sqliteVec from 'sqlite-vec';

/**
 * Test scaffolding only: the smallest SqlStoreBase over a synchronous better-sqlite3-style
 * connection (better-sqlite3 and libsql share that API). The real adapters live in
 * packages/adapter-sqlite and packages/adapter-libsql.
 */
interface SyncStatement {
  reader: boolean;
  all(params: unknown[]): Row[];
  run(params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

interface SyncDatabase {
  prepare(sql: string): SyncStatement;
  close(): void;
}

abstract class SyncSqlStore extends SqlStoreBase {
  readonly dialect = 'sqlite' as const;
  readonly capabilities: OperationalCapabilities = { returning: true, multiProcess: true };
  readonly #cache = new Map<string, SyncStatement>();
  #db: SyncDatabase | undefined;

  protected abstract open(): SyncDatabase;

  protected async doConnect(): Promise<void> {
    this.#db = this.open();
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    return {};
  }

  protected async driverQuery(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    // Always an array: libsql aborts the process when handed one bare Uint8Array as the parameters.
    return this.#statement(sql).all(bind(params)).map(strip);
  }

  protected async driverExecute(sql: string, params: readonly SqlValue[]): Promise<ExecuteResult> {
    const r = this.#statement(sql).run(bind(params));
    return { changes: r.changes, lastInsertId: r.lastInsertRowid };
  }

  protected override async driverExecuteMany(
    sql: string,
    paramSets: readonly (readonly SqlValue[])[],
  ): Promise<ExecuteResult> {
    const statement = this.#statement(sql);
    let changes = 0;
    for (const params of paramSets) changes += statement.run(bind(params)).changes;
    return { changes };
  }

  protected async driverClose(): Promise<void> {
    this.#cache.clear();
    this.#db?.close();
  }

  protected mapDriverError(err: unknown, sql: string): OrchError {
    const message = err instanceof Error ? err.message : String(err);
    return new OrchError('ORCH_QUERY_FAILED', `${message} (in ${sql.slice(0, 80)})`, {
      kind: 'operational',
      cause: err,
    });
  }

  #statement(sql: string): SyncStatement {
    let statement = this.#cache.get(sql);
    if (!statement) {
      statement = this.#db!.prepare(sql);
      if (this.#cache.size > 200) this.#cache.clear();
      this.#cache.set(sql, statement);
    }
    return statement;
  }
}

function bind(params: readonly SqlValue[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p instanceof Date ? p.toISOString() : p));
}

/** libsql adds a `_metadata` property to some rows. */
function strip(row: Row): Row {
  if (!('_metadata' in row)) return row;
  const { _metadata, ...rest } = row;
  return rest;
}

/** better-sqlite3 with sqlite-vec loaded. */
export class BetterSqliteTestStore extends SyncSqlStore {
  readonly scheme = 'sqlite';
  constructor(readonly path = ':memory:') {
    super();
  }
  protected open(): SyncDatabase {
    const db = new Database(this.path);
    sqliteVec.load(db);
    db.pragma('journal_mode = WAL');
    const prepare = db.prepare.bind(db);
    return {
      prepare: (sql) => {
        const s = prepare(sql);
        return {
          reader: s.reader,
          all: (params) => s.all(...params) as Row[],
          run: (params) => s.run(...params),
        };
      },
      close: () => db.close(),
    };
  }
}

/** libsql (embedded). */
export class LibsqlTestStore extends SyncSqlStore {
  readonly scheme = 'libsql';
  constructor(readonly path = ':memory:') {
    super();
  }
  protected open(): SyncDatabase {
    const db = new Libsql(this.path);
    return {
      prepare: (sql) => {
        const s = db.prepare(sql);
        return {
          reader: s.reader,
          all: (params) => s.all(params) as Row[],
          run: (params) => s.run(params) as { changes: number; lastInsertRowid: number | bigint },
        };
      },
      close: () => db.close(),
    };
  }
}
