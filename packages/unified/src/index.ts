export { DEPENDS_ON, normalizeRelationshipType, TASK_LABEL } from './cross-store/task-projection.js';
export type {
  CreateTaskWithEmbeddingsInput,
  CrossStoreResult,
  RelationshipInput,
} from './cross-store/task-sync.js';
export {
  criticalPath,
  type DependencyEdge,
  findCycle,
  topologicalOrder,
} from './dependencies/dependency-graph.js';
export { TaskDependencies } from './dependencies/task-dependencies.js';
export type { Embedder } from './embedding/embedder.js';
export { HashingEmbedder, type HashingEmbedderOptions } from './embedding/hashing-embedder.js';
export { resolveDataDir } from './manager/data-dir.js';
export {
  UnifiedDatabaseManager,
  type UnifiedDatabaseManagerOptions,
} from './manager/unified-database-manager.js';
export type { UnifiedHealth } from './manager/unified-health.js';
export { MIGRATIONS } from './migrations/index.js';
export {
  type MigrationResult,
  migrate,
  migrationDialects,
  withDialectMigrations,
} from './migrations/migrate.js';
export type { Migration } from './migrations/migration.js';
export { MIGRATIONS_TABLE, schemaVersion } from './migrations/schema-version.js';
export type { OutboxEntry, OutboxOperation, SyncTarget } from './outbox/outbox-entry.js';
export type { SyncReport } from './outbox/sync-report.js';
export * from './repositories/index.js';
export {
  type SimilarTask,
  type SimilarTaskOptions,
  searchSimilarTasks,
} from './search/search-similar-tasks.js';
