import type { Adapter } from '../adapter/adapter.js';

/** A property value: a scalar or a homogeneous array of scalars (what Neo4j can store). */
export type PropertyValue =
  | string
  | number
  | boolean
  | readonly string[]
  | readonly number[]
  | readonly boolean[];
export type Properties = Record<string, PropertyValue>;

export interface GraphNodeInput {
  /** Application id (e.g. a task id), 1 to 512 characters. Never an engine-internal id. */
  readonly id: string;
  /** Identifiers: a letter or `_`, then letters, digits or `_`. */
  readonly labels?: readonly string[];
  readonly properties?: Properties;
}

export interface GraphNode {
  readonly id: string;
  /** Sorted. */
  readonly labels: string[];
  readonly properties: Properties;
}

/** An edge is identified by (from, to, type): at most one edge of a type between two nodes. */
export interface EdgeKey {
  readonly from: string;
  readonly to: string;
  /** An identifier, like labels. */
  readonly type: string;
}

export interface GraphEdgeInput extends EdgeKey {
  readonly properties?: Properties;
}

export interface GraphEdge extends EdgeKey {
  readonly properties: Properties;
}

export type Direction = 'out' | 'in' | 'both';

export interface NeighborOptions {
  /** Defaults to `out`. */
  readonly direction?: Direction;
  /** Only follow edges of these types. */
  readonly types?: readonly string[];
  /** Maximum hops, 1 to 25; defaults to 1. */
  readonly depth?: number;
}

/** A node reached from the start node, with the fewest hops it took. */
export interface Neighbor extends GraphNode {
  readonly depth: number;
}

export interface PathOptions {
  /** Maximum edges in a path, 1 to 15; defaults to 5. */
  readonly maxDepth?: number;
  readonly types?: readonly string[];
  /** Defaults to `out`. */
  readonly direction?: Direction;
  /** Maximum paths returned, 1 to 10000; defaults to 100. */
  readonly limit?: number;
}

/** A path: `nodes` in walk order, `edges[i]` joins `nodes[i]` and `nodes[i + 1]` (as stored, so `from`/`to` may run against the walk when direction is `in` or `both`). */
export interface GraphPath {
  readonly nodes: string[];
  readonly edges: EdgeKey[];
}

export interface EdgeQuery {
  /** Defaults to `both`. */
  readonly direction?: Direction;
  readonly types?: readonly string[];
}

export interface FindNodesOptions {
  readonly label?: string;
  /** Equality on scalar properties. */
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
  /** Defaults to 1000, at most 10000. */
  readonly limit?: number;
  /** Return nodes with id greater than this (for paging; results are ordered by id). */
  readonly after?: string;
}

export interface GraphCapabilities {
  /** Language of `query()`, or false when the store has no native query. */
  readonly nativeQuery: false | 'cypher';
}

/**
 * Nodes with application ids, labels and properties, and typed directed edges.
 *
 * Paths are simple (no node twice). `findPaths` orders by length, then by the node ids, then
 * the edge types, so results are the same on every backend. A path from a node to itself is the
 * zero-length path. Unknown start or end ids reject with `ORCH_NOT_FOUND`.
 *
 * @example
 * await graph.upsertNodes([{ id: 'a', labels: ['Task'] }, { id: 'b', labels: ['Task'] }]);
 * await graph.upsertEdges([{ from: 'b', to: 'a', type: 'DEPENDS_ON' }]);
 * const blockers = await graph.neighbors('b', { direction: 'out', types: ['DEPENDS_ON'] });
 */
export interface GraphStore extends Adapter {
  readonly kind: 'graph';
  readonly capabilities: GraphCapabilities;
  /** Insert or replace nodes: labels and properties become exactly what is given. Atomic. */
  upsertNodes(nodes: readonly GraphNodeInput[]): Promise<void>;
  /**
   * Insert or replace edges; properties become exactly what is given. Both endpoints must exist,
   * otherwise nothing is written and the call rejects with `ORCH_NOT_FOUND` naming them. Atomic.
   */
  upsertEdges(edges: readonly GraphEdgeInput[]): Promise<void>;
  getNode(id: string): Promise<GraphNode | null>;
  /** Nodes that exist among `ids`, in the order asked. */
  getNodes(ids: readonly string[]): Promise<GraphNode[]>;
  findNodes(options?: FindNodesOptions): Promise<GraphNode[]>;
  /** Delete nodes and every edge touching them. Returns how many nodes existed. */
  deleteNodes(ids: readonly string[]): Promise<number>;
  /** Returns how many edges existed. */
  deleteEdges(edges: readonly EdgeKey[]): Promise<number>;
  /** Edges touching a node, ordered by (from, to, type). */
  getEdges(id: string, options?: EdgeQuery): Promise<GraphEdge[]>;
  /** Distinct nodes within `depth` hops (the start node excluded), ordered by depth then id. */
  neighbors(id: string, options?: NeighborOptions): Promise<Neighbor[]>;
  findPaths(from: string, to: string, options?: PathOptions): Promise<GraphPath[]>;
  /** One path with the fewest edges, or `null` when `to` cannot be reached within `maxDepth` (default 15). */
  shortestPath(from: string, to: string, options?: Omit<PathOptions, 'limit'>): Promise<GraphPath | null>;
  /** Native query language (Cypher) where `capabilities.nativeQuery` says so; otherwise `ORCH_UNSUPPORTED`. */
  query<T = Record<string, unknown>>(statement: string, params?: Record<string, unknown>): Promise<T[]>;
}
