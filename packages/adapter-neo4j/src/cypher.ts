import { type Direction, OrchError, validateIdentifier } from '@orch/core/adapter-kit';

/**
 * The Cypher this store runs. Everything a caller gives is a parameter (`$id`, `$rows` …), except
 * what Cypher cannot take as one: labels, relationship types and the bounds of variable-length
 * patterns. Those are interpolated only here, only after {@link ident} (core's identifier rule:
 * a letter or `_`, then letters, digits or `_`) or an integer range check, and backquoted.
 */

/** The property holding the application id. */
export const ID = 'id';

/** A label or relationship type, checked again and backquoted for interpolation. */
export function ident(value: string, what: 'label' | 'type'): string {
  return `\`${validateIdentifier(value, what)}\``;
}

function bound(value: number, name: string, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new OrchError('ORCH_INVALID_INPUT', `${name} must be an integer from 1 to ${max}.`, {
      kind: 'graph',
    });
  return value;
}

/** `:`A`|`B`` for a type filter, or nothing for every type. */
function typeFilter(types: readonly string[] | undefined): string {
  return types && types.length > 0 ? `:${types.map((t) => ident(t, 'type')).join('|')}` : '';
}

/** A relationship pattern in a direction: `-[r:T]->`, `<-[r:T]-` or `-[r:T]-`. */
function rel(direction: Direction, inner: string): string {
  if (direction === 'out') return `-[${inner}]->`;
  if (direction === 'in') return `<-[${inner}]-`;
  return `-[${inner}]-`;
}

/** The statements of one store, for its node label. */
export interface CypherSet {
  readonly constraintName: string;
  readonly createConstraint: string;
  readonly showConstraint: string;
  readonly upsertNodes: string;
  upsertEdges(type: string): string;
  readonly missingNodes: string;
  readonly getNodes: string;
  findNodes(label: string | undefined, propertyCount: number, after: boolean): string;
  readonly deleteNodes: string;
  readonly deleteEdges: string;
  getEdges(direction: Direction, types: readonly string[] | undefined): string;
  neighbors(direction: Direction, types: readonly string[] | undefined, depth: number): string;
  findPaths(direction: Direction, types: readonly string[] | undefined, maxDepth: number): string;
  shortestPath(direction: Direction, types: readonly string[] | undefined, maxDepth: number): string;
}

/**
 * Every orch node carries `nodeLabel` (default `OrchNode`) besides its own labels, so one
 * uniqueness constraint on `(nodeLabel).id` covers every node whatever labels the application
 * gives it, and the store never touches nodes other code keeps in the same database.
 */
export function cypherFor(nodeLabel: string): CypherSet {
  const L = ident(nodeLabel, 'label');
  // Every lookup by id names the unique index: right after a bulk load the index statistics are
  // stale (sampled while the label was empty) and the planner would otherwise scan it, or pair the
  // start node with every node of the label, for a traversal planned then and cached.
  const seek = (v: string) => `USING INDEX SEEK ${v}:${L}(${ID})`;
  const constraintName = `orch_${nodeLabel.toLowerCase()}_id_unique`;
  const nodeColumns = `n.${ID} AS id, labels(n) AS labels, properties(n) AS props`;
  const edgeColumns = (r: string) =>
    `startNode(${r}).${ID} AS from, endNode(${r}).${ID} AS to, type(${r}) AS type, properties(${r}) AS props`;
  const pathColumns =
    `[x IN nodes(p) | x.${ID}] AS nodes, ` +
    `[r IN relationships(p) | [startNode(r).${ID}, endNode(r).${ID}, type(r)]] AS edges`;
  return {
    constraintName,
    createConstraint: `CREATE CONSTRAINT ${constraintName} IF NOT EXISTS FOR (n:${L}) REQUIRE n.${ID} IS UNIQUE`,
    // A uniqueness constraint or node key on exactly (label).id, whatever it is called.
    showConstraint:
      'SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties ' +
      "WHERE entityType = 'NODE' AND labelsOrTypes = [$label] AND properties = [$property] " +
      "AND type IN ['UNIQUENESS', 'NODE_PROPERTY_UNIQUENESS', 'NODE_KEY'] RETURN name",
    // Labels other than the store's own are replaced by the given ones (dynamic labels, Neo4j
    // 5.26+); properties are replaced as a whole, the id kept in the same map.
    upsertNodes:
      `UNWIND $rows AS row MERGE (n:${L} {${ID}: row.id}) ` +
      `WITH n, row, [l IN labels(n) WHERE l <> $nodeLabel AND NOT l IN row.labels] AS stale ` +
      'REMOVE n:$(stale) SET n:$(row.labels) SET n = row.props',
    upsertEdges: (type) =>
      `UNWIND $rows AS row MATCH (a:${L} {${ID}: row.from}) ${seek('a')} MATCH (b:${L} {${ID}: row.to}) ${seek('b')} ` +
      `MERGE (a)-[r:${ident(type, 'type')}]->(b) SET r = row.props RETURN count(DISTINCT row.i) AS written`,
    missingNodes: `UNWIND $ids AS id OPTIONAL MATCH (n:${L} {${ID}: id}) ${seek('n')} WITH id, n WHERE n IS NULL RETURN collect(id) AS missing`,
    getNodes: `UNWIND $ids AS id MATCH (n:${L} {${ID}: id}) ${seek('n')} RETURN ${nodeColumns}`,
    findNodes: (label, propertyCount, after) => {
      const conditions: string[] = [];
      if (after) conditions.push(`n.${ID} > $after`);
      for (let i = 0; i < propertyCount; i++) conditions.push(`n[$keys[${i}]] = $values[${i}]`);
      return (
        `MATCH (n:${L}${label !== undefined ? `:${ident(label, 'label')}` : ''}) ` +
        `${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')} ` : ''}` +
        `RETURN ${nodeColumns} ORDER BY n.${ID} LIMIT $limit`
      );
    },
    deleteNodes: `UNWIND $ids AS id MATCH (n:${L} {${ID}: id}) ${seek('n')} DETACH DELETE n RETURN count(*) AS deleted`,
    deleteEdges:
      `UNWIND $rows AS row MATCH (a:${L} {${ID}: row.from})-[r]->(b:${L} {${ID}: row.to}) ${seek('a')} ${seek('b')} ` +
      'WHERE type(r) = row.type DELETE r RETURN count(*) AS deleted',
    getEdges: (direction, types) =>
      `MATCH (s:${L} {${ID}: $id})${rel(direction, `r${typeFilter(types)}`)}(:${L}) ${seek('s')} ` +
      `WITH DISTINCT r RETURN ${edgeColumns('r')}`,
    // One breadth-first search on the server: a variable-length pattern whose only use is the
    // fewest hops to each end node is planned as VarLengthExpand(Pruning,BFS), which visits every
    // node once (GQL ANY SHORTEST to an open end is planned per target pair, or enumerates walks,
    // and takes seconds at depth 25 on 10k nodes). Every node of the walk is an orch node.
    neighbors: (direction, types, depth) =>
      `MATCH p = (s:${L} {${ID}: $id})${rel(direction, `${typeFilter(types)}*1..${bound(depth, 'depth', 25)}`)}(n:${L}) ${seek('s')} ` +
      `WHERE n <> s AND all(x IN nodes(p) WHERE x:${L}) ` +
      `WITH n, min(length(p)) AS depth RETURN ${nodeColumns}, depth`,
    // Variable-length walks with relationship uniqueness (Cypher's), filtered to simple paths (no
    // node twice), in the documented order, cut at $limit on the server.
    findPaths: (direction, types, maxDepth) =>
      `MATCH (a:${L} {${ID}: $from}), (b:${L} {${ID}: $to}) ${seek('a')} ${seek('b')} ` +
      `MATCH p = (a)${rel(direction, `${typeFilter(types)}*1..${bound(maxDepth, 'maxDepth', 15)}`)}(b) ` +
      `WHERE all(x IN nodes(p) WHERE x:${L}) ` +
      'AND all(i IN range(1, length(p)) WHERE NOT nodes(p)[i] IN nodes(p)[0..i]) ' +
      `WITH p, [x IN nodes(p) | x.${ID}] AS ids, [r IN relationships(p) | type(r)] AS types, ` +
      `[r IN relationships(p) | startNode(r).${ID}] AS froms ` +
      `ORDER BY length(p), ids, types, froms LIMIT $limit RETURN ${pathColumns}`,
    // GQL ANY SHORTEST between two bound nodes (a breadth-first search on the server). The start
    // and end differ here: Neo4j refuses a shortest path from a node to itself, and the base class
    // answers that case (the zero-length path) before asking.
    shortestPath: (direction, types, maxDepth) =>
      `MATCH (a:${L} {${ID}: $from}), (b:${L} {${ID}: $to}) ${seek('a')} ${seek('b')} ` +
      `MATCH p = ANY SHORTEST (a) ((:${L})${rel(direction, typeFilter(types))}(:${L})){1,${bound(maxDepth, 'maxDepth', 15)}} (b) ` +
      `RETURN ${pathColumns}`,
  };
}
