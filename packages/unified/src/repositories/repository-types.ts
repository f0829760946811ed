/** A JSON object as stored in the `metadata`, `payload` and similar columns. */
export type JsonObject = Record<string, unknown>;

/** One page of a list or query: the items, and how many match in all (ignoring limit/offset). */
export interface Page<T> {
  readonly items: T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/** Paging of list calls: `limit` 1..10000 (default 100), `offset` ≥ 0 (default 0). */
export interface PageOptions {
  readonly limit?: number;
  readonly offset?: number;
}

/** Optimistic concurrency for an update: fail with `ORCH_CONFLICT` unless the row is still at this version. */
export interface VersionOptions {
  readonly expectedVersion?: number;
}

/** Options every SQL repository accepts. Constructing a repository does no I/O. */
export interface RepositoryOptions {
  /** The clock used for timestamps (tests pin it). Defaults to `new Date()`. */
  readonly now?: () => Date;
}
