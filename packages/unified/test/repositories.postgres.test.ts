import { createAdapter } from '@orch/core';
import { postgresSchemas } from './helpers/postgres-schemas.js';
import { runRepositoryTests } from './helpers/run-repository-tests.js';

// The same repository suite, unchanged, on PostgreSQL: a fresh schema per test.
const schemas = postgresSchemas('orch_repos');

runRepositoryTests('postgres', async () => createAdapter('operational', await schemas.fresh()));
