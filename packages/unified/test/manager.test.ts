import '@orch/adapter-memory';
import {
  createAdapter,
  isOrchError,
  type OperationalStore,
  type OrchError,
  type SqlValue,
  type VectorStore,
} from '@orch/core';
import { AdapterBase, KNOWN_ADAPTER_PACKAGES, registerAdapter } from '@orch/core/adapter-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AsyncRepositoryFactory,
  MIGRATIONS,
  migrate,
  migrationDialects,
  SqlTaskRepository,
  schemaVersion,
  UnifiedDatabaseManager,
  withDialectMigrations,
} from '../src/index.js';
import { fault, registerFaultyAdapter } from './helpers/faulty-adapter.js';

class UnreachableVectorStore extends AdapterBase {
  readonly kind = 'vector' as const;
  readonly scheme = 'unreachable';
  protected async doConnect(): Promise<void> {
    throw new Error('connect ECONNREFUSED 127.0.0.1:9 (password hunter22x)');
  }
  protected async doClose() {}
  protected async doHealth() {
    return {};
  }
}

beforeAll(() => {
  registerFaultyAdapter();
  registerAdapter({
    name: 'manager-test-unreachable',
    schemes: ['unreachable'],
    kind: 'vector',
    create: () => new UnreachableVectorStore(),
  });
  registerAdapter({
    name: 'manager-test-brokenclose',
    schemes: ['brokenclose'],
    kind: 'graph',
    async create() {
      const inner = await createAdapter('graph', 'memory:', { lazy: true });
      return Object.assign(Object.create(inner), {
        close: async () => {
          await inner.close();
          throw new Error('disk on fire');
        },
      });
    },
  });
});

const memoryConfig = {
  databases: { operational: { url: 'memory:' }, vector: { url: 'memory:' }, graph: { url: 'memory:' } },
};

describe('UnifiedDatabaseManager', () => {
  it("opens the seed's config shape and reports every store healthy", async () => {
    await using m = await UnifiedDatabaseManager.open({ config: memoryConfig, env: {} });
    const health = await m.health();
    expect(health.status).toBe('healthy');
    expect(Object.keys(health.stores).sort()).toEqual(['graph', 'operational', 'vector']);
    expect(health.stores.operational?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('lets environment variables override URLs', async () => {
    await using m = await UnifiedDatabaseManager.open({
      config: { databases: { operational: { url: 'sqlite:///never-used.db' } } },
      env: { ORCH_OPERATIONAL_URL: 'memory:' },
    });
    expect(m.operational.scheme).toBe('memory');
    expect(m.vector).toBeUndefined();
  });

  it('reports a store that failed to open, with its error, as degraded (never swallowed)', async () => {
    await using m = await UnifiedDatabaseManager.open({
      config: {
        databases: { operational: { url: 'memory:' }, vector: { url: 'unreachable://u:hunter22x@h' } },
      },
      env: {},
    });
    expect(m.openErrors.vector?.code).toBe('ORCH_CONNECTION_FAILED');
    const health = await m.health();
    expect(health.status).toBe('degraded');
    expect(health.stores.vector).toMatchObject({
      status: 'unhealthy',
      error: { code: 'ORCH_CONNECTION_FAILED' },
    });
    expect(JSON.stringify(health)).not.toContain('hunter22x');
    expect(health.stores.vector?.error?.message).toContain('ECONNREFUSED');
  });

  it('is unhealthy when the operational store is', async () => {
    const m = await UnifiedDatabaseManager.open({ config: memoryConfig, env: {} });
    await m.operational.close();
    expect((await m.health()).status).toBe('unhealthy');
    await m.close();
  });

  it('is degraded while a vector store is down', async () => {
    await using m = await UnifiedDatabaseManager.open({
      config: { databases: { operational: { url: 'memory:' }, vector: { url: 'faulty://health' } } },
      env: {},
      backgroundSync: false,
    });
    fault('health:vector').down();
    expect((await m.health()).status).toBe('degraded');
    fault('health:vector').up();
    expect((await m.health()).status).toBe('healthy');
  });

  it('closes every store even when one fails, then reports the failure', async () => {
    const m = await UnifiedDatabaseManager.open({
      config: {
        databases: {
          operational: { url: 'memory:' },
          vector: { url: 'memory:' },
          graph: { url: 'brokenclose:' },
        },
      },
      env: {},
    });
    const vector = m.vector as VectorStore;
    const err = await m.close().catch((e: unknown) => e);
    expect(isOrchError(err)).toBe(true);
    expect((err as Error).message).toContain('graph failed: disk on fire');
    expect(m.operational.closed).toBe(true);
    expect(vector.closed).toBe(true);
  });

  it('requires an operational store when others are configured, and names the field', async () => {
    const err = await UnifiedDatabaseManager.open({
      config: { databases: { vector: { url: 'memory:' } } },
      env: {},
    }).catch((e: unknown) => e);
    expect(isOrchError(err, 'ORCH_INVALID_CONFIG')).toBe(true);
    expect((err as Error).message).toContain('databases.operational');
  });

  it('refuses a scheme whose adapter is not installed, naming the package to install', async () => {
    // Every known adapter package is in this workspace, so a scheme is mapped to one that is not
    // installed anywhere: what a user sees before `npm install @orch/adapter-neo4j`.
    const known = KNOWN_ADAPTER_PACKAGES as Record<string, string>;
    known['graphdb-test'] = '@orch/adapter-not-installed';
    try {
      const err = await UnifiedDatabaseManager.open({
        config: {
          databases: {
            operational: { url: 'memory:' },
            graph: { url: 'graphdb-test://neo4j:pw-in-url@localhost:7687' },
          },
        },
        env: {},
      }).catch((e: unknown) => e);
      expect(isOrchError(err, 'ORCH_ADAPTER_NOT_FOUND')).toBe(true);
      expect((err as Error).message).toContain('npm install @orch/adapter-not-installed');
      expect((err as Error).message).not.toContain('pw-in-url');
    } finally {
      delete known['graphdb-test'];
    }
  });

  it('migrates idempotently and records the version', async () => {
    await using m = await UnifiedDatabaseManager.open({ config: memoryConfig, env: {}, migrate: false });
    expect((await m.migrate()).applied).toEqual([1]);
    expect(await m.migrate()).toEqual({ applied: [], version: 1 });
    const rows = await m.operational.query<{ id: number; name: string }>(
      'SELECT id, name FROM orch_migrations',
    );
    expect(rows).toEqual([{ id: 1, name: 'core-schema' }]);
  });

  it('migrates while opening, so the first write just works', async () => {
    await using m = await UnifiedDatabaseManager.open({ config: memoryConfig, env: {} });
    const { task, pending } = await m.createTaskWithEmbeddings({ task: { title: 'x' } });
    expect(pending).toEqual([]);
    expect((await m.tasks.get(task.id))?.title).toBe('x');
    expect(await m.migrate()).toEqual({ applied: [], version: 1 });
  });

  it('with migrate: false, creates nothing and says to call migrate() until it ran', async () => {
    await using m = await UnifiedDatabaseManager.open({ config: memoryConfig, env: {}, migrate: false });
    const calls: [string, () => Promise<unknown>][] = [
      ['createTaskWithEmbeddings', () => m.createTaskWithEmbeddings({ task: { title: 'x' } })],
      ['updateTask', () => m.updateTask('t', { title: 'y' })],
      ['tasks.create', () => m.tasks.create({ title: 'x' })],
      ['tasks.get', () => m.tasks.get('t')],
      ['searchSimilarTasks', () => m.searchSimilarTasks('x')],
      ['syncPending', () => m.syncPending()],
      ['a repository on the bare store', () => new SqlTaskRepository(m.operational).query()],
      ['the factory', () => new AsyncRepositoryFactory(m).createTaskRepository()],
    ];
    for (const [what, call] of calls) {
      const err = await call().catch((e: unknown) => e);
      expect(isOrchError(err, 'ORCH_INVALID_CONFIG'), `${what}: ${String(err)}`).toBe(true);
      expect((err as OrchError).message, what).toContain('migrate()');
      expect((err as OrchError).details, what).toMatchObject({
        reason: 'not-migrated',
        schemaVersion: 0,
        requiredSchemaVersion: 1,
      });
    }
    // Nothing was created behind the caller's back, not even the migrations table.
    expect(await schemaVersion(m.operational)).toBe(0);
    await m.migrate();
    const { task } = await m.createTaskWithEmbeddings({ task: { title: 'x' } });
    expect((await m.tasks.get(task.id))?.title).toBe('x');
  });

  it('refuses a dialect it has no migrations for, naming the ones it has', async () => {
    const store = await createAdapter('operational', 'memory:');
    // The same engine under another dialect name, as a third-party adapter would report it.
    const mysqlish = {
      dialect: { ...store.dialect, name: 'mysql' },
      query: (sql: string, params?: readonly SqlValue[]) => store.query(sql, params),
      execute: (sql: string, params?: readonly SqlValue[]) => store.execute(sql, params),
      transaction: store.transaction.bind(store),
    } as unknown as OperationalStore;
    const err = await migrate(mysqlish).catch((e: unknown) => e);
    expect(isOrchError(err, 'ORCH_UNSUPPORTED')).toBe(true);
    expect((err as OrchError).message).toContain('"mysql"');
    expect((err as OrchError).details).toMatchObject({ dialect: 'mysql', dialects: ['sqlite', 'postgres'] });
    expect(migrationDialects()).toEqual(['sqlite', 'postgres']);
    // With statements for that dialect name, the same store migrates.
    const withMysql = withDialectMigrations('mysql', { 1: MIGRATIONS[0]!.up.sqlite! });
    expect((await migrate(mysqlish, withMysql)).version).toBe(1);
    await store.close();
  });
});
