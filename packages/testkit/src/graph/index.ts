import assert from 'node:assert/strict';
import type { GraphStore } from '@orch/core';
import { suiteContext } from '../common/context.js';
import { registerLifecycleTests } from '../common/lifecycle.js';
import { registerRedactionTests } from '../common/redaction.js';
import { uniqueSuffix } from '../helpers/random.js';
import { type GraphSuiteOptions, namespace } from './context.js';
import { registerEdgeTests } from './edges.js';
import { registerFindNodesTests } from './find-nodes.js';
import { registerIdentifierTests } from './identifiers.js';
import { registerNativeQueryTests } from './native-query.js';
import { registerNeighborTests } from './neighbors.js';
import { registerNodeTests } from './nodes.js';
import { registerPathTests } from './paths.js';
import { registerShortestPathTests } from './shortest-path.js';

export type { GraphSuiteOptions } from './context.js';

/**
 * Register the conformance tests of a {@link GraphStore}: nodes and edges (idempotent,
 * replacing, never dangling), findNodes with paging, getEdges, neighbors (depth, direction,
 * types, ordering), findPaths on fixed and generated graphs (checked against hand-worked answers
 * and a brute-force enumeration), shortestPath, identifier validation, the native query
 * capability, lifecycle and credential redaction.
 *
 * Node ids get a unique prefix per test and labels a unique suffix; every node created is
 * deleted afterwards, so a shared Neo4j server is fine.
 *
 * @example
 * // vitest
 * import { describe, it } from 'vitest';
 * import { createAdapter } from '@orch/core';
 * import { graphSuite } from '@orch/testkit';
 * import '@orch/adapter-neo4j';
 *
 * graphSuite({
 *   name: 'neo4j',
 *   describe,
 *   it,
 *   create: () => createAdapter('graph', process.env.ORCH_TEST_NEO4J_URL ?? 'neo4j://neo4j:password@localhost:7687'),
 * });
 */
export function graphSuite(options: GraphSuiteOptions): void {
  const ctx = suiteContext<GraphStore>('graph', options);
  options.describe(`${options.name}: graph store conformance`, () => {
    registerNodeTests(ctx);
    registerFindNodesTests(ctx);
    registerEdgeTests(ctx);
    registerNeighborTests(ctx);
    registerPathTests(ctx);
    registerShortestPathTests(ctx);
    registerIdentifierTests(ctx);
    registerNativeQueryTests(ctx);
    registerLifecycleTests<GraphStore, { a: string; b: string }>(ctx, {
      prepare: async (scope) => {
        const ns = namespace(scope);
        await ns.seed(['a', 'b'], [{ from: 'a', to: 'b', type: 'T' }]);
        return { a: ns.id('a'), b: ns.id('b') };
      },
      unprepared: () => ({ a: `tk${uniqueSuffix()}:a`, b: `tk${uniqueSuffix()}:b` }),
      probe: async (store, f) => {
        assert.deepEqual(
          (await store.neighbors(f.a)).map((n) => n.id),
          [f.b],
        );
      },
      operations: [
        { name: 'getNode', run: (s, f) => s.getNode(f.a) },
        { name: 'getNodes', run: (s, f) => s.getNodes([f.a]) },
        { name: 'findNodes', run: (s) => s.findNodes({ limit: 1 }) },
        { name: 'upsertNodes', run: (s, f) => s.upsertNodes([{ id: f.a }]) },
        { name: 'upsertEdges', run: (s, f) => s.upsertEdges([{ from: f.a, to: f.b, type: 'T' }]) },
        { name: 'deleteEdges', run: (s, f) => s.deleteEdges([{ from: f.a, to: f.b, type: 'T' }]) },
        { name: 'deleteNodes', run: (s, f) => s.deleteNodes([f.b]) },
        { name: 'getEdges', run: (s, f) => s.getEdges(f.a) },
        { name: 'neighbors', run: (s, f) => s.neighbors(f.a) },
        { name: 'findPaths', run: (s, f) => s.findPaths(f.a, f.b) },
        { name: 'shortestPath', run: (s, f) => s.shortestPath(f.a, f.b) },
        { name: 'query', run: (s) => s.query('RETURN 1 AS one') },
      ],
    });
    registerRedactionTests(ctx, {
      description: 'a traversal from a missing node whose id is a connection URL',
      trigger: ({ store }, text) => store.neighbors(text),
    });
  });
}
