import { AdapterBase } from '../adapter/adapter-base.js';
import type { DriverErrorContext } from '../adapter/driver-error-context.js';
import { isOrchError, OrchError } from '../errors/orch-error.js';
import { traceOperation } from '../tracing/store-tracing.js';
import type {
  Direction,
  EdgeKey,
  EdgeQuery,
  FindNodesOptions,
  GraphCapabilities,
  GraphEdge,
  GraphEdgeInput,
  GraphNode,
  GraphNodeInput,
  GraphPath,
  GraphStore,
  Neighbor,
  NeighborOptions,
  PathOptions,
  Properties,
} from './graph-store.js';
import {
  breadthFirstDepths,
  breadthFirstShortestPath,
  simplePaths,
  stepsFrom,
  type TraversalStep,
} from './traversal.js';
import {
  MAX_NEIGHBOR_DEPTH,
  MAX_PATH_DEPTH,
  MAX_PATH_LIMIT,
  validateDirection,
  validateIdentifier,
  validateIntInRange,
  validateNodeId,
  validateProperties,
  validateTypes,
} from './validation.js';

export interface NormalizedNode {
  readonly id: string;
  /** Sorted, unique. */
  readonly labels: string[];
  readonly properties: Properties;
}

export interface NormalizedEdge extends EdgeKey {
  readonly properties: Properties;
}

export interface NormalizedTraversal {
  readonly direction: Direction;
  /** Undefined: every type. */
  readonly types: string[] | undefined;
}

export interface NormalizedNeighborOptions extends NormalizedTraversal {
  readonly depth: number;
}

export interface NormalizedPathOptions extends NormalizedTraversal {
  readonly maxDepth: number;
  readonly limit: number;
}

export interface NormalizedFindNodes {
  readonly label: string | undefined;
  readonly properties: Readonly<Record<string, string | number | boolean>>;
  readonly limit: number;
  readonly after: string | undefined;
}

/**
 * The shared front half of every graph store: validation of ids, labels, types and limits,
 * existence checks for traversal endpoints, the trivial zero-length path, the closed-state
 * guard and error normalization. Extend it and implement the `do*` hooks.
 */
export abstract class GraphStoreBase extends AdapterBase implements GraphStore {
  readonly kind = 'graph' as const;
  abstract override readonly scheme: string;
  abstract readonly capabilities: GraphCapabilities;

  /** Nodes are unique by id. Atomic. */
  protected abstract doUpsertNodes(nodes: readonly NormalizedNode[]): Promise<void>;
  /** Edges are unique by key. Throw `missingEndpoints(ids)` when an endpoint does not exist. Atomic. */
  protected abstract doUpsertEdges(edges: readonly NormalizedEdge[]): Promise<void>;
  protected abstract doGetNodes(ids: readonly string[]): Promise<GraphNode[]>;
  protected abstract doFindNodes(options: NormalizedFindNodes): Promise<GraphNode[]>;
  protected abstract doDeleteNodes(ids: readonly string[]): Promise<number>;
  protected abstract doDeleteEdges(edges: readonly EdgeKey[]): Promise<number>;
  protected abstract doGetEdges(id: string, options: NormalizedTraversal): Promise<GraphEdge[]>;
  /**
   * The moves from a node, for the default traversals below. The default derives them from
   * {@link doGetEdges}; override it when the engine has a cheaper way to list adjacent edges.
   */
  protected async doSteps(id: string, options: NormalizedTraversal): Promise<TraversalStep[]> {
    return stepsFrom(id, await this.doGetEdges(id, options), options.direction);
  }
  /**
   * The node exists. The default is a breadth-first search over {@link doSteps}, one call per
   * node reached: right for in-process engines; an engine with server-side traversal (Cypher,
   * recursive SQL) should override it.
   */
  protected async doNeighbors(id: string, options: NormalizedNeighborOptions): Promise<Neighbor[]> {
    const depths = await breadthFirstDepths(id, options.depth, (n) => this.doSteps(n, options));
    const nodes = new Map((await this.doGetNodes(depths.map(([n]) => n))).map((node) => [node.id, node]));
    return depths.flatMap(([n, depth]) => {
      const node = nodes.get(n);
      return node ? [{ ...node, depth }] : [];
    });
  }
  /**
   * Both endpoints exist and differ; order as documented on {@link GraphStore}. The default is an
   * iterative-deepening search over {@link doSteps}; override it when the engine can do better.
   */
  protected doFindPaths(from: string, to: string, options: NormalizedPathOptions): Promise<GraphPath[]> {
    return simplePaths(from, to, options, (n) => this.doSteps(n, options));
  }
  /**
   * Both endpoints exist and differ. The default is a breadth-first search over {@link doSteps};
   * override it when the engine can do better.
   */
  protected doShortestPath(
    from: string,
    to: string,
    options: NormalizedPathOptions,
  ): Promise<GraphPath | null> {
    return breadthFirstShortestPath(from, to, options.maxDepth, (n) => this.doSteps(n, options));
  }

  /**
   * False (default): the base looks the endpoints of `neighbors`, `findPaths` and `shortestPath`
   * up before calling their hooks. True: the hooks check them in their own queries (one round
   * trip less per traversal) and throw {@link missingNodes} when one does not exist; the base
   * still looks up the node of a zero-length path (`from === to`) itself.
   */
  protected get checksTraversalEndpoints(): boolean {
    return false;
  }

  /**
   * The error a traversal throws when its endpoints do not exist: `ids` are the missing ones, in
   * the order the operation names them (start before target).
   */
  protected missingNodes(operation: string, ids: readonly string[]): OrchError {
    return new OrchError(
      'ORCH_NOT_FOUND',
      `${operation}: node ${ids.map((id) => JSON.stringify(id)).join(', ')} does not exist.`,
      { kind: 'graph', details: { missing: [...ids] } },
    );
  }

  /** Native query; the default rejects with `ORCH_UNSUPPORTED`. */
  protected doQuery(
    _statement: string,
    _params: Record<string, unknown>,
  ): Promise<Record<string, unknown>[]> {
    return Promise.reject(
      new OrchError('ORCH_UNSUPPORTED', `The ${this.scheme} graph store has no native query language.`, {
        kind: 'graph',
      }),
    );
  }

  /**
   * Turn a driver error into an OrchError (put the engine's code in `details.driverCode`).
   * Override to map engine-specific failures; the same signature on every base.
   */
  protected mapDriverError(err: unknown, context: DriverErrorContext): OrchError {
    const message = err instanceof Error ? err.message : String(err);
    return new OrchError('ORCH_QUERY_FAILED', `Graph ${context.operation} failed: ${message}`, {
      kind: 'graph',
      cause: err,
    });
  }

  /** The error `doUpsertEdges` throws when endpoints are missing. */
  protected missingEndpoints(ids: readonly string[]): OrchError {
    const unique = [...new Set(ids)].sort();
    return new OrchError(
      'ORCH_NOT_FOUND',
      `Cannot create edges: node${unique.length > 1 ? 's' : ''} ${unique.map((id) => JSON.stringify(id)).join(', ')} do${unique.length > 1 ? '' : 'es'} not exist. Upsert the nodes first; nothing was written.`,
      { kind: 'graph', details: { missing: unique } },
    );
  }

  async upsertNodes(nodes: readonly GraphNodeInput[]): Promise<void> {
    const normalized = this.#list(nodes, 'upsertNodes').map((node, i): NormalizedNode => {
      // Messages are built only when a check fails: this runs once per node of large loads.
      const where = () => `upsertNodes node ${i}`;
      if (typeof node !== 'object' || node === null)
        throw new OrchError('ORCH_INVALID_INPUT', `${where()}: not an object.`, { kind: 'graph' });
      const id = validateNodeId(node.id, where);
      const labels = node.labels === undefined ? [] : this.#labels(node.labels, where());
      const properties =
        node.properties === undefined ? {} : validateProperties(node.properties, `${where()} (id "${id}")`);
      return { id, labels, properties };
    });
    this.#unique(
      normalized.map((n) => n.id),
      'upsertNodes',
      'node id',
    );
    if (normalized.length === 0) return;
    await this.#run('upsertNodes', () => this.doUpsertNodes(normalized), normalized.length);
  }

  async upsertEdges(edges: readonly GraphEdgeInput[]): Promise<void> {
    const normalized = this.#list(edges, 'upsertEdges').map((edge, i): NormalizedEdge => {
      // Messages are built only when a check fails: this runs once per edge of large loads.
      const key = this.#edgeKey(edge, () => `upsertEdges edge ${i}`);
      const properties =
        edge.properties === undefined ? {} : validateProperties(edge.properties, `upsertEdges edge ${i}`);
      return { from: key.from, to: key.to, type: key.type, properties };
    });
    this.#unique(
      normalized.map((e) => `${e.from}\u0000${e.to}\u0000${e.type}`),
      'upsertEdges',
      'edge (from, to, type)',
    );
    if (normalized.length === 0) return;
    await this.#run('upsertEdges', () => this.doUpsertEdges(normalized), normalized.length);
  }

  async getNode(id: string): Promise<GraphNode | null> {
    const nodeId = validateNodeId(id, 'getNode');
    const [node] = await this.#run('getNode', () => this.doGetNodes([nodeId]));
    return node ?? null;
  }

  async getNodes(ids: readonly string[]): Promise<GraphNode[]> {
    const unique = [
      ...new Set(this.#list(ids, 'getNodes').map((id, i) => validateNodeId(id, `getNodes id ${i}`))),
    ];
    if (unique.length === 0) return [];
    const found = await this.#run('getNodes', () => this.doGetNodes(unique));
    const byId = new Map(found.map((n) => [n.id, n]));
    return unique.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  async findNodes(options: FindNodesOptions = {}): Promise<GraphNode[]> {
    const properties = options.properties ?? {};
    for (const [key, value] of Object.entries(properties)) {
      const ok =
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value));
      if (!ok)
        throw new OrchError(
          'ORCH_INVALID_INPUT',
          `findNodes: property "${key}" must be a scalar to compare.`,
          { kind: 'graph' },
        );
    }
    const normalized: NormalizedFindNodes = {
      label: options.label === undefined ? undefined : validateIdentifier(options.label, 'label'),
      properties,
      limit: validateIntInRange(options.limit, 'limit', 1, MAX_PATH_LIMIT, 1000),
      after: options.after === undefined ? undefined : validateNodeId(options.after, 'findNodes after'),
    };
    return this.#run('findNodes', () => this.doFindNodes(normalized));
  }

  async deleteNodes(ids: readonly string[]): Promise<number> {
    const unique = [
      ...new Set(this.#list(ids, 'deleteNodes').map((id, i) => validateNodeId(id, `deleteNodes id ${i}`))),
    ];
    if (unique.length === 0) return 0;
    return this.#run('deleteNodes', () => this.doDeleteNodes(unique), unique.length);
  }

  async deleteEdges(edges: readonly EdgeKey[]): Promise<number> {
    const keys = this.#list(edges, 'deleteEdges').map((e, i) => this.#edgeKey(e, `deleteEdges edge ${i}`));
    const seen = new Set<string>();
    const unique = keys.filter((k) => {
      const s = `${k.from}\u0000${k.to}\u0000${k.type}`;
      if (seen.has(s)) return false;
      seen.add(s);
      return true;
    });
    if (unique.length === 0) return 0;
    return this.#run('deleteEdges', () => this.doDeleteEdges(unique), unique.length);
  }

  async getEdges(id: string, options: EdgeQuery = {}): Promise<GraphEdge[]> {
    const nodeId = validateNodeId(id, 'getEdges');
    const traversal: NormalizedTraversal = {
      direction: validateDirection(options.direction, 'both'),
      types: validateTypes(options.types),
    };
    return this.#run('getEdges', () => this.doGetEdges(nodeId, traversal));
  }

  async neighbors(id: string, options: NeighborOptions = {}): Promise<Neighbor[]> {
    const nodeId = validateNodeId(id, 'neighbors');
    const normalized: NormalizedNeighborOptions = {
      direction: validateDirection(options.direction, 'out'),
      types: validateTypes(options.types),
      depth: validateIntInRange(options.depth, 'depth', 1, MAX_NEIGHBOR_DEPTH, 1),
    };
    if (!this.checksTraversalEndpoints) await this.#requireNodes([nodeId], 'neighbors');
    return this.#run('neighbors', () => this.doNeighbors(nodeId, normalized));
  }

  async findPaths(from: string, to: string, options: PathOptions = {}): Promise<GraphPath[]> {
    const [a, b] = [validateNodeId(from, 'findPaths from'), validateNodeId(to, 'findPaths to')];
    const normalized = this.#pathOptions(options, 5, true);
    if (a === b || !this.checksTraversalEndpoints) await this.#requireNodes([a, b], 'findPaths');
    if (a === b) return [{ nodes: [a], edges: [] }];
    return this.#run('findPaths', () => this.doFindPaths(a, b, normalized));
  }

  async shortestPath(
    from: string,
    to: string,
    options: Omit<PathOptions, 'limit'> = {},
  ): Promise<GraphPath | null> {
    const [a, b] = [validateNodeId(from, 'shortestPath from'), validateNodeId(to, 'shortestPath to')];
    const normalized = this.#pathOptions(options, MAX_PATH_DEPTH, false);
    if (a === b || !this.checksTraversalEndpoints) await this.#requireNodes([a, b], 'shortestPath');
    if (a === b) return { nodes: [a], edges: [] };
    return this.#run('shortestPath', () => this.doShortestPath(a, b, normalized));
  }

  async query<T = Record<string, unknown>>(
    statement: string,
    params: Record<string, unknown> = {},
  ): Promise<T[]> {
    if (typeof statement !== 'string' || statement.trim() === '') {
      throw new OrchError('ORCH_INVALID_INPUT', 'query expects a non-empty statement.', { kind: 'graph' });
    }
    return (await this.#run('query', () => this.doQuery(statement, params))) as T[];
  }

  #pathOptions(options: PathOptions, defaultDepth: number, withLimit: boolean): NormalizedPathOptions {
    return {
      direction: validateDirection(options.direction, 'out'),
      types: validateTypes(options.types),
      maxDepth: validateIntInRange(options.maxDepth, 'maxDepth', 1, MAX_PATH_DEPTH, defaultDepth),
      limit: withLimit ? validateIntInRange(options.limit, 'limit', 1, MAX_PATH_LIMIT, 100) : 1,
    };
  }

  async #requireNodes(ids: readonly string[], operation: string): Promise<void> {
    const unique = [...new Set(ids)];
    const found = await this.#call(operation, () => this.doGetNodes(unique));
    const present = new Set(found.map((n) => n.id));
    const missing = unique.filter((id) => !present.has(id));
    if (missing.length > 0) throw this.missingNodes(operation, missing);
  }

  #edgeKey(edge: unknown, where: string | (() => string)): EdgeKey {
    const place = typeof where === 'string' ? () => where : where;
    if (typeof edge !== 'object' || edge === null)
      throw new OrchError('ORCH_INVALID_INPUT', `${place()}: not an object.`, { kind: 'graph' });
    const e = edge as Record<string, unknown>;
    return {
      from: validateNodeId(e.from, () => `${place()} from`),
      to: validateNodeId(e.to, () => `${place()} to`),
      type: validateIdentifier(e.type, 'type'),
    };
  }

  #labels(labels: unknown, where: string): string[] {
    if (!Array.isArray(labels))
      throw new OrchError('ORCH_INVALID_INPUT', `${where}: labels must be an array.`, { kind: 'graph' });
    return [...new Set(labels.map((l) => validateIdentifier(l, 'label')))].sort();
  }

  #list<T>(items: readonly T[], operation: string): readonly T[] {
    if (!Array.isArray(items))
      throw new OrchError('ORCH_INVALID_INPUT', `${operation} expects an array.`, { kind: 'graph' });
    return items;
  }

  #unique(keys: readonly string[], operation: string, what: string): void {
    const seen = new Set<string>();
    for (const key of keys) {
      if (seen.has(key)) {
        throw new OrchError(
          'ORCH_INVALID_INPUT',
          `${operation}: the same ${what} appears twice in one call.`,
          { kind: 'graph' },
        );
      }
      seen.add(key);
    }
  }

  /** Call a hook: connected first, published on the tracing channel, driver errors mapped. */
  #run<T>(operation: string, fn: () => Promise<T>, inputCount?: number): Promise<T> {
    const event = { kind: this.kind, scheme: this.scheme, operation };
    return traceOperation(
      inputCount === undefined ? event : { ...event, inputCount },
      () => this.#call(operation, fn),
      resultCount,
    );
  }

  async #call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    await this.ready();
    try {
      return await fn();
    } catch (err) {
      if (isOrchError(err)) throw err;
      throw this.mapDriverError(err, { operation });
    }
  }
}

/** Nodes, rows or paths returned, or nodes and edges removed. */
function resultCount(result: unknown): number | undefined {
  if (Array.isArray(result)) return result.length;
  if (typeof result === 'number') return result;
  if (result === null) return 0;
  return typeof result === 'object' ? 1 : undefined;
}
