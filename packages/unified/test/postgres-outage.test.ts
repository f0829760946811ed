import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@orch/adapter-postgres';
import '@orch/adapter-sqlite';
import { isOrchError } from '@orch/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createThrowawayCluster,
  type ThrowawayCluster,
} from '../../../scripts/servers/throwaway-postgres.mjs';
import { UnifiedDatabaseManager } from '../src/index.js';

// The PostgreSQL server goes away under a running manager (operational and vector on it, the graph
// on an embedded file) and comes back: the same manager recovers and the stores agree again.
describe('a manager on PostgreSQL when the server stops and restarts', () => {
  let cluster: ThrowawayCluster;
  const dir = mkdtempSync(join(tmpdir(), 'orch-pg-outage-'));
  beforeAll(async () => {
    cluster = await createThrowawayCluster();
  }, 60_000);
  afterAll(() => {
    cluster?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives typed retriable errors and an unhealthy health() while down, then recovers without being recreated', async () => {
    const db = await UnifiedDatabaseManager.open({
      config: {
        databases: {
          operational: { url: cluster.url, connectionTimeoutMs: 2_000 },
          vector: { url: cluster.url, connectionTimeoutMs: 2_000 },
          graph: { url: `sqlite:///${join(dir, 'graph.db')}` },
        },
      },
      env: {},
      backgroundSync: false,
    });
    try {
      const { task: before } = await db.createTaskWithEmbeddings({
        task: { id: 'before', title: 'Before the outage' },
      });
      expect(before.id).toBe('before');

      cluster.stop();
      const err = await db
        .createTaskWithEmbeddings({ task: { id: 'during', title: 'During' } })
        .catch((e: unknown) => e);
      expect(isOrchError(err, 'ORCH_CONNECTION_FAILED')).toBe(true);
      expect((err as { retriable: boolean }).retriable).toBe(true);
      const read = await db.tasks.get('before').catch((e: unknown) => e);
      expect(isOrchError(read, 'ORCH_CONNECTION_FAILED')).toBe(true);
      const health = await db.health();
      expect(health.status).toBe('unhealthy');
      expect(health.stores.operational?.status).toBe('unhealthy');
      expect(JSON.stringify(health)).not.toContain(cluster.password);
      expect(String((err as Error).message)).not.toContain(cluster.password);

      cluster.start();
      const { task: after, pending } = await db.createTaskWithEmbeddings({
        task: { id: 'after', title: 'After the outage' },
        relationships: [{ to: 'before', type: 'depends_on' }],
      });
      expect(after.id).toBe('after');
      expect(pending).toEqual([]);
      await db.syncPending({ force: true });
      expect((await db.health()).status).toBe('healthy');
      const rows = await db.operational.query<{ id: string }>('SELECT id FROM tasks ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual(['after', 'before']); // nothing half-written from the failed call
      expect((await db.vector!.get('tasks', ['after', 'before', 'during'])).map((r) => r.id).sort()).toEqual([
        'after',
        'before',
      ]);
      expect((await db.graph!.getEdges('after', { direction: 'out' })).map((e) => e.to)).toEqual(['before']);
      expect(await db.graph!.getNode('during')).toBeNull();
    } finally {
      await db.close();
    }
  }, 90_000);
});
