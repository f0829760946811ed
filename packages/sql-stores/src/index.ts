export { type GraphTables, graphSchema, graphTables } from './graph/schema.js';
export { SqlGraphStore, type SqlGraphStoreOptions } from './graph/sql-graph-store.js';
export type { ExecutorSource } from './util/executor.js';
export type { KeyedReadsInThread } from './util/keyed-reads.js';
export { decodeVector, encodeVector, normF32 } from './vector/encoding.js';
export { filterToSql, type SqlFragment } from './vector/filter-to-sql.js';
export { SqlVectorStore, type SqlVectorStoreOptions } from './vector/sql-vector-store.js';
export {
  type ApproximateIndexSql,
  type DistanceSql,
  libsqlVectorFunctions,
  type QueryVector,
  sqliteVecFunctions,
  type VectorFunctions,
} from './vector/vector-functions.js';
