import '@orch/adapter-postgres';
import { createAdapter } from '@orch/core';
import { afterAll } from 'vitest';

/**
 * The PostgreSQL server of the test run (`ORCH_TEST_POSTGRES_URL`, set by `npm test` or this
 * package's vitest global setup). Missing, the PostgreSQL suites fail: they are never skipped.
 */
export function postgresServerUrl(): string {
  const url = process.env.ORCH_TEST_POSTGRES_URL;
  if (!url)
    throw new Error(
      'ORCH_TEST_POSTGRES_URL is not set: run the tests through `pnpm test`, which starts PostgreSQL.',
    );
  return url;
}

/**
 * For a test file: `fresh()` makes an empty schema and returns a URL whose connections use it
 * (`search_path=<schema>,public`; pgvector's type lives in public), so every test starts on an
 * empty database without creating one. The schemas are dropped after the file.
 */
export function postgresSchemas(prefix: string): { fresh(): Promise<string> } {
  const created: string[] = [];
  const file = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  afterAll(async () => {
    if (created.length === 0) return;
    const admin = await createAdapter('operational', postgresServerUrl());
    try {
      for (const schema of created) await admin.execute(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await admin.close();
    }
  });
  return {
    async fresh() {
      const schema = `${file}_${created.length + 1}`.toLowerCase();
      const admin = await createAdapter('operational', postgresServerUrl());
      try {
        await admin.execute(`CREATE SCHEMA ${schema}`);
      } finally {
        await admin.close();
      }
      created.push(schema);
      const url = new URL(postgresServerUrl());
      url.searchParams.set('options', `-c search_path=${schema},public`);
      return url.toString();
    },
  };
}
