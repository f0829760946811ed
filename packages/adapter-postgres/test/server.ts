/**
 * The PostgreSQL server the tests use: `ORCH_TEST_POSTGRES_URL`, set by `npm test` or by this
 * package's vitest global setup (scripts/servers/postgres.sh). A missing server fails the tests;
 * they are never skipped.
 */
export function serverUrl(): string {
  const url = process.env.ORCH_TEST_POSTGRES_URL;
  if (!url)
    throw new Error(
      'ORCH_TEST_POSTGRES_URL is not set: run the tests through `pnpm test` (it starts PostgreSQL).',
    );
  return url;
}

/** `ORCH_TEST_POSTGRES_PASSWORD_URL`: a role that must authenticate with a password over TCP. */
export function passwordUrl(): string {
  const url = process.env.ORCH_TEST_POSTGRES_PASSWORD_URL;
  if (!url)
    throw new Error(
      'ORCH_TEST_POSTGRES_PASSWORD_URL is not set: run the tests through `pnpm test` (it starts PostgreSQL).',
    );
  return url;
}
