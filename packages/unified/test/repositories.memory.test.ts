import '@orch/adapter-memory';
import { createAdapter } from '@orch/core';
import { runRepositoryTests } from './helpers/run-repository-tests.js';

runRepositoryTests('memory', () => createAdapter('operational', 'memory:'));
