import { defineConfig } from 'vitest/config';

// The end-to-end session also runs with the vector store on the Chroma test server: under
// scripts/test.sh it is running already (ORCH_TEST_CHROMA_URL); run alone, the shared setup starts
// it, and stops it afterwards if it started it.
process.env.ORCH_TEST_SERVERS ??= 'chroma';

// The tests spawn the built server and CLI (dist/): `pnpm --filter @orch/orchestrator test` builds first.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['../../scripts/servers/vitest-global-setup.mjs'],
  },
});
