import type {
  CollectionInfo,
  FilterNode,
  Include,
  Metadata,
  SqlExecutor,
  SqlValue,
  StoredVectorRecord,
  VectorCapabilities,
  VectorMetric,
} from '@orch/core';
import {
  joinedTransaction,
  type NormalizedDeleteSelector,
  type NormalizedVectorQuery,
  type NormalizedVectorRecord,
  OrchError,
  type RawVectorMatch,
  VectorStoreBase,
} from '@orch/core/adapter-kit';
import { anyOf } from '../util/any-of.js';
import {
  closeExecutor,
  type ExecutorSource,
  hasFunction,
  relabel,
  resolveExecutor,
  tablesMissing,
  validateTablePrefix,
} from '../util/executor.js';
import { decodeVector, encodeVector, encodeVectors, normF32 } from './encoding.js';
import { filterToSql, type SqlFragment } from './filter-to-sql.js';
import { ExactScanner, type ExactScanOptions } from './scan/scanner.js';
import { changesTable, pruneChangesSql, trackingSchema } from './scan/tracking.js';
import { collectionsSchema, recordsSchema, type VectorTables, vectorTables } from './schema.js';
import type { ApproximateIndexSql, DistanceSql, VectorFunctions } from './vector-functions.js';

/** Options of {@link SqlVectorStore}. */
export interface SqlVectorStoreOptions {
  /** The SQLite connection: an executor, or a function returning one (e.g. the adapter's operational store). */
  readonly executor: ExecutorSource;
  /** The URL scheme the adapter was created for (`sqlite`, `libsql`, …); shown in messages. */
  readonly scheme: string;
  /** The engine's vector SQL: {@link sqliteVecFunctions} or {@link libsqlVectorFunctions}. */
  readonly functions: VectorFunctions;
  /** Prefix of the store's tables. Defaults to `orch_vec`. */
  readonly tablePrefix?: string;
  /** Close the executor on `close()`. Defaults to false: an injected executor stays open. */
  readonly ownsExecutor?: boolean;
  /**
   * The engine key of the database the executor runs on (see `Adapter.engineKey` in @orch/core),
   * when the executor's statements join the transactions of other stores on it; the SQLite-family
   * adapters set it for files. Default undefined (not shared).
   */
  readonly engineKey?: string | undefined;
  /**
   * Build the engine's approximate index (libsql: DiskANN) on each collection's table and use it
   * for unfiltered queries on cosine and l2 collections. Results are then approximate; filtered
   * queries and inner-product collections stay exact. Default false.
   */
  readonly approximateIndex?: boolean;
  /**
   * Run exact queries in a worker thread of their own that keeps each collection's vectors in
   * memory (one contiguous Float32Array) and scans them with SIMD, instead of through the
   * engine's SQL distance functions; results are the same. Needs a file (its own read
   * connection); queries inside a transaction, on a zero query vector, or where the scan library
   * does not load take the SQL path. `exactScan.hnsw` adds an approximate HNSW graph for
   * unfiltered queries on large collections. Default: none (SQL).
   */
  readonly exactScan?: ExactScanOptions;
}

interface CollectionRow {
  readonly id: number;
  readonly name: string;
  readonly dimension: number;
  readonly metric: VectorMetric;
}

interface RecordRow {
  readonly id: string;
  readonly distance?: number;
  readonly vector?: unknown;
  readonly metadata?: string | null;
  readonly document?: string | null;
}

/**
 * Vector collections on plain SQLite tables with exact (brute-force) search through the engine's
 * SQL distance functions, run through any SQLite {@link SqlExecutor}. The same class serves
 * sqlite-vec and libsql; a {@link VectorFunctions} strategy supplies the function names.
 *
 * Filters are translated in full to SQL over the JSON metadata column and applied in the WHERE
 * clause of the same query that ranks, so a filtered query returns `topK` results whenever at
 * least `topK` records match (no post-filtering of a truncated candidate list).
 *
 * @example
 * const vectors = new SqlVectorStore({ executor: operationalStore, scheme: 'sqlite', functions: sqliteVecFunctions });
 * await vectors.ensureCollection('tasks', { dimension: 3, metric: 'cosine' });
 * await vectors.upsert('tasks', [{ id: 't1', vector: [1, 0, 0], metadata: { status: 'open' } }]);
 * await vectors.query('tasks', { vector: [1, 0, 0], topK: 5, filter: { status: 'open' } });
 */
export class SqlVectorStore extends VectorStoreBase {
  readonly scheme: string;
  readonly capabilities: VectorCapabilities = {
    metrics: ['cosine', 'l2', 'ip'],
    filterExists: true,
    eventualConsistency: false,
    // Each batch is one executeMany, so one transaction: an upsert of up to this many records is
    // all or nothing, and commits (syncs the file) once. The statement is a single-row INSERT
    // run per record, so no limit on bound variables applies; this only bounds what one
    // transaction holds the write lock for.
    maxBatchSize: 10_000,
    documents: true,
  };
  readonly #source: ExecutorSource;
  readonly #functions: VectorFunctions;
  readonly engineKey: string | undefined;
  readonly #ownsExecutor: boolean;
  readonly #t: VectorTables;
  /** Collection name → numeric id (its records table). Dropped entries are re-read. */
  readonly #ids = new Map<string, number>();
  readonly #ann: ApproximateIndexSql | undefined;
  /** Records tables known to have (or lack) the approximate index; table names are never reused. */
  readonly #annTables = new Map<string, boolean>();
  readonly #scanner: ExactScanner | undefined;
  /** Records tables whose change tracking this store has made sure of. */
  readonly #tracked = new Set<string>();
  #writesSincePrune = 0;
  /** Queries answered by the scan worker (health output; tests check the fast path ran). */
  #scanned = 0;
  #lastScanError: string | undefined;
  #executor: SqlExecutor | undefined;

  constructor(options: SqlVectorStoreOptions) {
    super();
    if (typeof options.functions !== 'object' || options.functions === null) {
      throw new OrchError(
        'ORCH_INVALID_CONFIG',
        'SqlVectorStore needs `functions` (sqliteVecFunctions or libsqlVectorFunctions).',
        {
          kind: 'vector',
        },
      );
    }
    this.scheme = options.scheme;
    this.#source = options.executor;
    this.#functions = options.functions;
    this.#ownsExecutor = options.ownsExecutor ?? false;
    this.engineKey = options.engineKey;
    if (options.approximateIndex === true && !options.functions.approximateIndex) {
      throw new OrchError(
        'ORCH_INVALID_CONFIG',
        `approximateIndex: ${options.functions.name} has no approximate index; remove the option for exact search.`,
        { kind: 'vector' },
      );
    }
    this.#ann = options.approximateIndex === true ? options.functions.approximateIndex : undefined;
    this.#t = vectorTables(validateTablePrefix(options.tablePrefix ?? 'orch_vec', 'vector'));
    const scan = options.exactScan;
    this.#scanner =
      scan && scan.settings.path !== ':memory:' && scan.settings.path !== ''
        ? new ExactScanner(scan)
        : undefined;
  }

  protected async doConnect(): Promise<void> {
    const executor = await resolveExecutor(this.#source, 'vector');
    try {
      await this.#prepare(executor);
    } catch (err) {
      // close() only releases what a successful connect() produced: do not leak an owned executor.
      if (this.#ownsExecutor) await closeExecutor(executor).catch(() => undefined);
      throw err;
    }
    this.#executor = executor;
  }

  /** Check that the engine has the vector functions, then create the collections table. */
  async #prepare(executor: SqlExecutor): Promise<void> {
    const { probe } = this.#functions;
    try {
      await executor.query(probe.sql, probe.params);
    } catch (err) {
      // A missing function is a setup mistake, not an outage: say which, and do not invite retries.
      const missing = await hasFunction(executor, probe.functionName).then(
        (has) => !has,
        () => false,
      );
      if (!missing) throw relabel(err, 'vector', 'connect');
      throw new OrchError(
        'ORCH_INVALID_CONFIG',
        `The ${this.#functions.name} vector functions are not available on this connection: ${probe.hint}.`,
        { kind: 'vector', retriable: false, cause: err },
      );
    }
    await this.#createSchema(executor);
  }

  protected async doClose(): Promise<void> {
    await this.#scanner?.close();
    this.#tracked.clear();
    if (this.#ownsExecutor) await closeExecutor(this.#executor);
    this.#executor = undefined;
    this.#ids.clear();
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    const [row] = await this.#query<{ n: number }>(
      'health',
      `SELECT count(*) AS n FROM ${this.#t.collections}`,
    );
    const scanner = this.#scanner;
    const exactSearch = !scanner
      ? 'sql'
      : scanner.unavailable !== undefined
        ? `sql (${scanner.unavailable})`
        : 'scan worker';
    return {
      engine: this.#functions.name,
      collections: row?.n ?? 0,
      exactSearch,
      scannedQueries: this.#scanned,
      ...(this.#lastScanError === undefined ? {} : { lastScanError: this.#lastScanError }),
      ...(scanner?.hnswMinRecords === undefined
        ? {}
        : {
            approximateIndex: `hnsw (unfiltered queries, collections of ${scanner.hnswMinRecords}+ records)`,
          }),
    };
  }

  protected async doEnsureCollection(wanted: CollectionInfo): Promise<CollectionInfo> {
    const row = await this.#guard('ensureCollection', () =>
      this.#exec().transaction(async (tx) => {
        await tx.execute(
          `INSERT INTO ${this.#t.collections} (name, dimension, metric) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`,
          [wanted.name, wanted.dimension, wanted.metric],
        );
        const [stored] = await tx.query<CollectionRow>(
          `SELECT id, name, dimension, metric FROM ${this.#t.collections} WHERE name = ?`,
          [wanted.name],
        );
        // The table follows the stored row: an existing collection of another dimension is
        // reported by the base class, never re-created.
        const table = this.#t.records(stored!.id);
        await tx.execute(recordsSchema(table, this.#functions.columnType(stored!.dimension)));
        const index = this.#ann?.create(table, stored!.metric);
        if (index) await tx.execute(index);
        if (this.#scanner) for (const sql of trackingSchema(table)) await tx.execute(sql);
        return stored!;
      }),
    );
    this.#ids.set(row.name, row.id);
    return toInfo(row);
  }

  protected async doDescribeCollection(name: string): Promise<CollectionInfo | null> {
    const row = await this.#lookup(name);
    return row ? toInfo(row) : null;
  }

  protected async doListCollections(): Promise<CollectionInfo[]> {
    const rows = await this.#query<CollectionRow>(
      'listCollections',
      `SELECT id, name, dimension, metric FROM ${this.#t.collections}`,
    );
    return rows.map(toInfo);
  }

  protected async doDropCollection(name: string): Promise<boolean> {
    this.#ids.delete(name);
    return this.#guard('dropCollection', () =>
      this.#exec().transaction(async (tx) => {
        const [row] = await tx.query<{ id: number }>(`SELECT id FROM ${this.#t.collections} WHERE name = ?`, [
          name,
        ]);
        if (!row) return false;
        await tx.execute(`DROP TABLE IF EXISTS ${this.#t.records(row.id)}`);
        await tx.execute(`DROP TABLE IF EXISTS ${changesTable(this.#t.records(row.id))}`);
        await tx.execute(`DELETE FROM ${this.#t.collections} WHERE id = ?`, [row.id]);
        return true;
      }),
    );
  }

  /** One prepared single-row statement per record in one transaction (`executeMany`; atomic). */
  protected async doUpsert(
    collection: CollectionInfo,
    records: readonly NormalizedVectorRecord[],
  ): Promise<void> {
    const { blobs, norms } = encodeVectors(
      records.map((r) => r.vector),
      collection.dimension,
    );
    const rows = records.map((r, i): SqlValue[] => [
      r.id,
      blobs[i]!,
      norms[i]!,
      r.metadata === undefined ? null : JSON.stringify(r.metadata),
      r.document ?? null,
    ]);
    await this.#withTable(collection, 'upsert', async (table) => {
      await this.#exec().executeMany(
        `INSERT INTO ${table} (id, vector, norm, metadata, document) VALUES (?, ${this.#functions.vectorParam}, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET vector = excluded.vector, norm = excluded.norm, metadata = excluded.metadata, document = excluded.document`,
        rows,
      );
      await this.#pruneChanges(table, false);
    });
  }

  /**
   * Exact k-nearest neighbours: the filter goes into the WHERE clause and SQLite keeps the best
   * `topK` rows by (distance, id) while it scans. The inner query carries only id and distance
   * through that top-k sort; metadata, documents and vectors are read afterwards for the winners.
   */
  protected async doQuery(
    collection: CollectionInfo,
    query: NormalizedVectorQuery,
  ): Promise<RawVectorMatch[]> {
    const distance = this.#functions.distance(collection.metric, 'r.vector', 'r.norm', {
      blob: encodeVector(query.vector),
      norm: normF32(query.vector),
    });
    const where = whereClause(query.filter, 'r.metadata');
    const rows = await this.#withTable(collection, 'query', async (table) => {
      const scanned = await this.#scan(table, collection, query, distance, where);
      if (scanned) return scanned;
      const ann = query.filter ? undefined : await this.#approximateIndexOf(table);
      if (ann) {
        return this.#exec().query<RecordRow>(
          `SELECT r.id, ${distance.sql} AS distance${projection('r', query.include)}
           FROM ${ann.candidates(table)} AS c JOIN ${table} AS r ON r.rowid = c.id
           ORDER BY distance, r.id LIMIT ?`,
          [...distance.params, encodeVector(query.vector), query.topK, query.topK],
        );
      }
      return this.#exec().query<RecordRow>(
        `SELECT k.id, k.distance${projection('o', query.include)}
         FROM (SELECT r.id AS id, ${distance.sql} AS distance FROM ${table} AS r${where.sql}
               ORDER BY distance, r.id LIMIT ?) AS k
         JOIN ${table} AS o ON o.id = k.id
         ORDER BY k.distance, k.id`,
        [...distance.params, ...where.params, query.topK],
      );
    });
    return rows.map((r) => ({ ...toRecord(r, query.include), distance: Number(r.distance) }));
  }

  /**
   * The exact query through the scan worker (see `scan/scan-worker.ts`), or undefined for the SQL
   * path: no worker configured, an approximate index in use, a caller inside a transaction of
   * this database (the worker's connection cannot see its uncommitted writes), a query vector
   * without a direction (every distance ties), or no scan library on this platform.
   */
  async #scan(
    table: string,
    collection: CollectionInfo,
    query: NormalizedVectorQuery,
    distance: DistanceSql,
    where: SqlFragment,
  ): Promise<RecordRow[] | undefined> {
    const scanner = this.#scanner;
    if (!scanner || scanner.unavailable !== undefined || this.#ann) return undefined;
    if (joinedTransaction(this.engineKey, this)) return undefined;
    const vector = new Float32Array(query.vector);
    const norm = normF32(vector);
    if (norm === 0 && collection.metric !== 'l2') return undefined;
    if (!this.#tracked.has(table)) {
      await this.#exec().batch(trackingSchema(table).map((sql) => ({ sql })));
      this.#tracked.add(table);
    }
    const outcome = await scanner.query({
      table,
      changes: changesTable(table),
      dimension: collection.dimension,
      metric: collection.metric,
      vector,
      norm,
      topK: query.topK,
      filter: where.sql === '' ? null : { sql: where.sql.replace(/^ WHERE /, ''), params: where.params },
      distance: { sql: distance.sql, params: distance.params },
      projection: projection('r', query.include),
    });
    if ('rows' in outcome) {
      this.#scanned++;
      return outcome.rows as unknown as RecordRow[];
    }
    if ('unavailable' in outcome) return undefined;
    if ('failed' in outcome) {
      // The scan is an optimisation: answer in SQL, and say why in health().
      this.#lastScanError = outcome.failed;
      return undefined;
    }
    // Make #withTable look the collection up again, as for a failed SQL statement.
    this.#tracked.delete(table);
    throw new OrchError('ORCH_QUERY_FAILED', `Vector query failed: ${outcome.error}`, { kind: 'vector' });
  }

  /** Keep a records table's change table bounded (every delete, every 64th upsert). */
  async #pruneChanges(table: string, always: boolean): Promise<void> {
    if (!this.#tracked.has(table)) return;
    if (!always && ++this.#writesSincePrune < 64) return;
    this.#writesSincePrune = 0;
    await this.#exec().execute(pruneChangesSql(table));
  }

  /** The approximate index to search `table` with: when this store asked for one and ensureCollection built it. */
  async #approximateIndexOf(table: string): Promise<ApproximateIndexSql | undefined> {
    if (!this.#ann) return undefined;
    let built = this.#annTables.get(table);
    if (built === undefined) {
      const rows = await this.#exec().query(
        "SELECT 1 AS x FROM sqlite_master WHERE type = 'index' AND name = ?",
        [this.#ann.name(table)],
      );
      built = rows.length > 0;
      this.#annTables.set(table, built);
    }
    return built ? this.#ann : undefined;
  }

  protected async doGet(
    collection: CollectionInfo,
    ids: readonly string[],
    include: Required<Include>,
  ): Promise<StoredVectorRecord[]> {
    const match = anyOf('r.id', ids);
    const rows = await this.#withTable(collection, 'get', (table) =>
      this.#exec().query<RecordRow>(
        `SELECT r.id${projection('r', include)} FROM ${table} AS r WHERE ${match.sql}`,
        match.params,
      ),
    );
    return rows.map((r) => toRecord(r, include));
  }

  protected async doDelete(collection: CollectionInfo, selector: NormalizedDeleteSelector): Promise<void> {
    await this.#withTable(collection, 'delete', async (table) => {
      if ('ids' in selector) {
        await this.#exec().execute(`DELETE FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`, [
          JSON.stringify(selector.ids),
        ]);
      } else {
        const where = whereClause(selector.filter, 'metadata');
        await this.#exec().execute(`DELETE FROM ${table}${where.sql}`, where.params);
      }
      await this.#pruneChanges(table, true);
    });
  }

  protected async doCount(collection: CollectionInfo, filter: FilterNode | undefined): Promise<number> {
    const where = whereClause(filter, 'metadata');
    const [row] = await this.#withTable(collection, 'count', (table) =>
      this.#exec().query<{ n: number }>(`SELECT count(*) AS n FROM ${table}${where.sql}`, where.params),
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Run `fn` on the collection's records table. The id is cached; when another handle dropped
   * (and maybe re-created) the collection, the stale table is missing: look the name up again
   * once, and report `ORCH_NOT_FOUND` when it is really gone.
   */
  async #withTable<T>(
    collection: CollectionInfo,
    operation: string,
    fn: (table: string) => Promise<T>,
  ): Promise<T> {
    const cached = this.#ids.get(collection.name);
    const id = cached ?? (await this.#requireId(collection.name));
    try {
      return await this.#guard(operation, () => fn(this.#t.records(id)));
    } catch (err) {
      if (cached === undefined || !(await tablesMissing(this.#exec(), err, [this.#t.records(id)]))) throw err;
      this.#ids.delete(collection.name);
      const fresh = await this.#requireId(collection.name);
      return this.#guard(operation, () => fn(this.#t.records(fresh)));
    }
  }

  async #requireId(name: string): Promise<number> {
    const row = await this.#lookup(name);
    if (!row) {
      this.forgetCollection(name);
      throw new OrchError('ORCH_NOT_FOUND', `Collection "${name}" does not exist.`, {
        kind: 'vector',
        details: { collection: name },
      });
    }
    return row.id;
  }

  async #lookup(name: string): Promise<CollectionRow | undefined> {
    const [row] = await this.#query<CollectionRow>(
      'describeCollection',
      `SELECT id, name, dimension, metric FROM ${this.#t.collections} WHERE name = ?`,
      [name],
    );
    if (row) this.#ids.set(name, row.id);
    else this.#ids.delete(name);
    return row;
  }

  #exec(): SqlExecutor {
    // connect() ran before any do* hook (the base awaits it), so the executor is set.
    return this.#executor!;
  }

  #query<T>(operation: string, sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.#guard(operation, () => this.#exec().query<T>(sql, params));
  }

  #createSchema(executor: SqlExecutor): Promise<unknown> {
    return this.#guard(
      'connect',
      () => executor.batch(collectionsSchema(this.#t).map((sql) => ({ sql }))),
      false,
    );
  }

  /**
   * Run `fn`, re-labelling executor errors as vector errors. When a table is missing, re-create
   * the collections table and try once more: a first call made inside a caller's transaction
   * creates it in that transaction (joining is what keeps it from deadlocking), so a rollback takes
   * it away again although this store counts as connected. (A missing records table is handled by
   * `#withTable`.)
   */
  async #guard<T>(operation: string, fn: () => Promise<T>, heal = true): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const executor = this.#executor;
      if (!heal || !executor || !(await tablesMissing(executor, err, [this.#t.collections])))
        throw relabel(err, 'vector', operation);
    }
    await this.#createSchema(this.#exec());
    return this.#guard(operation, fn, false);
  }
}

function toInfo(row: CollectionRow): CollectionInfo {
  return { name: row.name, dimension: Number(row.dimension), metric: row.metric };
}

function whereClause(filter: FilterNode | undefined, column: string): SqlFragment {
  if (!filter) return { sql: '', params: [] };
  const fragment = filterToSql(filter, column);
  return { sql: ` WHERE ${fragment.sql}`, params: fragment.params };
}

/** The extra columns `include` asks for, each prefixed with `, `. */
function projection(alias: string, include: Required<Include>): string {
  let columns = '';
  if (include.vectors) columns += `, ${alias}.vector`;
  if (include.metadata) columns += `, ${alias}.metadata`;
  if (include.documents) columns += `, ${alias}.document`;
  return columns;
}

function toRecord(row: RecordRow, include: Required<Include>): StoredVectorRecord {
  const out: { id: string; vector?: number[]; metadata?: Metadata; document?: string } = { id: row.id };
  if (include.vectors) out.vector = decodeVector(row.vector);
  if (include.metadata) out.metadata = row.metadata ? (JSON.parse(row.metadata) as Metadata) : {};
  if (include.documents && typeof row.document === 'string') out.document = row.document;
  return out;
}
