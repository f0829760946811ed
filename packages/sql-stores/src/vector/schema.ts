/** Names of the vector store's tables, derived from a validated prefix. */
export interface VectorTables {
  /** One row per collection: name, dimension, metric, and the numeric id naming its records table. */
  readonly collections: string;
  /** The records table of the collection with this numeric id. */
  records(collectionId: number): string;
}

export function vectorTables(prefix: string): VectorTables {
  return {
    collections: `${prefix}_collections`,
    records: (collectionId) => `${prefix}_c${Math.trunc(collectionId)}`,
  };
}

/**
 * The collections table. AUTOINCREMENT so a dropped collection's id (and so its table name) is
 * never reused: a handle still holding the old id finds no table instead of someone else's rows.
 * `name` keeps SQLite's default BINARY collation, so collection names stay case-sensitive (table
 * names are not, which is why records tables are named by id, not by collection name).
 */
export function collectionsSchema(t: VectorTables): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${t.collections} (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL UNIQUE,
      dimension INTEGER NOT NULL,
      metric TEXT NOT NULL
    )`,
  ];
}

/**
 * One records table per collection: exact search is a scan of that table alone (no rows of other
 * collections to skip, no secondary-index hop per row), the vector column can carry the
 * engine's typed declaration (`F32_BLOB(n)` on libsql, which an optional native index needs),
 * and dropping a collection is a DROP TABLE rather than a large DELETE.
 *
 * `norm` is the vector's Euclidean norm, kept for metrics the engine lacks (inner product);
 * `metadata` is a JSON object (NULL when the record has none); `document` is free text.
 */
export function recordsSchema(table: string, vectorType: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    id TEXT NOT NULL PRIMARY KEY,
    vector ${vectorType} NOT NULL,
    norm REAL NOT NULL,
    metadata TEXT,
    document TEXT
  )`;
}
