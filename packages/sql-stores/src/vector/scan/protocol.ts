// Messages between the vector store and its scan worker (plain data: structured clone). Types
// only, so the worker's start-up loads nothing for them.

import type { ConnectionSettings } from '../../sqlite-family/driver.js';

/** What the scan worker needs to open its own read connection to the store's file. */
export interface ScanWorkerInit {
  /** URL of the module exporting the engine's `driver` (a `SqliteDriver`). */
  readonly driverModule: string;
  readonly settings: ConnectionSettings;
}

/** One exact top-k query. */
export interface ScanRequest {
  readonly id: number;
  /** The collection's records table and its change table. */
  readonly table: string;
  readonly changes: string;
  readonly dimension: number;
  readonly metric: 'cosine' | 'l2' | 'ip';
  /** The query vector (float32, as the engine compares it) and its norm. */
  readonly vector: Float32Array;
  readonly norm: number;
  readonly topK: number;
  /** The WHERE expression over `r.metadata` selecting the candidate rows, or null for all. */
  readonly filter: { readonly sql: string; readonly params: readonly unknown[] } | null;
  /** The engine's distance expression over `r.vector` / `r.norm`, exactly as the SQL path ranks. */
  readonly distance: { readonly sql: string; readonly params: readonly unknown[] };
  /** Extra columns of the result rows (`, r.vector, r.metadata, r.document` or part of it). */
  readonly projection: string;
  /**
   * Answer an unfiltered query from an HNSW graph of the collection (built on first use, kept in
   * step with the cache) once it holds at least `minRecords` records; null: always exact.
   */
  readonly hnsw: { readonly minRecords: number } | null;
}

/** Rows as the SQL path returns them: id, distance and the projected columns. */
export type ScanRow = Record<string, unknown>;

export type ScanReply =
  | { readonly id: number; readonly rows: ScanRow[] }
  | { readonly id: number; readonly error: string; readonly missingTable: boolean }
  /** The worker cannot scan here (the SIMD library did not load): use the SQL path. */
  | { readonly id: number; readonly unavailable: string };
