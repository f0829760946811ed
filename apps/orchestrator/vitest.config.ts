import { defineConfig } from 'vitest/config';

// The end-to-end session also runs with the vector store on the Chroma test server and the graph
// on the Neo4j one: under scripts/test.sh they are running already (ORCH_TEST_CHROMA_URL,
// ORCH_TEST_NEO4J_URL); run alone, the shared setup starts them, and stops what it started.
process.env.ORCH_TEST_SERVERS ??= 'chroma,neo4j:5';

// The tests spawn the built server and CLI (dist/): `pnpm --filter @orch/orchestrator test` builds first.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['../../scripts/servers/vitest-global-setup.mjs'],
  },
});
