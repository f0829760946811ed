import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@orch/adapter-memory';
import '@orch/adapter-sqlite';
import type { GraphStore, VectorStore } from '@orch/core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { UnifiedDatabaseManager, type UnifiedDatabaseManagerOptions } from '../../src/index.js';
import { type Fault, fault, registerFaultyAdapter } from './faulty-adapter.js';
import { pineconeIndexes } from './pinecone-indexes.js';
import { postgresSchemas } from './postgres-schemas.js';
import { serverStores } from './server-stores.js';

/**
 * The backends cross-store suites run on: the in-memory stores; one embedded SQLite file per
 * manager; PostgreSQL (a fresh schema per manager) with pgvector, the graph on an embedded SQLite
 * file; `servers`: the operational store embedded, vectors on Chroma, the graph on Neo4j; and
 * `pinecone`: vectors through the official Pinecone client on the local emulator (an index per
 * manager), the rest embedded.
 */
export const BACKENDS = ['memory', 'sqlite', 'postgres', 'servers', 'pinecone'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface FaultyManager {
  readonly m: UnifiedDatabaseManager;
  readonly vectorFault: Fault;
  readonly graphFault: Fault;
  /** The stores behind the faults, for checking what really reached them. */
  readonly vector: VectorStore;
  readonly graph: GraphStore;
}

/**
 * For a test file: opens managers whose vector and graph stores sit behind controllable faults,
 * closes them after each test and removes the database files after the file.
 */
export function faultyManagers(
  prefix: string,
): (backend: Backend, options?: Partial<UnifiedDatabaseManagerOptions>) => Promise<FaultyManager> {
  const dir = mkdtempSync(join(tmpdir(), `orch-${prefix}-`));
  const schemas = postgresSchemas(`orch_${prefix.replace(/[^a-z0-9]/gi, '_')}`);
  const servers = serverStores(`orch_${prefix.replace(/[^a-z0-9]/gi, '_')}`);
  const pinecone = pineconeIndexes(prefix);
  let open: UnifiedDatabaseManager[] = [];
  let seq = 0;
  beforeAll(() => registerFaultyAdapter());
  afterEach(async () => {
    await Promise.allSettled(open.map((m) => m.close()));
    open = [];
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return async (backend, options = {}) => {
    const name = `${prefix}-${backend}-${++seq}`;
    const file = `sqlite:///${join(dir, `${name}.db`)}`;
    const url = backend === 'memory' ? 'memory:' : backend === 'postgres' ? await schemas.fresh() : file;
    const vectorUrl =
      backend === 'servers'
        ? await servers.vectorUrl()
        : backend === 'pinecone'
          ? await pinecone.indexUrl()
          : url;
    const graphUrl = backend === 'postgres' ? file : backend === 'servers' ? await servers.graphUrl() : url;
    const m = await UnifiedDatabaseManager.open({
      config: {
        databases: {
          operational: { url },
          vector: { url: `faulty://${name}?inner=${encodeURIComponent(vectorUrl)}` },
          graph: { url: `faulty://${name}?inner=${encodeURIComponent(graphUrl)}` },
        },
      },
      env: {},
      backgroundSync: false,
      syncIntervalMs: 20,
      ...options,
    });
    open.push(m);
    const vectorFault = fault(`${name}:vector`);
    const graphFault = fault(`${name}:graph`);
    return {
      m,
      vectorFault,
      graphFault,
      vector: vectorFault.inner as VectorStore,
      graph: graphFault.inner as GraphStore,
    };
  };
}
