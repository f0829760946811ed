// The application entry point of @orch/core: open stores, read config, handle errors, and the
// store contracts and filter types an application codes against. What adapter authors need
// (base classes, validators, helpers) is in '@orch/core/adapter-kit'.
export type { Adapter } from './adapter/adapter.js';
export type { HealthReport } from './adapter/health.js';
export { sharesEngine } from './adapter/shared-engine.js';
export type { OrchConfig, StoreConfig } from './config/orch-config.js';
export { describeConfig, type ParseConfigOptions, parseConfig, URL_ENV_VARS } from './config/parse-config.js';
export type { SqlDialect } from './dialect/sql-dialect.js';
export type { ConstraintKind } from './errors/constraint-violation.js';
export { ORCH_ERROR_CODES, type OrchErrorCode } from './errors/error-codes.js';
export { isOrchError, OrchError, type OrchErrorOptions } from './errors/orch-error.js';
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
export { STORE_KINDS, type StoreKind } from './kinds.js';
export type {
  ExecuteResult,
  OperationalCapabilities,
  OperationalStore,
  Row,
  SqlExecutor,
  SqlValue,
  Statement,
  Transaction,
  TransactionOptions,
} from './operational/operational-store.js';
export {
  type AdapterRegistration,
  type CreateAdapterOptions,
  createAdapter,
  listSchemes,
  loadAdapters,
  type StoreFor,
  type StoreTypes,
} from './registry/registry.js';
export { ORCH_TRACING_CHANNEL, type StoreOperationEvent } from './tracing/store-tracing.js';
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
