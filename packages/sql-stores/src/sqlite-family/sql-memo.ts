/** Decisions remembered per SQL text, at most (then the memory starts over). */
const MAX_REMEMBERED = 1024;

/**
 * What was decided about each SQL text (where it runs, how it plans), bounded: an application
 * that builds SQL text from values would otherwise grow it without end. Starting over costs only
 * re-deciding, so no eviction order is kept.
 *
 * @example
 * const writerOnly = new SqlMemo<true>();
 * writerOnly.set('SELECT last_insert_rowid()', true);
 * writerOnly.get('SELECT last_insert_rowid()'); // true
 */
export class SqlMemo<V> {
  readonly #decisions = new Map<string, V>();

  get(sql: string): V | undefined {
    return this.#decisions.get(sql);
  }

  set(sql: string, value: V): void {
    if (this.#decisions.size >= MAX_REMEMBERED) this.#decisions.clear();
    this.#decisions.set(sql, value);
  }

  clear(): void {
    this.#decisions.clear();
  }
}
