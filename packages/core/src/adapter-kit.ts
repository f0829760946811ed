// The adapter author's entry point, '@orch/core/adapter-kit': base classes with explicit hooks,
// registration, validators and normalizers, traversal and scoring helpers, and utilities. An
// application never needs it. It re-exports the whole application API too, so an adapter imports
// from one place.

export { z } from 'zod';
export { AdapterBase } from './adapter/adapter-base.js';
export type { DriverErrorContext } from './adapter/driver-error-context.js';
export { joinedTransaction, runAsEngineTransaction } from './adapter/shared-engine.js';
export { postgresDialect, sqliteDialect } from './dialect/builtin-dialects.js';
export { numberPlaceholders } from './dialect/placeholders.js';
export {
  type ConstraintViolationInput,
  constraintViolation,
} from './errors/constraint-violation.js';
export { REDACTED, redact, redactDeep, registerSecret } from './errors/secrets.js';
export { matchesFilter } from './filter/evaluate-filter.js';
export { FIELD_OPERATORS, LOGICAL_OPERATORS } from './filter/filter.js';
export { filterOperators, normalizeFilter } from './filter/normalize-filter.js';
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
export * from './index.js';
export { isStoreKind } from './kinds.js';
export { validateParams, validateSql } from './operational/params.js';
export { SqlStoreBase } from './operational/sql-store-base.js';
export {
  type AdapterDefinition,
  type DefinedAdapterContext,
  defineAdapter,
  type OptionsSchema,
  storeOptionsShape,
} from './registry/define-adapter.js';
export { KNOWN_ADAPTER_PACKAGES } from './registry/known-packages.js';
export { type AdapterFactoryContext, registerAdapter, unregisterAdapter } from './registry/registry.js';
export { traceOperation } from './tracing/store-tracing.js';
export { type ParsedUrl, parseStoreUrl } from './url/parse-url.js';
export { type BackoffPolicy, backoffDelay } from './util/backoff.js';
export { Mutex } from './util/mutex.js';
export { validateText } from './util/well-formed.js';
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
  vectorComponents,
} from './vector/validation.js';
export {
  type NormalizedDeleteSelector,
  type NormalizedVectorQuery,
  type NormalizedVectorRecord,
  type RawVectorMatch,
  VectorStoreBase,
} from './vector/vector-store-base.js';
