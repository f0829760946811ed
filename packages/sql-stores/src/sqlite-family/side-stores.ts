import type { OperationalStore, StoreKind } from '@orch/core';
import { OrchError } from '@orch/core/adapter-kit';
import { SqlGraphStore } from '../graph/sql-graph-store.js';
import type { ExactScanOptions } from '../vector/scan/scanner.js';
import { SqlVectorStore } from '../vector/sql-vector-store.js';
import type { VectorFunctions } from '../vector/vector-functions.js';
import { leaseStore } from './lease.js';

/** Input of {@link createSideStore}. */
export interface SideStoreInit {
  readonly kind: 'vector' | 'graph';
  readonly scheme: string;
  /** The engine's vector SQL (vector kind). */
  readonly functions: VectorFunctions;
  readonly tablePrefix?: string | undefined;
  /** Build and use the engine's approximate index (vector kind). */
  readonly approximateIndex?: boolean;
  /**
   * The database the store shares with the other stores of the same file (see `leaseStore`), and
   * its engine key (see `engineKeyOf`): the store's calls inside a transaction of the file's
   * operational store join it. `undefined`: a connection of its own.
   */
  readonly shareKey: string | undefined;
  /**
   * Vector kind, files only: run exact queries in a scan worker with its own read connection,
   * opened with this driver module and these settings (see `SqlVectorStoreOptions.exactScan`).
   */
  readonly exactScan?: ExactScanOptions | undefined;
  /** Open (unconnected) the operational store the vector or graph store runs on. */
  readonly open: () => OperationalStore;
}

/**
 * A vector or graph store of a SQLite-family adapter: its tables live beside the application's,
 * it runs every statement on the operational store of its database (shared per file with the
 * other stores of that file), and it closes its lease on `close()`.
 *
 * @example
 * createSideStore({ kind: 'graph', scheme: 'sqlite', functions: sqliteVecFunctions, shareKey, open });
 */
export function createSideStore(init: SideStoreInit): SqlVectorStore | SqlGraphStore {
  const executor = () => leaseStore(init.shareKey, init.open);
  const tablePrefix = init.tablePrefix === undefined ? {} : { tablePrefix: init.tablePrefix };
  if (init.kind === 'vector') {
    return new SqlVectorStore({
      executor,
      scheme: init.scheme,
      functions: init.functions,
      ownsExecutor: true,
      engineKey: init.shareKey,
      approximateIndex: init.approximateIndex === true,
      ...(init.exactScan ? { exactScan: init.exactScan } : {}),
      ...tablePrefix,
    });
  }
  return new SqlGraphStore({
    executor,
    scheme: init.scheme,
    ownsExecutor: true,
    engineKey: init.shareKey,
    ...tablePrefix,
  });
}

/** Vector and graph stores run on a URL: an injected client serves the operational kind only. */
export function rejectInjectedClient(kind: StoreKind, client: unknown, urlHint: string): void {
  if (client === undefined) return;
  throw new OrchError(
    'ORCH_INVALID_CONFIG',
    `An injected client is supported for the operational kind only; give the ${kind} store ${urlHint}.`,
    { kind },
  );
}
