export type { Adapter } from './adapter/adapter.js';
export { AdapterBase } from './adapter/adapter-base.js';
export type { HealthReport } from './adapter/health.js';
export type { OrchConfig, StoreConfig } from './config/orch-config.js';
export { describeConfig, type ParseConfigOptions, parseConfig, URL_ENV_VARS } from './config/parse-config.js';
export { ORCH_ERROR_CODES, type OrchErrorCode } from './errors/error-codes.js';
export { isOrchError, OrchError, type OrchErrorOptions } from './errors/orch-error.js';
export { REDACTED, redact, redactDeep, registerSecret } from './errors/secrets.js';
export { matchesFilter } from './filter/evaluate-filter.js';
export type {
  FieldCondition,
  FieldOperator,
  Filter,
  FilterNode,
  FilterOperator,
  LogicalOperator,
  Metadata,
  MetadataValue,
} from './filter/filter.js';
export { FIELD_OPERATORS, LOGICAL_OPERATORS } from './filter/filter.js';
export { filterOperators, normalizeFilter } from './filter/normalize-filter.js';
export type {
  Direction,
  EdgeKey,
  EdgeQuery,
  FindNodesOptions,
  GraphCapabilities,
  GraphEdge,
  GraphEdgeInput,
  GraphNode,
  GraphNodeInput,
  GraphPath,
  GraphStore,
  Neighbor,
  NeighborOptions,
  PathOptions,
  Properties,
  PropertyValue,
} from './graph/graph-store.js';
export {
  GraphStoreBase,
  type NormalizedEdge,
  type NormalizedFindNodes,
  type NormalizedNeighborOptions,
  type NormalizedNode,
  type NormalizedPathOptions,
  type NormalizedTraversal,
} from './graph/graph-store-base.js';
export { comparePaths } from './graph/path-order.js';
export {
  breadthFirstDepths,
  breadthFirstShortestPath,
  type StepSource,
  simplePaths,
  stepsFrom,
  type TraversalStep,
} from './graph/traversal.js';
export {
  MAX_NEIGHBOR_DEPTH,
  MAX_NODE_ID_LENGTH,
  MAX_PATH_DEPTH,
  MAX_PATH_LIMIT,
  validateIdentifier,
  validateNodeId,
} from './graph/validation.js';
export { isStoreKind, STORE_KINDS, type StoreKind } from './kinds.js';
export type {
  ExecuteResult,
  OperationalCapabilities,
  OperationalStore,
  Row,
  SqlDialect,
  SqlExecutor,
  SqlValue,
  Statement,
  Transaction,
  TransactionOptions,
} from './operational/operational-store.js';
export { validateParams, validateSql } from './operational/params.js';
export { SqlStoreBase } from './operational/sql-store-base.js';
export { KNOWN_ADAPTER_PACKAGES } from './registry/known-packages.js';
export {
  type AdapterFactoryContext,
  type AdapterRegistration,
  type CreateAdapterOptions,
  createAdapter,
  listSchemes,
  loadAdapters,
  registerAdapter,
  type StoreFor,
  type StoreTypes,
  unregisterAdapter,
} from './registry/registry.js';
export { type ParsedUrl, parseStoreUrl } from './url/parse-url.js';
export { Mutex } from './util/mutex.js';
export { workerExecArgv } from './util/worker-exec-argv.js';
export { isValidMetadataKey, MAX_METADATA_BYTES, validateMetadata } from './vector/metadata.js';
export { distanceBetween, scoreFromDistance } from './vector/scoring.js';
export {
  MAX_DIMENSION,
  MAX_ID_LENGTH,
  MAX_TOP_K,
  VECTOR_METRICS,
  validateCollectionName,
  validateVector,
} from './vector/validation.js';
export type {
  CollectionInfo,
  CollectionOptions,
  DeleteSelector,
  Include,
  StoredVectorRecord,
  VectorCapabilities,
  VectorInput,
  VectorMatch,
  VectorMetric,
  VectorQuery,
  VectorRecord,
  VectorStore,
} from './vector/vector-store.js';
export {
  type NormalizedDeleteSelector,
  type NormalizedVectorQuery,
  type NormalizedVectorRecord,
  type RawVectorMatch,
  VectorStoreBase,
} from './vector/vector-store-base.js';
