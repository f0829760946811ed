import {
  type EdgeKey,
  type GraphCapabilities,
  type GraphEdge,
  type GraphNode,
  GraphStoreBase,
  type NormalizedEdge,
  type NormalizedFindNodes,
  type NormalizedNode,
  type NormalizedTraversal,
  type Properties,
  type TraversalStep,
} from '@orch/core/adapter-kit';

interface StoredNode {
  readonly labels: string[];
  readonly properties: Properties;
}

/** One step of a traversal: the edge taken and the node it leads to. */
interface Step {
  readonly edge: GraphEdge;
  readonly next: string;
}

const edgeKey = (e: EdgeKey) => `${e.from}\u0000${e.to}\u0000${e.type}`;

/**
 * The reference graph store: adjacency maps and breadth-first search in plain JavaScript.
 * Each instance holds its own graph.
 *
 * @example
 * const graph = await createAdapter('graph', 'memory:');
 * await graph.upsertNodes([{ id: 'a' }, { id: 'b' }]);
 * await graph.upsertEdges([{ from: 'a', to: 'b', type: 'DEPENDS_ON' }]);
 */
export class MemoryGraphStore extends GraphStoreBase {
  readonly scheme = 'memory';
  readonly capabilities: GraphCapabilities = { nativeQuery: false };
  readonly #nodes = new Map<string, StoredNode>();
  readonly #edges = new Map<string, GraphEdge>();
  readonly #out = new Map<string, Set<string>>();
  readonly #in = new Map<string, Set<string>>();

  protected async doConnect(): Promise<void> {}

  protected async doClose(): Promise<void> {
    this.#nodes.clear();
    this.#edges.clear();
    this.#out.clear();
    this.#in.clear();
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    return { engine: 'memory', nodes: this.#nodes.size, edges: this.#edges.size };
  }

  protected async doUpsertNodes(nodes: readonly NormalizedNode[]): Promise<void> {
    for (const n of nodes) this.#nodes.set(n.id, { labels: [...n.labels], properties: clone(n.properties) });
  }

  protected async doUpsertEdges(edges: readonly NormalizedEdge[]): Promise<void> {
    const missing = edges.flatMap((e) => [e.from, e.to]).filter((id) => !this.#nodes.has(id));
    if (missing.length > 0) throw this.missingEndpoints(missing);
    for (const e of edges) {
      const key = edgeKey(e);
      this.#edges.set(key, { from: e.from, to: e.to, type: e.type, properties: clone(e.properties) });
      index(this.#out, e.from).add(key);
      index(this.#in, e.to).add(key);
    }
  }

  protected async doGetNodes(ids: readonly string[]): Promise<GraphNode[]> {
    return ids.flatMap((id) => {
      const node = this.#nodes.get(id);
      return node ? [this.#node(id, node)] : [];
    });
  }

  protected async doFindNodes(options: NormalizedFindNodes): Promise<GraphNode[]> {
    const ids = [...this.#nodes.keys()].sort();
    const out: GraphNode[] = [];
    for (const id of ids) {
      if (options.after !== undefined && id <= options.after) continue;
      const node = this.#nodes.get(id)!;
      if (options.label !== undefined && !node.labels.includes(options.label)) continue;
      const matches = Object.entries(options.properties).every(
        ([k, v]) =>
          Object.hasOwn(node.properties, k) &&
          typeof node.properties[k] === typeof v &&
          node.properties[k] === v,
      );
      if (!matches) continue;
      out.push(this.#node(id, node));
      if (out.length >= options.limit) break;
    }
    return out;
  }

  protected async doDeleteNodes(ids: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const id of ids) {
      if (!this.#nodes.delete(id)) continue;
      deleted++;
      for (const key of [...(this.#out.get(id) ?? []), ...(this.#in.get(id) ?? [])]) this.#removeEdge(key);
      this.#out.delete(id);
      this.#in.delete(id);
    }
    return deleted;
  }

  protected async doDeleteEdges(edges: readonly EdgeKey[]): Promise<number> {
    let deleted = 0;
    for (const e of edges) if (this.#removeEdge(edgeKey(e))) deleted++;
    return deleted;
  }

  protected async doGetEdges(id: string, options: NormalizedTraversal): Promise<GraphEdge[]> {
    const seen = new Set<string>();
    const edges: GraphEdge[] = [];
    for (const { edge } of this.#steps(id, options)) {
      const key = edgeKey(edge);
      if (seen.has(key)) continue; // a self-loop is both out and in
      seen.add(key);
      edges.push({ ...edge, properties: clone(edge.properties) });
    }
    return edges.sort((a, b) => (edgeKey(a) < edgeKey(b) ? -1 : edgeKey(a) > edgeKey(b) ? 1 : 0));
  }

  /** In memory, listing a node's moves is a map lookup: the base class's traversals run on it. */
  protected override async doSteps(id: string, options: NormalizedTraversal): Promise<TraversalStep[]> {
    return this.#steps(id, options).map(({ edge, next }) => ({
      edge: { from: edge.from, to: edge.to, type: edge.type },
      next,
    }));
  }

  #steps(id: string, options: NormalizedTraversal): Step[] {
    const steps: Step[] = [];
    const allowed = (e: GraphEdge) => options.types === undefined || options.types.includes(e.type);
    if (options.direction !== 'in') {
      for (const key of this.#out.get(id) ?? []) {
        const e = this.#edges.get(key)!;
        if (allowed(e)) steps.push({ edge: e, next: e.to });
      }
    }
    if (options.direction !== 'out') {
      for (const key of this.#in.get(id) ?? []) {
        const e = this.#edges.get(key)!;
        if (allowed(e)) steps.push({ edge: e, next: e.from });
      }
    }
    return steps;
  }

  #removeEdge(key: string): boolean {
    const edge = this.#edges.get(key);
    if (!edge) return false;
    this.#edges.delete(key);
    this.#out.get(edge.from)?.delete(key);
    this.#in.get(edge.to)?.delete(key);
    return true;
  }

  #node(id: string, node: StoredNode): GraphNode {
    return { id, labels: [...node.labels], properties: clone(node.properties) };
  }
}

function index(map: Map<string, Set<string>>, id: string): Set<string> {
  let set = map.get(id);
  if (!set) {
    set = new Set();
    map.set(id, set);
  }
  return set;
}

function clone(properties: Properties): Properties {
  const out: Record<string, Properties[string]> = {};
  for (const [k, v] of Object.entries(properties)) out[k] = Array.isArray(v) ? [...v] : v;
  return out as Properties;
}
