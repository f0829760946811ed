// Kept free of @orch/core imports: the worker thread loads this file.

/**
 * A bounded least-recently-used cache of prepared statements, one per connection. The same SQL
 * twice in a row (point reads, executeMany) skips the LRU bookkeeping.
 */
export class StatementCache<S> {
  readonly #cache = new Map<string, S>();
  readonly #size: number;
  readonly #prepare: (sql: string) => S;
  #lastSql: string | undefined;
  #lastStatement: S | undefined;

  constructor(size: number, prepare: (sql: string) => S) {
    this.#size = Math.max(1, size);
    this.#prepare = prepare;
  }

  get(sql: string): S {
    if (sql === this.#lastSql) return this.#lastStatement!;
    const statement = this.#lookup(sql);
    this.#lastSql = sql;
    this.#lastStatement = statement;
    return statement;
  }

  clear(): void {
    this.#cache.clear();
    this.#lastSql = undefined;
    this.#lastStatement = undefined;
  }

  #lookup(sql: string): S {
    const cache = this.#cache;
    const hit = cache.get(sql);
    if (hit !== undefined) {
      // Re-inserting keeps Map order = recency order, so the first key is the LRU victim.
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const statement = this.#prepare(sql);
    if (cache.size >= this.#size) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
      if (oldest === this.#lastSql) this.#lastSql = undefined;
    }
    cache.set(sql, statement);
    return statement;
  }
}
