import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphSuite, vectorSuite } from '@orch/testkit';
import { afterAll, describe, it } from 'vitest';
import { SqlGraphStore, SqlVectorStore } from '../src/index.js';
import { engines } from './helpers/engines.js';

const dir = mkdtempSync(join(tmpdir(), 'orch-sql-stores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const engine of engines) {
  // One database file per engine, as the adapters use it: every store opens its own connection
  // to it and owns (closes) that connection; the suites use unique names and clean up.
  const file = join(dir, `${engine.scheme}.db`);
  vectorSuite({
    name: `sql-stores vector on ${engine.name}`,
    describe,
    it,
    create: async () =>
      new SqlVectorStore({
        executor: engine.open(file),
        scheme: engine.scheme,
        functions: engine.functions,
        ownsExecutor: true,
      }),
  });
  graphSuite({
    name: `sql-stores graph on ${engine.name}`,
    describe,
    it,
    create: async () =>
      new SqlGraphStore({ executor: engine.open(file), scheme: engine.scheme, ownsExecutor: true }),
  });
}
