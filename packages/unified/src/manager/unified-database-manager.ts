import {
  createAdapter,
  type GraphStore,
  type HealthReport,
  isOrchError,
  loadAdapters,
  type OperationalStore,
  type OrchConfig,
  OrchError,
  parseConfig,
  type StoreConfig,
  type StoreKind,
  type VectorMetric,
  type VectorStore,
} from '@orch/core';
import { redact } from '@orch/core/adapter-kit';
import {
  type CreateTaskWithEmbeddingsInput,
  type CrossStoreResult,
  TaskSync,
} from '../cross-store/task-sync.js';
import { TaskDependencies } from '../dependencies/task-dependencies.js';
import type { Embedder } from '../embedding/embedder.js';
import { HashingEmbedder } from '../embedding/hashing-embedder.js';
import { MIGRATIONS } from '../migrations/index.js';
import { type MigrationResult, migrate } from '../migrations/migrate.js';
import type { Migration } from '../migrations/migration.js';
import { assertMigrated } from '../migrations/schema-check.js';
import type { SyncReport } from '../outbox/sync-report.js';
import type { TaskRepository } from '../repositories/tasks/task-repository.js';
import type { UpdateTaskInput } from '../repositories/tasks/task-types.js';
import {
  type SimilarTask,
  type SimilarTaskOptions,
  searchSimilarTasks,
} from '../search/search-similar-tasks.js';
import { resolveDataDir } from './data-dir.js';
import type { UnifiedHealth } from './unified-health.js';

export interface UnifiedDatabaseManagerOptions {
  /** `{ databases: { operational, vector, graph } }` (object or JSON text). None: embedded SQLite. */
  readonly config?: unknown;
  /**
   * Bring the operational schema up to date while opening (default `true`). With `false` nothing
   * is created: call `migrate()` yourself; until then every call rejects with
   * `ORCH_INVALID_CONFIG` (`details.reason: 'not-migrated'`) saying so.
   */
  readonly migrate?: boolean;
  /**
   * The migrations `open()` and `migrate()` apply. Default: the built-in ones, which have
   * statements for the `sqlite` and `postgres` dialects; for another dialect pass
   * `withDialectMigrations(name, statements)`.
   */
  readonly migrations?: readonly Migration[];
  /** The clock of task timestamps and of the outbox's retry schedule (tests pin it). Default: the system clock. */
  readonly now?: () => Date;
  /** Directory of the embedded database when no config is given; else `ORCH_DATA_DIR`, else the user data dir. */
  readonly dataDir?: string;
  /** Defaults to `process.env` (for `ORCH_*_URL` overrides and `ORCH_DATA_DIR`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Turns text into vectors; defaults to the lexical {@link HashingEmbedder} (384 dimensions). */
  readonly embedder?: Embedder;
  /** Vector collection holding task embeddings. Default `tasks`. */
  readonly collection?: string;
  /** Metric of that collection. Default `cosine`. */
  readonly metric?: VectorMetric;
  /** Undo and throw when a cross-store write cannot reach every store, instead of leaving it pending. */
  readonly strict?: boolean;
  /** Replay pending cross-store writes in the background while open. Default true. */
  readonly backgroundSync?: boolean;
  /** Poll interval of the background replay, and first retry delay. Default 1000 ms. */
  readonly syncIntervalMs?: number;
  /** Longest delay between retries of one entry. Default 60 000 ms. */
  readonly maxBackoffMs?: number;
}

type Stores = {
  operational: OperationalStore;
  vector: VectorStore | undefined;
  graph: GraphStore | undefined;
};

/**
 * One handle on the operational, vector and graph stores. Opens what the config names (the
 * operational store is required; vector and graph are optional), keeps them consistent through an
 * outbox, and closes them all.
 *
 * @example
 * await using db = await UnifiedDatabaseManager.open({ config: { databases: { operational: { url: 'memory:' }, vector: { url: 'memory:' } } } });
 * const { task, pending } = await db.createTaskWithEmbeddings({ task: { title: 'Plan the release' }, embedding: { text: 'release planning' } });
 */
export class UnifiedDatabaseManager {
  readonly #stores: Stores;
  readonly #openErrors: Partial<Record<StoreKind, OrchError>>;
  readonly #sync: TaskSync;
  readonly #embedder: Embedder;
  readonly #intervalMs: number;
  readonly #migrations: readonly Migration[];
  /** Resolved once the schema is known to be current (only a successful check is kept). */
  #schemaChecked: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #syncing: Promise<SyncReport> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(
    stores: Stores,
    openErrors: Partial<Record<StoreKind, OrchError>>,
    options: UnifiedDatabaseManagerOptions,
    migrated: boolean,
  ) {
    this.#stores = stores;
    this.#openErrors = openErrors;
    this.#embedder = options.embedder ?? new HashingEmbedder();
    this.#intervalMs = options.syncIntervalMs ?? 1000;
    this.#migrations = options.migrations ?? MIGRATIONS;
    if (migrated) this.#schemaChecked = Promise.resolve();
    this.#sync = new TaskSync({
      ...stores,
      collection: options.collection ?? 'tasks',
      metric: options.metric ?? 'cosine',
      embedder: this.#embedder,
      strict: options.strict ?? false,
      backoff: { baseMs: this.#intervalMs, maxMs: options.maxBackoffMs ?? 60_000 },
      now: options.now ?? (() => new Date()),
      ready: () => this.#ready(),
    });
  }

  /**
   * Open the configured stores and (unless `migrate: false`) bring the operational schema up to
   * date. The operational store must open; a vector or graph store that cannot is reported by
   * `health()` and written to later through the outbox.
   */
  static async open(options: UnifiedDatabaseManagerOptions = {}): Promise<UnifiedDatabaseManager> {
    const env = options.env ?? process.env;
    const config = resolveConfig(options, env);
    if (config.adapters.length > 0) await loadAdapters(config.adapters);
    const operational = await createAdapter('operational', config.databases.operational!);
    const migrating = options.migrate ?? true;
    if (migrating) {
      try {
        await migrate(operational, options.migrations ?? MIGRATIONS);
      } catch (err) {
        await operational.close().catch(() => undefined);
        throw err;
      }
    }
    const openErrors: Partial<Record<StoreKind, OrchError>> = {};
    const optional: { vector?: VectorStore; graph?: GraphStore } = {};
    try {
      for (const kind of ['vector', 'graph'] as const) {
        const storeConfig = config.databases[kind];
        if (!storeConfig) continue;
        const store = await createAdapter(kind, storeConfig, { lazy: true });
        (optional as Record<string, unknown>)[kind] = store;
        try {
          await store.connect();
        } catch (err) {
          openErrors[kind] = isOrchError(err)
            ? err
            : new OrchError('ORCH_CONNECTION_FAILED', String(err), { kind, cause: err });
        }
      }
    } catch (err) {
      await Promise.allSettled([operational.close(), optional.vector?.close(), optional.graph?.close()]);
      throw err;
    }
    const manager = new UnifiedDatabaseManager(
      { operational, vector: optional.vector, graph: optional.graph },
      openErrors,
      options,
      migrating,
    );
    if ((options.backgroundSync ?? true) && (optional.vector || optional.graph))
      manager.#schedule(manager.#intervalMs);
    return manager;
  }

  get operational(): OperationalStore {
    return this.#stores.operational;
  }

  get vector(): VectorStore | undefined {
    return this.#stores.vector;
  }

  get graph(): GraphStore | undefined {
    return this.#stores.graph;
  }

  get embedder(): Embedder {
    return this.#embedder;
  }

  /**
   * The task repository of this manager: the full {@link TaskRepository}, whose every write
   * (create, update, status changes, dependencies, delete, cleanup) records outbox entries in its
   * own transaction and then carries the change to the vector and graph stores, exactly like
   * {@link updateTask}. `AsyncRepositoryFactory` over the manager hands out this one.
   */
  get tasks(): TaskRepository {
    return this.#sync.tasks;
  }

  /** Dependency questions: blockers, ready tasks, topological order, critical path, cycles. */
  get dependencies(): TaskDependencies {
    return new TaskDependencies(this.#sync.context);
  }

  /** Apply pending schema migrations to the operational store. Idempotent; `open()` already does it unless `migrate: false`. */
  async migrate(): Promise<MigrationResult> {
    const result = await migrate(this.#stores.operational, this.#migrations);
    this.#schemaChecked = Promise.resolve();
    return result;
  }

  /**
   * Write a task row, its embedding and its graph node and relationships. The row and an outbox
   * entry commit together; the vector and graph writes follow. When one of those stores is down the
   * result lists it in `pending` and the outbox replays it later, unless `strict` is set: then
   * everything written is undone and the call throws.
   */
  createTaskWithEmbeddings(
    input: CreateTaskWithEmbeddingsInput,
    options: { strict?: boolean } = {},
  ): Promise<CrossStoreResult> {
    return this.#sync.createTaskWithEmbeddings(input, options);
  }

  /** Update a task row and carry the change to the vector metadata and graph node. */
  updateTask(
    id: string,
    patch: UpdateTaskInput,
    options: { expectedVersion?: number } = {},
  ): Promise<CrossStoreResult> {
    return this.#sync.updateTask(id, patch, options);
  }

  /** Delete a task (and its subtasks with `force`) everywhere. */
  deleteTask(
    id: string,
    options: { force?: boolean } = {},
  ): Promise<CrossStoreResult & { deleted: string[] }> {
    return this.#sync.deleteTask(id, options);
  }

  /** Replay pending cross-store writes now. `force` ignores the backoff schedule. */
  syncPending(options: { force?: boolean } = {}): Promise<SyncReport> {
    if (this.#syncing) return this.#syncing;
    this.#syncing = this.#sync.syncPending(options).finally(() => {
      this.#syncing = undefined;
    });
    return this.#syncing;
  }

  /** Tasks most similar to a text (embedded with the embedder) or a vector, joined with their rows. */
  async searchSimilarTasks(
    query: string | readonly number[],
    options: SimilarTaskOptions = {},
  ): Promise<SimilarTask[]> {
    await this.#ready();
    return searchSimilarTasks(this.#sync.context, query, options);
  }

  /** Health of every store: `unhealthy` when the operational store is, `degraded` when another is. */
  async health(): Promise<UnifiedHealth> {
    const kinds = (['operational', 'vector', 'graph'] as const).filter((k) => this.#stores[k]);
    const reports = await Promise.all(kinds.map((k) => this.#stores[k]!.health()));
    const stores: Partial<Record<StoreKind, HealthReport>> = {};
    kinds.forEach((k, i) => {
      stores[k] = reports[i]!;
    });
    let pending = 0;
    try {
      pending = await this.#sync.pendingCount();
    } catch {
      // no outbox table yet (before migrate) or the operational store is down: reported above
    }
    const operationalDown = stores.operational?.status !== 'healthy';
    const otherDown = kinds.some((k) => k !== 'operational' && stores[k]?.status !== 'healthy');
    return {
      status: operationalDown ? 'unhealthy' : otherDown ? 'degraded' : 'healthy',
      stores,
      outbox: { pending },
    };
  }

  /** Errors of optional stores that failed to open (they are retried on use). */
  get openErrors(): Readonly<Partial<Record<StoreKind, OrchError>>> {
    return this.#openErrors;
  }

  /** Close every store, even when one fails; then reject with the failures, if any. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.#syncing?.catch(() => undefined);
      const kinds = (['vector', 'graph', 'operational'] as const).filter((k) => this.#stores[k]);
      const results = await Promise.allSettled(kinds.map((k) => this.#stores[k]!.close()));
      const failures = results.flatMap((r, i) =>
        r.status === 'rejected' ? [{ kind: kinds[i]!, error: r.reason as unknown }] : [],
      );
      if (failures.length > 0) {
        throw new OrchError(
          'ORCH_CONNECTION_FAILED',
          `Closed every store, but ${failures.map((f) => `${f.kind} failed: ${redact(String((f.error as Error)?.message ?? f.error))}`).join('; ')}.`,
          { cause: failures[0]!.error, details: { failed: failures.map((f) => f.kind) } },
        );
      }
    })();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The schema check, once per manager: `ORCH_INVALID_CONFIG` ('not-migrated') until `migrate()` ran. */
  #ready(): Promise<void> {
    if (!this.#schemaChecked) {
      const checking = assertMigrated(this.#stores.operational).catch((err: unknown) => {
        if (this.#schemaChecked === checking) this.#schemaChecked = undefined;
        throw err;
      });
      this.#schemaChecked = checking;
    }
    return this.#schemaChecked;
  }

  #schedule(delayMs: number): void {
    if (this.#closing) return;
    this.#timer = setTimeout(async () => {
      let next = this.#intervalMs;
      try {
        const report = await this.syncPending();
        if (report.nextAttemptInMs !== undefined)
          next = Math.max(50, Math.min(report.nextAttemptInMs, this.#intervalMs * 60));
      } catch {
        // The operational store is down or not migrated yet: try again on the next tick.
      }
      this.#schedule(next);
    }, delayMs);
    this.#timer.unref();
  }
}

function resolveConfig(
  options: UnifiedDatabaseManagerOptions,
  env: Readonly<Record<string, string | undefined>>,
): OrchConfig {
  const parsed = parseConfig(options.config, { env });
  if (parsed.databases.operational) return parsed;
  const anyStore = parsed.databases.vector || parsed.databases.graph;
  if (anyStore) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      'Invalid configuration: databases.operational is required when vector or graph stores are configured.',
      {
        details: { issues: [{ path: 'databases.operational', message: 'required' }] },
      },
    );
  }
  // No configuration at all: the three stores share one embedded SQLite file.
  const file = `${resolveDataDir(options.dataDir, env)}/orch.db`;
  const url: StoreConfig = { url: `sqlite:///${file}` };
  return { ...parsed, databases: { operational: url, vector: url, graph: url } };
}
