import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@orch/adapter-sqlite';
import { createAdapter } from '@orch/core';
import { afterAll } from 'vitest';
import { runRepositoryTests } from './helpers/run-repository-tests.js';

// A new database file per test, all under one temp directory removed at the end.
const dir = mkdtempSync(join(tmpdir(), 'orch-unified-repos-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runRepositoryTests('sqlite (file)', () =>
  createAdapter('operational', `sqlite:///${join(dir, `db-${++n}.sqlite`)}`),
);
