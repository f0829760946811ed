import {
  type DriverErrorContext,
  type EdgeKey,
  type GraphCapabilities,
  type GraphEdge,
  type GraphNode,
  GraphStoreBase,
  type NormalizedEdge,
  type NormalizedFindNodes,
  type NormalizedNode,
  type NormalizedTraversal,
  OrchError,
} from '@orch/core/adapter-kit';
import {
  TemplateEngineError,
  TemplateGraphClient,
  type TemplateLink,
  type TemplateVertex,
} from './client.js';
import { toProperties } from './conversion.js';
import { mapTemplateError } from './errors.js';

export interface TemplateGraphStoreOptions {
  /** An injected client: the store uses it and never disconnects it. */
  readonly client?: TemplateGraphClient;
}

const toNode = (v: TemplateVertex): GraphNode => ({
  id: v.id,
  labels: [...v.tags],
  properties: toProperties(v.props),
});
const toEdge = (l: TemplateLink): GraphEdge => ({
  from: l.src,
  to: l.dst,
  type: l.rel,
  properties: toProperties(l.props),
});
const edgeOrder = (a: GraphEdge, b: GraphEdge) =>
  a.from < b.from
    ? -1
    : a.from > b.from
      ? 1
      : a.to < b.to
        ? -1
        : a.to > b.to
          ? 1
          : a.type < b.type
            ? -1
            : a.type > b.type
              ? 1
              : 0;

/**
 * A graph store for the template engine. `GraphStoreBase` validates every input (ids, labels,
 * types, depths, limits), checks that traversal endpoints exist and answers the trivial cases;
 * it also implements `neighbors`, `findPaths` and `shortestPath` on top of `doGetEdges`, so an
 * engine without server-side traversal implements only the storage hooks below. (An engine with
 * one, like Cypher or recursive SQL, overrides `doNeighbors`, `doFindPaths` and `doShortestPath`.)
 *
 * @example
 * import 'orch-adapter-template';
 * const graph = await createAdapter('graph', 'template://local');
 */
export class TemplateGraphStore extends GraphStoreBase {
  readonly scheme = 'template';
  readonly capabilities: GraphCapabilities = { nativeQuery: false };
  readonly #injected: TemplateGraphClient | undefined;
  #client: TemplateGraphClient | undefined;

  constructor(options: TemplateGraphStoreOptions = {}) {
    super();
    this.#injected = options.client;
  }

  protected async doConnect(): Promise<void> {
    this.#client = this.#injected ?? new TemplateGraphClient();
    await this.#client.ping();
  }

  protected async doClose(): Promise<void> {
    if (!this.#injected) await this.#client?.disconnect();
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    return { engine: 'template', version: (await this.client().ping()).version };
  }

  protected override mapDriverError(err: unknown, context: DriverErrorContext): OrchError {
    return mapTemplateError(err, context.operation, 'graph');
  }

  protected async doUpsertNodes(nodes: readonly NormalizedNode[]): Promise<void> {
    await this.client().putVertices(nodes.map((n) => ({ id: n.id, tags: n.labels, props: n.properties })));
  }

  protected async doUpsertEdges(edges: readonly NormalizedEdge[]): Promise<void> {
    try {
      await this.client().putLinks(
        edges.map((e) => ({ src: e.from, dst: e.to, rel: e.type, props: e.properties })),
      );
    } catch (err) {
      if (!(err instanceof TemplateEngineError && err.status === 404)) throw err;
      // The contract wants the missing ids named; the engine only says "some were missing".
      const present = new Set(
        (await this.client().getVertices(edges.flatMap((e) => [e.from, e.to]))).map((v) => v.id),
      );
      throw this.missingEndpoints(edges.flatMap((e) => [e.from, e.to]).filter((id) => !present.has(id)));
    }
  }

  protected async doGetNodes(ids: readonly string[]): Promise<GraphNode[]> {
    return (await this.client().getVertices(ids)).map(toNode);
  }

  protected async doFindNodes(options: NormalizedFindNodes): Promise<GraphNode[]> {
    const found: GraphNode[] = [];
    for (const vertex of await this.client().scanVertices()) {
      if (found.length >= options.limit) break;
      if (options.after !== undefined && vertex.id <= options.after) continue;
      if (options.label !== undefined && !vertex.tags.includes(options.label)) continue;
      // Equality is typed: the string "1" does not match the number 1.
      const matches = Object.entries(options.properties).every(
        ([k, v]) => Object.hasOwn(vertex.props, k) && vertex.props[k] === v,
      );
      if (matches) found.push(toNode(vertex));
    }
    return found;
  }

  protected doDeleteNodes(ids: readonly string[]): Promise<number> {
    return this.client().dropVertices(ids);
  }

  protected doDeleteEdges(edges: readonly EdgeKey[]): Promise<number> {
    return this.client().dropLinks(edges.map((e) => ({ src: e.from, dst: e.to, rel: e.type })));
  }

  protected async doGetEdges(id: string, options: NormalizedTraversal): Promise<GraphEdge[]> {
    return (await this.client().linksOf(id))
      .filter((l) => options.types === undefined || options.types.includes(l.rel))
      .filter(
        (l) => (options.direction !== 'in' && l.src === id) || (options.direction !== 'out' && l.dst === id),
      )
      .map(toEdge)
      .sort(edgeOrder);
  }

  private client(): TemplateGraphClient {
    if (!this.#client)
      throw new OrchError('ORCH_CONNECTION_FAILED', 'template graph store is not connected.', {
        kind: 'graph',
      });
    return this.#client;
  }
}
