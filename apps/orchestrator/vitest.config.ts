import { defineConfig } from 'vitest/config';

// The tests spawn the built server and CLI (dist/): `pnpm --filter @orch/orchestrator test` builds first.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
