import '@orch/adapter-chromadb';
import '@orch/adapter-neo4j';
import { createAdapter } from '@orch/core';
import { afterAll, beforeAll } from 'vitest';
import { ThrowawayNeo4j } from '../../../../scripts/servers/throwaway-neo4j.mjs';

/**
 * The server stores the cross-store suites run on: Chroma (the shared test server, a fresh
 * database per manager, so every manager's `tasks` collection is its own) and Neo4j (a private
 * server for the test file, emptied before each manager: one Neo4j database cannot be split, and
 * the shared servers serve other suites at the same time). Missing servers fail the tests.
 */
export function serverStores(prefix: string): { vectorUrl(): Promise<string>; graphUrl(): Promise<string> } {
  let neo4j: ThrowawayNeo4j | undefined;
  let databases = 0;
  // Started before the file's tests, under its own timeout: a Neo4j start takes 15-20 s, more
  // while other suites start theirs, which must not count against the first test's 30 s.
  beforeAll(async () => {
    neo4j = new ThrowawayNeo4j('5');
    await neo4j.start();
  }, 180_000);
  afterAll(async () => {
    await neo4j?.dispose();
  }, 60_000);
  return {
    async vectorUrl() {
      const base = process.env.ORCH_TEST_CHROMA_URL;
      if (!base)
        throw new Error(
          'ORCH_TEST_CHROMA_URL is not set: run the tests through `pnpm test`, which starts Chroma.',
        );
      const name = `${prefix}_${process.pid}_${++databases}_${Math.random().toString(36).slice(2, 8)}`;
      const created = await fetch(`${base}/api/v2/tenants/default_tenant/databases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      if (!created.ok)
        throw new Error(
          `Chroma refused to create database ${name}: ${created.status} ${await created.text()}`,
        );
      return `chromadb://${new URL(base).host}/default_tenant/${name}`;
    },
    async graphUrl() {
      if (!neo4j) throw new Error("the test file's Neo4j server did not start (see beforeAll)");
      const url = `bolt://${encodeURIComponent(neo4j.user)}:${encodeURIComponent(neo4j.password)}@127.0.0.1:${neo4j.port}`;
      const graph = await createAdapter('graph', url);
      try {
        await graph.query('MATCH (n) DETACH DELETE n');
      } finally {
        await graph.close();
      }
      return url;
    },
  };
}
