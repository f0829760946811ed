import { createAdapter } from '@orch/core';
import { graphSuite } from '@orch/testkit';
import { describe, it } from 'vitest';
import '../src/index.js';
import { LINES, neo4jLine, storeConfig } from './helpers.js';

// Every graph conformance test against both Neo4j lines the project supports: nodes and edges,
// findNodes paging, neighbors, findPaths (hand-checked and brute-force), shortestPath, identifier
// validation, native Cypher, lifecycle and credential redaction.
for (const { name } of LINES) {
  graphSuite({
    name: `neo4j ${name} (server)`,
    create: () => createAdapter('graph', storeConfig(neo4jLine(name))),
    createFromUrl: (url) => createAdapter('graph', url),
    // A user that does not exist: a refused password must not lock out the shared `neo4j` user
    // (Neo4j locks a user for a few seconds after repeated failures).
    createWithPassword: (password) =>
      createAdapter('graph', { ...storeConfig(neo4jLine(name)), username: 'orch_testkit_nobody', password }),
    describe,
    it,
  });
}
