import { createHash } from 'node:crypto';
import {
  type CollectionInfo,
  type DriverErrorContext,
  type FilterNode,
  type Include,
  joinedTransaction,
  type NormalizedDeleteSelector,
  type NormalizedVectorQuery,
  type NormalizedVectorRecord,
  OrchError,
  type RawVectorMatch,
  type SqlValue,
  type StoredVectorRecord,
  type VectorCapabilities,
  type VectorMetric,
  VectorStoreBase,
} from '@orch/core/adapter-kit';
import type pg from 'pg';
import { type ConnectionSource, openConnectionSource } from './connection-source.js';
import { fromVectorLiteral, toTextArrayLiteral, toVectorLiteral } from './conversion.js';
import { engineKeyOf } from './engine-key.js';
import { mapPgError } from './errors.js';
import type { ResolvedPostgresOptions } from './options.js';
import { filterToPg } from './vector-filter.js';

/** pgvector's distance operator and index operator class per orch metric. */
const METRIC_SQL: Readonly<
  Record<VectorMetric, { distance: (a: string, b: string) => string; opclass: string }>
> = {
  cosine: { distance: (a, b) => `(${a} <=> ${b})`, opclass: 'vector_cosine_ops' },
  l2: { distance: (a, b) => `(${a} <-> ${b})`, opclass: 'vector_l2_ops' },
  // `<#>` is the negative inner product; orch's ip distance is 1 - dot.
  ip: { distance: (a, b) => `(1 + (${a} <#> ${b}))`, opclass: 'vector_ip_ops' },
};

/** pgvector's HNSW index covers at most 2,000 dimensions. */
const MAX_INDEXED_DIMENSION = 2000;

/** What a statement runs on: a pooled connection, or the operational store's transaction. */
interface Queryable {
  query(config: pg.QueryConfig): Promise<{ rows: pg.QueryResultRow[] }>;
}

/** Parameters for another store's transaction: text arrays as array literals, the rest as is. */
function joinedValues(values: readonly unknown[] | undefined): SqlValue[] {
  return (values ?? []).map((v) =>
    Array.isArray(v) ? toTextArrayLiteral(v as (string | null)[]) : (v as SqlValue),
  );
}

/** Constructor input of {@link PgVectorStore}. */
export interface PgVectorStoreInit {
  readonly options: ResolvedPostgresOptions;
  readonly scheme?: string;
}

interface CollectionRow {
  readonly name: string;
  readonly dimension: number;
  readonly metric: VectorMetric;
  readonly table_name: string;
}

/**
 * The vector store on PostgreSQL with pgvector. A collection is a table of its own
 * (`id`, `embedding vector(dimension)`, `metadata jsonb`, `document`), listed with its dimension
 * and metric in a registry table. Search is exact by default; with `vectorIndex: 'hnsw'` each new
 * collection gets an HNSW index and queries use it (approximate, iterative scans so filtered
 * queries still return `topK` when enough rows match). The filter language becomes SQL over the
 * JSONB metadata.
 *
 * @example
 * const vectors = await createAdapter('vector', 'postgres://orch@localhost/orch');
 * await vectors.ensureCollection('tasks', { dimension: 384, metric: 'cosine' });
 */
export class PgVectorStore extends VectorStoreBase {
  readonly scheme: string;
  readonly capabilities: VectorCapabilities = {
    metrics: ['cosine', 'l2', 'ip'],
    filterExists: true,
    eventualConsistency: false,
    maxBatchSize: 1000,
    documents: true,
  };
  /**
   * The database this store runs on (see `engineKeyOf`): inside a transaction of the operational
   * store with the same key, this store's statements run in that transaction.
   */
  readonly engineKey: string | undefined;
  readonly #options: ResolvedPostgresOptions;
  readonly #registry: string;
  #source: ConnectionSource | undefined;
  #pgvectorVersion: string | undefined;

  constructor(init: PgVectorStoreInit) {
    super();
    this.#options = init.options;
    this.scheme = init.scheme ?? 'postgres';
    this.#registry = `${init.options.tablePrefix}collections`;
    this.engineKey = engineKeyOf(init.options);
  }

  protected async doConnect(): Promise<void> {
    this.#source = await openConnectionSource(this.#options, async (source) => {
      try {
        await this.#prepare(source);
      } catch (err) {
        throw err instanceof OrchError ? err : mapPgError(err, 'vector', 'connect');
      }
    });
  }

  async #prepare(source: ConnectionSource): Promise<void> {
    const installed = await source.query({
      text: "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
    });
    if (installed.rows.length === 0) {
      try {
        await source.query({ text: 'CREATE EXTENSION IF NOT EXISTS vector' });
      } catch (err) {
        const mapped = mapPgError(err, 'vector', 'CREATE EXTENSION vector');
        throw new OrchError(
          mapped.code === 'ORCH_QUERY_FAILED' ? 'ORCH_UNSUPPORTED' : mapped.code,
          `The pgvector extension is not enabled in this database and could not be enabled (${mapped.message}). Install pgvector on the server and run CREATE EXTENSION vector as a user allowed to.`,
          { kind: 'vector', cause: err, details: mapped.details },
        );
      }
    }
    const version = await source.query({
      text: "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
    });
    this.#pgvectorVersion = version.rows[0]?.extversion;
    await source.query({
      text: `CREATE TABLE IF NOT EXISTS ${this.#registry} (
        name TEXT PRIMARY KEY,
        dimension INTEGER NOT NULL,
        metric TEXT NOT NULL,
        table_name TEXT NOT NULL UNIQUE
      )`,
    });
  }

  protected async doClose(): Promise<void> {
    await this.#source?.end();
    this.#source = undefined;
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    const { rows } = await this.#query({
      text: "SELECT current_setting('server_version') AS version",
    });
    return {
      engine: 'postgresql',
      serverVersion: rows[0]?.version,
      pgvector: this.#pgvectorVersion,
      index: this.#options.vectorIndex,
      pool: this.#connected().counts(),
    };
  }

  protected override mapDriverError(err: unknown, context: DriverErrorContext): OrchError {
    const mapped = mapPgError(err, 'vector', context.operation);
    // pgvector reports a wrong length as a data exception: say it the orch way.
    if (mapped.details.driverCode === '22000') {
      return new OrchError('ORCH_DIMENSION_MISMATCH', mapped.message, {
        kind: 'vector',
        cause: err,
        details: mapped.details,
      });
    }
    return mapped;
  }

  protected async doEnsureCollection(wanted: CollectionInfo): Promise<CollectionInfo> {
    const existing = await this.doDescribeCollection(wanted.name);
    if (existing) return existing;
    const table = tableName(this.#options.tablePrefix, wanted.name);
    return this.#inTransaction(async (connection) => {
      // Two processes creating the same collection: the second waits here, then finds it.
      await connection.query({ text: 'SELECT pg_advisory_xact_lock($1)', values: [lockKey(this.#registry)] });
      const again = await connection.query({
        text: `SELECT name, dimension, metric, table_name FROM ${this.#registry} WHERE name = $1`,
        values: [wanted.name],
      });
      if (again.rows[0]) return info(again.rows[0] as CollectionRow);
      await connection.query({
        text: `CREATE TABLE ${table} (
          id TEXT PRIMARY KEY,
          embedding vector(${wanted.dimension}) NOT NULL,
          metadata JSONB NOT NULL DEFAULT '{}'::jsonb,
          document TEXT
        )`,
      });
      if (this.#options.vectorIndex === 'hnsw') {
        if (wanted.dimension > MAX_INDEXED_DIMENSION) {
          throw new OrchError(
            'ORCH_INVALID_INPUT',
            `pgvector's HNSW index covers at most ${MAX_INDEXED_DIMENSION} dimensions; collection "${wanted.name}" has ${wanted.dimension}. Use vectorIndex: 'none' (exact search) for it.`,
            { kind: 'vector' },
          );
        }
        const { m, efConstruction } = this.#options.hnsw;
        await connection.query({
          text: `CREATE INDEX ${table.slice(0, -1)}_hnsw" ON ${table} USING hnsw (embedding ${METRIC_SQL[wanted.metric].opclass}) WITH (m = ${m}, ef_construction = ${efConstruction})`,
        });
      }
      await connection.query({
        text: `INSERT INTO ${this.#registry} (name, dimension, metric, table_name) VALUES ($1, $2, $3, $4)`,
        values: [wanted.name, wanted.dimension, wanted.metric, table],
      });
      return wanted;
    });
  }

  protected async doDescribeCollection(name: string): Promise<CollectionInfo | null> {
    const { rows } = await this.#query({
      text: `SELECT name, dimension, metric, table_name FROM ${this.#registry} WHERE name = $1`,
      values: [name],
    });
    return rows[0] ? info(rows[0] as CollectionRow) : null;
  }

  protected async doListCollections(): Promise<CollectionInfo[]> {
    const { rows } = await this.#query({
      text: `SELECT name, dimension, metric, table_name FROM ${this.#registry} ORDER BY name`,
    });
    return (rows as CollectionRow[]).map(info);
  }

  protected async doDropCollection(name: string): Promise<boolean> {
    return this.#inTransaction(async (connection) => {
      const { rows } = await connection.query({
        text: `DELETE FROM ${this.#registry} WHERE name = $1 RETURNING table_name`,
        values: [name],
      });
      if (!rows[0]) return false;
      await connection.query({ text: `DROP TABLE IF EXISTS ${(rows[0] as CollectionRow).table_name}` });
      return true;
    });
  }

  protected async doUpsert(
    collection: CollectionInfo,
    records: readonly NormalizedVectorRecord[],
  ): Promise<void> {
    const table = await this.#table(collection.name);
    await this.#query({
      text: `INSERT INTO ${table} (id, embedding, metadata, document)
        SELECT id, embedding::vector, metadata::jsonb, document
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS r(id, embedding, metadata, document)
        ON CONFLICT (id) DO UPDATE SET embedding = excluded.embedding, metadata = excluded.metadata, document = excluded.document`,
      values: [
        records.map((r) => r.id),
        records.map((r) => toVectorLiteral(r.vector)),
        records.map((r) => JSON.stringify(r.metadata ?? {})),
        records.map((r) => r.document ?? null),
      ],
    });
  }

  protected async doQuery(
    collection: CollectionInfo,
    query: NormalizedVectorQuery,
  ): Promise<RawVectorMatch[]> {
    const table = await this.#table(collection.name);
    const distance = METRIC_SQL[collection.metric].distance('embedding', '$1::vector');
    const where = query.filter ? filterToPg(query.filter, 'metadata', 3) : undefined;
    const columns = selectColumns(query.include);
    const indexed = this.#options.vectorIndex === 'hnsw';
    // An index scan needs ORDER BY the distance alone; exact search also orders ties by id.
    const text = `SELECT id, ${distance}::float8 AS distance${columns} FROM ${table}${where ? ` WHERE ${where.sql}` : ''} ORDER BY ${indexed ? distance : `2, id`} LIMIT $2`;
    const values = [toVectorLiteral(query.vector), query.topK, ...(where?.params ?? [])];
    const rows = indexed
      ? await this.#inTransaction(async (connection) => {
          await connection.query({ text: `SET LOCAL hnsw.ef_search = ${this.#options.hnsw.efSearch}` });
          await connection.query({ text: "SET LOCAL hnsw.iterative_scan = 'strict_order'" });
          return (await connection.query({ text, values })).rows;
        })
      : (await this.#query({ text, values })).rows;
    const matches = rows.map((row) => toRecord(row, query.include) as RawVectorMatch);
    if (indexed) matches.sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return matches;
  }

  protected async doGet(
    collection: CollectionInfo,
    ids: readonly string[],
    include: Required<Include>,
  ): Promise<StoredVectorRecord[]> {
    const table = await this.#table(collection.name);
    const { rows } = await this.#query({
      text: `SELECT id${selectColumns(include)} FROM ${table} WHERE id = ANY($1::text[])`,
      values: [ids],
    });
    return rows.map((row) => toRecord(row, include));
  }

  protected async doDelete(collection: CollectionInfo, selector: NormalizedDeleteSelector): Promise<void> {
    const table = await this.#table(collection.name);
    if ('ids' in selector) {
      await this.#query({
        text: `DELETE FROM ${table} WHERE id = ANY($1::text[])`,
        values: [selector.ids],
      });
      return;
    }
    const where = filterToPg(selector.filter, 'metadata', 1);
    await this.#query({
      text: `DELETE FROM ${table} WHERE ${where.sql}`,
      values: [...where.params],
    });
  }

  protected async doCount(collection: CollectionInfo, filter: FilterNode | undefined): Promise<number> {
    const table = await this.#table(collection.name);
    const where = filter ? filterToPg(filter, 'metadata', 1) : undefined;
    const { rows } = await this.#query({
      text: `SELECT COUNT(*)::int AS n FROM ${table}${where ? ` WHERE ${where.sql}` : ''}`,
      values: [...(where?.params ?? [])],
    });
    return rows[0]?.n ?? 0;
  }

  async #table(name: string): Promise<string> {
    const { rows } = await this.#query({
      text: `SELECT table_name FROM ${this.#registry} WHERE name = $1`,
      values: [name],
    });
    const table = (rows[0] as CollectionRow | undefined)?.table_name;
    if (!table) {
      this.forgetCollection(name);
      throw new OrchError(
        'ORCH_NOT_FOUND',
        `Collection "${name}" does not exist; call ensureCollection first.`,
        {
          kind: 'vector',
          details: { collection: name },
        },
      );
    }
    return table;
  }

  /**
   * One statement: in the operational store's transaction when the caller runs inside one on
   * this database (its parameters then travel as plain values: text arrays as literals), else on
   * the pool.
   */
  async #query(config: pg.QueryConfig): Promise<{ rows: pg.QueryResultRow[] }> {
    const tx = joinedTransaction(this.engineKey, this);
    if (!tx) return this.#connected().query(config);
    return { rows: await tx.query(config.text, joinedValues(config.values)) };
  }

  async #inTransaction<T>(fn: (connection: Queryable) => Promise<T>): Promise<T> {
    const joined = joinedTransaction(this.engineKey, this);
    if (joined) {
      // A savepoint of the caller's transaction: it commits with it, or not at all.
      return joined.transaction((tx) =>
        fn({ query: async (config) => ({ rows: await tx.query(config.text, joinedValues(config.values)) }) }),
      );
    }
    const source = this.#connected();
    const connection = await source.acquire();
    let broken = false;
    try {
      await connection.query('BEGIN');
      const result = await fn(connection);
      await connection.query('COMMIT');
      return result;
    } catch (err) {
      broken = await connection.query('ROLLBACK').then(
        () => false,
        () => true,
      );
      throw err;
    } finally {
      source.release(connection, broken);
    }
  }

  #connected(): ConnectionSource {
    if (!this.#source) throw new Error('the pgvector store is not connected');
    return this.#source;
  }
}

function info(row: CollectionRow): CollectionInfo {
  return { name: row.name, dimension: Number(row.dimension), metric: row.metric };
}

/**
 * A table name for a collection: the prefix, the name made a plain identifier, and a short hash
 * of the exact name, so names that differ only in `-` vs `_` or past PostgreSQL's 63-byte limit
 * never share a table. Always double-quoted.
 */
function tableName(prefix: string, collection: string): string {
  const hash = createHash('sha256').update(collection).digest('hex').slice(0, 8);
  const readable = collection
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 63 - prefix.length - 9 - 5);
  return `"${prefix}${readable}_${hash}"`;
}

function lockKey(text: string): number {
  return createHash('sha256').update(text).digest().readInt32BE(0);
}

function selectColumns(include: Required<Include>): string {
  return `${include.metadata ? ', metadata' : ''}${include.documents ? ', document' : ''}${include.vectors ? ', embedding::text AS vector' : ''}`;
}

function toRecord(
  row: Record<string, unknown>,
  include: Required<Include>,
): StoredVectorRecord & { distance?: number } {
  const out: {
    id: string;
    distance?: number;
    metadata?: Record<string, string | number | boolean>;
    document?: string;
    vector?: number[];
  } = {
    id: row.id as string,
  };
  if (row.distance !== undefined) out.distance = Number(row.distance);
  if (include.metadata) out.metadata = row.metadata as Record<string, string | number | boolean>;
  if (include.documents && row.document !== null && row.document !== undefined)
    out.document = row.document as string;
  if (include.vectors) out.vector = fromVectorLiteral(row.vector as string);
  return out;
}
