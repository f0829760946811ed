import { describe } from 'vitest';
import { factoryTests } from './factory-tests.js';
import type { CreateStore } from './repository-context.js';
import { sessionRepositoryTests } from './session-repository-tests.js';
import { specialistRepositoryTests } from './specialist-repository-tests.js';
import { taskRepositoryTests } from './task-repository-tests.js';
import { wellFormedTextTests } from './well-formed-text-tests.js';

export type { CreateStore } from './repository-context.js';

/**
 * Every repository test, against stores made by `createStore` (a fresh, empty store per test;
 * the suite migrates and closes it). Call it once per backend.
 *
 * @example
 * runRepositoryTests('memory', () => createAdapter('operational', 'memory:'));
 */
export function runRepositoryTests(name: string, createStore: CreateStore): void {
  describe(`repositories on ${name}`, () => {
    taskRepositoryTests(createStore);
    sessionRepositoryTests(createStore);
    specialistRepositoryTests(createStore);
    factoryTests(createStore);
    wellFormedTextTests(createStore);
  });
}
