import type { Db } from '../../util/db.js';

/** What every repository concept works with: the database handle and the repository's clock. */
export interface RepositoryContext {
  readonly db: Db;
  /** The current time on the repository's clock, as it is stored (ISO-8601 UTC). */
  stamp(): string;
}

/** A context over `db` whose clock is `now` (default: the system clock). */
export function repositoryContext(db: Db, now: (() => Date) | undefined): RepositoryContext {
  const clock = now ?? (() => new Date());
  return { db, stamp: () => clock().toISOString() };
}
