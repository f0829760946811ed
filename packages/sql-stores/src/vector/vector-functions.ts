import type { VectorMetric } from '@orch/core';

/** The SQL a {@link VectorFunctions} strategy produces for one metric. */
export interface DistanceSql {
  /**
   * An expression for orch's distance (see `VectorMetric` in @orch/core) between the stored
   * vector and the query vector. Column names and placeholders appear as written in
   * {@link VectorFunctions.distance}'s arguments; `?` placeholders take {@link params} in order.
   */
  readonly sql: string;
  readonly params: readonly (Uint8Array | number)[];
}

/** What a strategy knows about the query vector when building a distance expression. */
export interface QueryVector {
  /** Little-endian Float32 blob. */
  readonly blob: Uint8Array;
  /** Euclidean norm of the float32-rounded query vector. */
  readonly norm: number;
}

/**
 * How an engine spells vector math in SQL. The SQL stores are written once against this
 * interface; one implementation per engine keeps engine function names out of them.
 *
 * Every record row has a `vector` column (the Float32 blob) and a `norm` column (its Euclidean
 * norm, computed at write time) which strategies may use to derive a metric the engine lacks.
 */
export interface VectorFunctions {
  /** Short name for messages and health output, e.g. `sqlite-vec`. */
  readonly name: string;
  /** Declared type of the vector column for a collection of this dimension. */
  columnType(dimension: number): string;
  /** SQL expression that turns a bound Float32 blob (`?`) into a value for the vector column. */
  readonly vectorParam: string;
  /** orch's distance between `vectorColumn` (norm in `normColumn`) and the query vector. */
  distance(metric: VectorMetric, vectorColumn: string, normColumn: string, query: QueryVector): DistanceSql;
  /**
   * A statement that succeeds only when the engine's vector functions are available, run once on
   * connect so a missing extension fails early with a clear message.
   */
  readonly probe: {
    readonly sql: string;
    readonly params: readonly Uint8Array[];
    /** The function the probe calls, looked up when the probe fails. */
    readonly functionName: string;
    readonly hint: string;
  };
  /** The engine's approximate (ANN) index, when it has one; used only when a store asks for it. */
  readonly approximateIndex?: ApproximateIndexSql;
}

/** How an engine builds and searches an approximate nearest-neighbour index on a records table. */
export interface ApproximateIndexSql {
  /** The index's name for a records table. */
  name(table: string): string;
  /** `CREATE INDEX IF NOT EXISTS …` for the metric, or undefined when the index cannot serve it. */
  create(table: string, metric: VectorMetric): string | undefined;
  /**
   * A table-valued expression yielding `id` (the records table's rowid) of about `k` nearest
   * rows; placeholders: the query blob, then k.
   */
  candidates(table: string): string;
}

const PROBE_VECTOR = new Uint8Array(new Float32Array([1, 0]).buffer);

/**
 * The inner product derived from a cosine distance: dot = (1 − cosDistance) · |a| · |b|.
 * Neither engine has a dot-product scalar function. The identity needs one engine call per row
 * (the alternative, (|a|² + |b|² − l2²) / 2, needs the squared distance, which SQLite would
 * compute twice), and its error is the cosine's float32 rounding scaled by the two norms. A
 * zero vector has no cosine (both engines return NULL), but its dot product is simply 0.
 */
function innerProductDistance(
  cosine: (vector: string) => string,
  vectorColumn: string,
  normColumn: string,
  query: QueryVector,
): DistanceSql {
  if (query.norm === 0) return { sql: '1.0', params: [] };
  return {
    sql: `CASE WHEN ${normColumn} = 0 THEN 1.0 ELSE 1.0 - (1.0 - ${cosine(vectorColumn)}) * ${normColumn} * ? END`,
    params: [query.blob, query.norm],
  };
}

/**
 * Cosine distances involving a vector whose float32 components are all zero (a query or a record
 * whose components underflowed) are 1.0 on both engines (no direction: similarity 0, the inner
 * product's convention); the engines' own functions return NULL there, which would sort first.
 *
 * sqlite-vec's scalar functions (`vec_distance_cosine`, `vec_distance_l2`, the latter already the
 * plain, not squared, Euclidean distance) over vectors stored as Float32 blobs in an ordinary
 * table. The extension must be loaded into every connection the executor uses
 * (`sqliteVec.load(db)`).
 *
 * @example
 * new SqlVectorStore({ executor, scheme: 'sqlite', functions: sqliteVecFunctions });
 */
export const sqliteVecFunctions: VectorFunctions = {
  name: 'sqlite-vec',
  columnType: () => 'BLOB',
  vectorParam: '?',
  distance(metric, vectorColumn, normColumn, query) {
    switch (metric) {
      case 'cosine':
        return { sql: `COALESCE(vec_distance_cosine(${vectorColumn}, ?), 1.0)`, params: [query.blob] };
      case 'l2':
        return { sql: `vec_distance_l2(${vectorColumn}, ?)`, params: [query.blob] };
      case 'ip':
        return innerProductDistance((v) => `vec_distance_cosine(${v}, ?)`, vectorColumn, normColumn, query);
    }
  },
  probe: {
    sql: 'SELECT vec_distance_l2(?, ?) AS d',
    params: [PROBE_VECTOR, PROBE_VECTOR],
    functionName: 'vec_distance_l2',
    hint: 'load the sqlite-vec extension into the connection (sqliteVec.load(db))',
  },
};

const libsqlIndexName = (table: string) => `${table}_ann`;

/**
 * libsql's native vector functions: `F32_BLOB(n)` columns, `vector32()` to read a bound blob,
 * `vector_distance_cos` and `vector_distance_l2` (plain Euclidean). Search is exact by default;
 * its DiskANN index (`libsql_vector_idx`, cosine and l2) is built only for a store created with
 * `approximateIndex: true`, because building one is slow (minutes for 10k x 384 here).
 *
 * @example
 * new SqlVectorStore({ executor, scheme: 'libsql', functions: libsqlVectorFunctions });
 */
export const libsqlVectorFunctions: VectorFunctions = {
  name: 'libsql',
  columnType: (dimension) => `F32_BLOB(${dimension})`,
  vectorParam: 'vector32(?)',
  distance(metric, vectorColumn, normColumn, query) {
    switch (metric) {
      case 'cosine':
        return {
          sql: `COALESCE(vector_distance_cos(${vectorColumn}, vector32(?)), 1.0)`,
          params: [query.blob],
        };
      case 'l2':
        return { sql: `vector_distance_l2(${vectorColumn}, vector32(?))`, params: [query.blob] };
      case 'ip':
        return innerProductDistance(
          (v) => `vector_distance_cos(${v}, vector32(?))`,
          vectorColumn,
          normColumn,
          query,
        );
    }
  },
  approximateIndex: {
    name: libsqlIndexName,
    create: (table, metric) =>
      metric === 'ip'
        ? undefined
        : `CREATE INDEX IF NOT EXISTS ${libsqlIndexName(table)} ON ${table} (libsql_vector_idx(vector, 'metric=${metric === 'l2' ? 'l2' : 'cosine'}'))`,
    candidates: (table) => `vector_top_k('${libsqlIndexName(table)}', vector32(?), ?)`,
  },
  probe: {
    sql: 'SELECT vector_distance_l2(vector32(?), vector32(?)) AS d',
    params: [PROBE_VECTOR, PROBE_VECTOR],
    functionName: 'vector_distance_l2',
    hint: 'use a libsql engine (libsql, @libsql/client or sqld); plain SQLite has no vector functions',
  },
};
