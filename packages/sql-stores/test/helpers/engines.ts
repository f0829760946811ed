import type { SqlStoreBase } from '@orch/core';
import { libsqlVectorFunctions, sqliteVecFunctions, type VectorFunctions } from '../../src/index.js';
import { BetterSqliteTestStore, LibsqlTestStore } from './drivers.js';

/** The engines every test runs on: each driver with its own vector functions. */
export interface Engine {
  readonly name: string;
  readonly scheme: string;
  readonly functions: VectorFunctions;
  open(path?: string): SqlStoreBase;
}

export const engines: readonly Engine[] = [
  {
    name: 'better-sqlite3 + sqlite-vec',
    scheme: 'sqlite',
    functions: sqliteVecFunctions,
    open: (path) => new BetterSqliteTestStore(path),
  },
  {
    name: 'libsql',
    scheme: 'libsql',
    functions: libsqlVectorFunctions,
    open: (path) => new LibsqlTestStore(path),
  },
];
