import { defineConfig } from 'vitest/config';

// One run over every package, so the suite ends with one summary line. Each project keeps its own
// vitest.config.ts (include patterns, timeouts); `pnpm --filter <pkg> test` runs one alone.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'examples/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
    // Two cores: more workers only make the server-backed suites time out.
    maxWorkers: 2,
  },
});
