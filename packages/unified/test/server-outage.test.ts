import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@orch/adapter-chromadb';
import '@orch/adapter-neo4j';
import '@orch/adapter-sqlite';
import { isOrchError } from '@orch/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThrowawayChroma } from '../../../scripts/servers/throwaway-chroma.mjs';
import { ThrowawayNeo4j } from '../../../scripts/servers/throwaway-neo4j.mjs';
import { UnifiedDatabaseManager } from '../src/index.js';

// Chroma and Neo4j stop under a running manager (the operational store embedded) and come back:
// the same manager reports them, keeps every task, and the outbox brings the stores back together.
describe('a manager on Chroma and Neo4j when both servers stop and restart', () => {
  const chroma = new ThrowawayChroma();
  const neo4j = new ThrowawayNeo4j('5');
  const dir = mkdtempSync(join(tmpdir(), 'orch-server-outage-'));
  beforeAll(async () => {
    await Promise.all([chroma.start(), neo4j.start()]);
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled([chroma.dispose(), neo4j.dispose()]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('writes the task, reports what is pending with typed errors, and converges after the restart', async () => {
    const db = await UnifiedDatabaseManager.open({
      config: {
        databases: {
          operational: { url: `sqlite:///${join(dir, 'orch.db')}` },
          vector: { url: `chromadb://127.0.0.1:${chroma.port}`, retries: 0, timeoutMs: 2_000 },
          graph: {
            url: `bolt://127.0.0.1:${neo4j.port}`,
            username: neo4j.user,
            password: neo4j.password,
            connectionTimeout: 2_000,
          },
        },
      },
      env: {},
      backgroundSync: false,
    });
    try {
      await db.createTaskWithEmbeddings({ task: { id: 'a', title: 'Before the outage' } });
      await Promise.all([chroma.stop(), neo4j.stop()]);

      const down = await db.createTaskWithEmbeddings({
        task: { id: 'b', title: 'During the outage' },
        relationships: [{ to: 'a', type: 'depends_on' }],
      });
      expect(down.task.id).toBe('b'); // the task row is committed: nothing is lost
      expect([...down.pending].sort()).toEqual(['graph', 'vector']);
      for (const e of down.errors) expect(['ORCH_CONNECTION_FAILED', 'ORCH_TIMEOUT']).toContain(e.code);
      const read = await db.graph!.getNode('a').catch((e: unknown) => e);
      expect(isOrchError(read)).toBe(true);
      expect((read as { retriable: boolean }).retriable).toBe(true);
      const health = await db.health();
      expect(health.status).toBe('degraded');
      expect(health.stores.vector?.status).toBe('unhealthy');
      expect(health.stores.graph?.status).toBe('unhealthy');
      expect(health.outbox.pending).toBeGreaterThan(0);
      expect(JSON.stringify(health)).not.toContain(neo4j.password);
      expect(JSON.stringify(down.errors)).not.toContain(neo4j.password);

      await Promise.all([chroma.start(), neo4j.start()]);
      await db.syncPending({ force: true });
      expect((await db.health()).outbox.pending).toBe(0);
      expect((await db.vector!.get('tasks', ['a', 'b'])).map((r) => r.id).sort()).toEqual(['a', 'b']);
      expect(await db.vector!.count('tasks')).toBe(2); // nothing duplicated
      expect((await db.graph!.getEdges('b', { direction: 'out' })).map((e) => `${e.from}->${e.to}`)).toEqual([
        'b->a',
      ]);
      expect((await db.graph!.findNodes({ label: 'Task' })).map((n) => n.id).sort()).toEqual(['a', 'b']);
      expect((await db.health()).status).toBe('healthy');
    } finally {
      await db.close();
    }
  }, 240_000);
});
