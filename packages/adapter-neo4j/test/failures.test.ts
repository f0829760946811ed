import { createAdapter, type GraphStore, isOrchError } from '@orch/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { ThrowawayNeo4j } from '../../../scripts/servers/throwaway-neo4j.mjs';
import { failure, texts, unique } from './helpers.js';

// Stopping the shared servers would break every other test, so these run on a Neo4j of their own.
describe('server stopped mid-run and restarted (a throwaway Neo4j 5.26)', () => {
  const server = new ThrowawayNeo4j('5');
  let store: GraphStore;
  const ns = unique('fail');
  const id = (s: string) => `${ns}:${s}`;

  beforeAll(async () => {
    await server.start();
    store = await createAdapter('graph', {
      url: `neo4j://127.0.0.1:${server.port}`,
      username: server.user,
      password: server.password,
      // The driver retries a failed transaction for 30 s by default; the test need not wait that long.
      maxTransactionRetryTime: 1_000,
      connectionTimeout: 2_000,
    });
    await store.upsertNodes([{ id: id('a') }, { id: id('b') }]);
    await store.upsertEdges([{ from: id('a'), to: id('b'), type: 'T' }]);
  }, 180_000);
  afterAll(async () => {
    await store?.close();
    await server.dispose();
  }, 60_000);

  it('while it is down: every operation is a retriable ORCH_CONNECTION_FAILED and health() is unhealthy, with no password anywhere', async () => {
    expect((await store.health()).status).toBe('healthy');
    // In flight when the server goes: a slow query and a large upsert (one transaction).
    const slow = failure(
      store.query('UNWIND range(1, 2000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS n'),
    );
    const big = failure(store.upsertNodes(Array.from({ length: 20_000 }, (_, i) => ({ id: id(`big${i}`) }))));
    await new Promise((r) => setTimeout(r, 300));
    await server.stop();
    for (const [what, pending] of [
      ['slow query', slow],
      ['large upsert', big],
    ] as const) {
      const err = await pending;
      expect(isOrchError(err), `${what}: ${String(err)}`).toBe(true);
      expect(err, what).toMatchObject({ code: 'ORCH_CONNECTION_FAILED', retriable: true });
      expect(texts(err), what).not.toContain(server.password);
    }
    const operations: [string, () => Promise<unknown>][] = [
      ['getNode', () => store.getNode(id('a'))],
      ['upsertNodes', () => store.upsertNodes([{ id: id('c') }])],
      ['upsertEdges', () => store.upsertEdges([{ from: id('b'), to: id('a'), type: 'T' }])],
      ['neighbors', () => store.neighbors(id('a'))],
      ['shortestPath', () => store.shortestPath(id('a'), id('b'))],
      ['findNodes', () => store.findNodes({ limit: 1 })],
      ['deleteEdges', () => store.deleteEdges([{ from: id('a'), to: id('b'), type: 'T' }])],
      ['query', () => store.query('RETURN 1 AS one')],
    ];
    for (const [what, run] of operations) {
      const err = await failure(run());
      expect(isOrchError(err), `${what}: ${String(err)}`).toBe(true);
      expect(err, what).toMatchObject({ code: 'ORCH_CONNECTION_FAILED', retriable: true, kind: 'graph' });
      expect((err.details as Record<string, unknown>).driverCode, what).toMatch(
        /^(ServiceUnavailable|SessionExpired)$/,
      );
      expect(texts(err), what).not.toContain(server.password);
    }
    const report = await store.health();
    expect(report.status).toBe('unhealthy');
    expect(report.error?.code).toBe('ORCH_CONNECTION_FAILED');
    expect(texts(report)).not.toContain(server.password);
  }, 120_000);

  it('after a restart on the same port and data: the same store recovers without being recreated', async () => {
    await server.start();
    let recovered = false;
    const started = Date.now();
    while (!recovered && Date.now() - started < 60_000) {
      recovered = (await store.health()).status === 'healthy';
      if (!recovered) await new Promise((r) => setTimeout(r, 250));
    }
    expect(recovered).toBe(true);
    expect(store.closed).toBe(false);
    expect((await store.neighbors(id('a'))).map((n) => n.id)).toEqual([id('b')]);
    expect(
      await store.getNodes([id('big0'), id('big19999')]),
      'the upsert interrupted by the stop wrote nothing (one transaction)',
    ).toEqual([]);
    await store.upsertNodes([{ id: id('c') }]);
    await store.upsertEdges([{ from: id('b'), to: id('c'), type: 'T' }]);
    expect((await store.shortestPath(id('a'), id('c')))?.nodes).toEqual([id('a'), id('b'), id('c')]);
  }, 180_000);

  it('a store whose first connect failed (server down) connects once the server is up', async () => {
    await server.stop();
    const lazy = await createAdapter(
      'graph',
      {
        url: `bolt://127.0.0.1:${server.port}`,
        username: server.user,
        password: server.password,
        maxTransactionRetryTime: 1_000,
      },
      { lazy: true },
    );
    const err = await failure(lazy.connect());
    expect(err).toMatchObject({ code: 'ORCH_CONNECTION_FAILED', retriable: true });
    expect(texts(err)).not.toContain(server.password);
    await server.start();
    await lazy.connect();
    expect(await lazy.getNode(id('a'))).toMatchObject({ id: id('a') });
    await lazy.close();
  }, 180_000);
});
