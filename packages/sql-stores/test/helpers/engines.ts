import { libsqlVectorFunctions, sqliteVecFunctions, type VectorFunctions } from '../../src/index.js';
import {
  embeddedSettings,
  type ResolvableOptions,
  SqliteFamilyStore,
} from '../../src/sqlite-family/index.js';

/** The engines every test runs on: each driver with its own vector functions. */
export interface Engine {
  readonly name: string;
  readonly scheme: string;
  readonly functions: VectorFunctions;
  /** The engine package (`better-sqlite3`, `libsql`). */
  readonly driver: string;
  /** An unconnected operational store on `path` (default `:memory:`), inline unless `worker`. */
  open(path?: string, options?: ResolvableOptions): SqliteFamilyStore;
}

/** The test driver module for an engine, as worker threads load it. */
export const driverModule = (engine: string) => new URL(`../fixtures/${engine}-driver.mjs`, import.meta.url);

async function engine(name: string, scheme: string, functions: VectorFunctions): Promise<Engine> {
  const module = driverModule(name);
  const { driver } = (await import(module.href)) as typeof import('../fixtures/libsql-driver.mjs');
  return {
    name: name === 'libsql' ? 'libsql' : 'better-sqlite3 + sqlite-vec',
    driver: name,
    scheme,
    functions,
    open: (path = ':memory:', options = {}) =>
      new SqliteFamilyStore({
        driver,
        driverModule: module,
        settings: embeddedSettings(path, { worker: false, ...options }),
        scheme,
      }),
  };
}

export const engines: readonly Engine[] = [
  await engine('better-sqlite3', 'sqlite', sqliteVecFunctions),
  await engine('libsql', 'libsql', libsqlVectorFunctions),
];
