/** Table names of one graph, derived from a validated prefix. */
export interface GraphTables {
  readonly nodes: string;
  readonly edges: string;
}

export function graphTables(prefix: string): GraphTables {
  return { nodes: `${prefix}_nodes`, edges: `${prefix}_edges` };
}

/**
 * The graph schema, idempotent. Both tables are WITHOUT ROWID: rows are small and always reached
 * by key, so the primary key b-tree is the table and a lookup is one descent instead of two.
 *
 * - nodes: `labels` is a sorted JSON array, `properties` a JSON object.
 * - edges: the primary key (src, dst, type) is an edge's identity and serves outgoing traversal;
 *   the (dst, type, src) index serves incoming traversal and detaching a deleted node's in-edges.
 *   No foreign keys: endpoint existence is checked explicitly (and foreign-key enforcement is a
 *   per-connection pragma the store does not control).
 */
export function graphSchema(t: GraphTables): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${t.nodes} (
      id TEXT NOT NULL PRIMARY KEY,
      labels TEXT NOT NULL DEFAULT '[]',
      properties TEXT NOT NULL DEFAULT '{}'
    ) WITHOUT ROWID`,
    `CREATE TABLE IF NOT EXISTS ${t.edges} (
      src TEXT NOT NULL,
      dst TEXT NOT NULL,
      type TEXT NOT NULL,
      properties TEXT NOT NULL DEFAULT '{}',
      PRIMARY KEY (src, dst, type)
    ) WITHOUT ROWID`,
    `CREATE INDEX IF NOT EXISTS ${t.edges}_reverse ON ${t.edges} (dst, type, src)`,
  ];
}
