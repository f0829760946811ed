import {
  comparePaths,
  type DriverErrorContext,
  type EdgeKey,
  type GraphCapabilities,
  type GraphEdge,
  type GraphNode,
  type GraphPath,
  GraphStoreBase,
  type Neighbor,
  type NormalizedEdge,
  type NormalizedFindNodes,
  type NormalizedNeighborOptions,
  type NormalizedNode,
  type NormalizedPathOptions,
  type NormalizedTraversal,
  OrchError,
  validateIdentifier,
} from '@orch/core/adapter-kit';
import neo4j, { type Driver, type ManagedTransaction, type Record as Neo4jRecord } from 'neo4j-driver';
import type { Neo4jSettings } from './client.js';
import {
  fromNeo4j,
  fromNeo4jProperties,
  toNeo4jParams,
  toNeo4jProperties,
  toNeo4jProperty,
} from './conversion.js';
import { type CypherSet, cypherFor, ID } from './cypher.js';
import { mapNeo4jError } from './errors.js';

/** The label every orch node carries (besides its own), covered by the uniqueness constraint on `id`. */
export const DEFAULT_NODE_LABEL = 'OrchNode';
/** Rows per UNWIND statement; a call's statements still run in one transaction. */
export const DEFAULT_BATCH_SIZE = 2000;
/** The oldest Neo4j with the dynamic labels (`SET n:$(labels)`) and GQL shortest paths this store uses. */
export const MIN_SERVER_VERSION = '5.26';

export interface Neo4jGraphStoreOptions {
  /** The URL scheme the store was created for (`neo4j`, `bolt+s` …). Default `neo4j`. */
  readonly scheme?: string;
  /** Where to connect; the store creates (and closes) its own driver. Ignored with `driver`. */
  readonly settings?: Neo4jSettings;
  /** An injected driver: the store uses it as configured and never closes it. */
  readonly driver?: Driver;
  /** The database; default: the one in `settings`, else the user's home database. */
  readonly database?: string;
  /** Default `OrchNode`. */
  readonly nodeLabel?: string;
  /** Server-side timeout of each transaction, in milliseconds. Default: the server's. */
  readonly timeoutMs?: number;
  /** Rows per UNWIND statement. Default 2000. */
  readonly batchSize?: number;
}

interface ServerFacts {
  readonly version: string;
  readonly edition: string;
}

interface NodeRow {
  readonly id: string;
  readonly labels: string[];
  readonly props: Record<string, unknown>;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** True for 5.26+ and every CalVer release (2025.01 on); unknown formats are given the benefit of the doubt. */
export function isSupportedVersion(version: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return true;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major >= 2025 || (major === 5 && minor >= 26) || (major > 5 && major < 2025);
}

/**
 * An orch graph store on Neo4j through the official `neo4j-driver`.
 *
 * Every node is `(:OrchNode:<its labels> {id, …properties})`: the application id is the `id`
 * property, unique by a constraint created on connect, and the common label keeps orch's nodes
 * apart from anything else in the database. Edges are relationships of their own type.
 * Upserts are idempotent `MERGE`s in `UNWIND` batches, each call one transaction; traversals
 * are one Cypher query each, run on the server; values are always parameters, and numbers keep
 * their type (integers as INTEGER, fractions as FLOAT).
 *
 * @example
 * import '@orch/adapter-neo4j';
 * const graph = await createAdapter('graph', 'neo4j://neo4j:secret@localhost:7687');
 */
export class Neo4jGraphStore extends GraphStoreBase {
  readonly scheme: string;
  readonly capabilities: GraphCapabilities = { nativeQuery: 'cypher' };
  readonly nodeLabel: string;
  readonly #settings: Neo4jSettings | undefined;
  readonly #injected: Driver | undefined;
  readonly #database: string | undefined;
  readonly #timeoutMs: number | undefined;
  readonly #batchSize: number;
  readonly #cypher: CypherSet;
  #driver: Driver | undefined;
  #server: ServerFacts | undefined;
  #constraint: string | undefined;

  constructor(options: Neo4jGraphStoreOptions) {
    super();
    if (!options.driver && !options.settings)
      throw new OrchError('ORCH_INVALID_CONFIG', 'Neo4jGraphStore needs settings or a driver.', {
        kind: 'graph',
      });
    this.scheme = options.scheme ?? 'neo4j';
    this.#settings = options.driver ? undefined : options.settings;
    this.#injected = options.driver;
    this.#database = options.database ?? options.settings?.database;
    this.#timeoutMs = options.timeoutMs;
    this.#batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.nodeLabel = validateIdentifier(options.nodeLabel ?? DEFAULT_NODE_LABEL, 'label');
    this.#cypher = cypherFor(this.nodeLabel);
  }

  /** The database queries go to (undefined: the user's home database). */
  get database(): string | undefined {
    return this.#database;
  }

  /** The driver in use: the injected one, or the store's own once connected (closed with the store). */
  get driver(): Driver | undefined {
    return this.#injected ?? this.#driver;
  }

  /** The server's Neo4j version (`5.26.30`, `2026.08.1` …), known once connected. */
  get serverVersion(): string | undefined {
    return this.#server?.version;
  }

  /**
   * The uniqueness constraint on `(nodeLabel).id`: `orch_<label>_id_unique` as connect creates it,
   * or the name of an equivalent constraint (uniqueness or node key) it found already there.
   */
  get constraintName(): string {
    return this.#constraint ?? this.#cypher.constraintName;
  }

  protected async doConnect(): Promise<void> {
    let driver = this.#injected;
    if (!driver) {
      const s = this.#settings!;
      const auth =
        s.password !== undefined || s.user !== undefined
          ? neo4j.auth.basic(s.user ?? '', s.password ?? '')
          : undefined;
      try {
        driver = neo4j.driver(s.url, auth, s.config);
      } catch (err) {
        throw new OrchError(
          'ORCH_INVALID_CONFIG',
          `Could not create the Neo4j driver for ${s.address}: ${(err as Error).message}`,
          {
            kind: 'graph',
            cause: err,
          },
        );
      }
    }
    try {
      await driver.verifyConnectivity(this.#database !== undefined ? { database: this.#database } : {});
      this.#driver = driver;
      const server = await this.#serverFacts();
      if (!isSupportedVersion(server.version))
        throw new OrchError(
          'ORCH_UNSUPPORTED',
          `@orch/adapter-neo4j needs Neo4j ${MIN_SERVER_VERSION} or later (dynamic labels, GQL shortest paths); the server runs ${server.version}.`,
          { kind: 'graph', details: { version: server.version } },
        );
      this.#server = server;
      await this.#ensureConstraint();
    } catch (err) {
      this.#driver = undefined;
      if (!this.#injected) await driver.close().catch(() => undefined);
      throw mapNeo4jError(err, { operation: 'connect' });
    }
  }

  protected async doClose(): Promise<void> {
    const driver = this.#driver;
    this.#driver = undefined;
    if (driver && !this.#injected) await driver.close();
  }

  protected async doHealth(): Promise<Record<string, unknown>> {
    const driver = this.#require();
    try {
      await driver.verifyConnectivity(this.#database !== undefined ? { database: this.#database } : {});
      const server = await this.#serverFacts();
      return {
        engine: 'neo4j',
        version: server.version,
        edition: server.edition,
        ...(this.#settings
          ? { address: this.#settings.address, routing: this.#settings.routing }
          : { injectedDriver: true }),
        database: this.#database ?? '(home database)',
        nodeLabel: this.nodeLabel,
        constraint: this.constraintName,
      };
    } catch (err) {
      throw mapNeo4jError(err, { operation: 'health' });
    }
  }

  protected override mapDriverError(err: unknown, context: DriverErrorContext): OrchError {
    return mapNeo4jError(err, context);
  }

  protected async doUpsertNodes(nodes: readonly NormalizedNode[]): Promise<void> {
    const rows = nodes.map((n) => {
      if (Object.hasOwn(n.properties, ID))
        throw new OrchError(
          'ORCH_INVALID_INPUT',
          `upsertNodes (id ${JSON.stringify(n.id)}): the property "${ID}" holds the node id in Neo4j; use another name.`,
          { kind: 'graph', details: { property: ID } },
        );
      if (n.labels.includes(this.nodeLabel))
        throw new OrchError(
          'ORCH_INVALID_INPUT',
          `upsertNodes (id ${JSON.stringify(n.id)}): the label "${this.nodeLabel}" marks every orch node; it cannot be given as one of a node's labels.`,
          { kind: 'graph', details: { label: this.nodeLabel } },
        );
      return { id: n.id, labels: n.labels, props: { ...toNeo4jProperties(n.properties), [ID]: n.id } };
    });
    const statement = this.#cypher.upsertNodes;
    await this.#writeTx(async (tx) => {
      for (const batch of chunks(rows, this.#batchSize))
        await tx.run(statement, { rows: batch, nodeLabel: this.nodeLabel });
    });
  }

  protected async doUpsertEdges(edges: readonly NormalizedEdge[]): Promise<void> {
    const byType = new Map<
      string,
      { i: number; from: string; to: string; props: Record<string, unknown> }[]
    >();
    edges.forEach((e, i) => {
      let group = byType.get(e.type);
      if (!group) {
        group = [];
        byType.set(e.type, group);
      }
      group.push({ i, from: e.from, to: e.to, props: toNeo4jProperties(e.properties) });
    });
    await this.#writeTx(async (tx) => {
      for (const [type, group] of byType) {
        const statement = this.#cypher.upsertEdges(type);
        for (const batch of chunks(group, this.#batchSize)) {
          const result = await tx.run(statement, { rows: batch });
          const written = Number(result.records[0]?.get('written') ?? 0);
          if (written < batch.length) {
            // Some endpoint is missing: name every one of the call (the transaction rolls back).
            const ids = [...new Set(edges.flatMap((e) => [e.from, e.to]))];
            const missing = await tx.run(this.#cypher.missingNodes, { ids });
            throw this.missingEndpoints((missing.records[0]?.get('missing') as string[] | undefined) ?? []);
          }
        }
      }
    });
  }

  protected async doGetNodes(ids: readonly string[]): Promise<GraphNode[]> {
    const records = await this.#read(this.#cypher.getNodes, { ids });
    return records.map((r) => this.#node(r));
  }

  protected async doFindNodes(options: NormalizedFindNodes): Promise<GraphNode[]> {
    const entries = Object.entries(options.properties);
    const statement = this.#cypher.findNodes(options.label, entries.length, options.after !== undefined);
    const records = await this.#read(statement, {
      keys: entries.map(([k]) => k),
      values: entries.map(([, v]) => toNeo4jProperty(v)),
      limit: neo4j.int(options.limit),
      ...(options.after !== undefined ? { after: options.after } : {}),
    });
    return records.map((r) => this.#node(r));
  }

  protected async doDeleteNodes(ids: readonly string[]): Promise<number> {
    const records = await this.#write(this.#cypher.deleteNodes, { ids });
    return Number(records[0]?.get('deleted') ?? 0);
  }

  protected async doDeleteEdges(edges: readonly EdgeKey[]): Promise<number> {
    const rows = edges.map(({ from, to, type }) => ({ from, to, type }));
    const records = await this.#write(this.#cypher.deleteEdges, { rows });
    return Number(records[0]?.get('deleted') ?? 0);
  }

  protected async doGetEdges(id: string, options: NormalizedTraversal): Promise<GraphEdge[]> {
    const records = await this.#read(this.#cypher.getEdges(options.direction, options.types), { id });
    return records
      .map((r) => ({
        from: r.get('from') as string,
        to: r.get('to') as string,
        type: r.get('type') as string,
        properties: fromNeo4jProperties(r.get('props')),
      }))
      .sort((a, b) => compareText(a.from, b.from) || compareText(a.to, b.to) || compareText(a.type, b.type));
  }

  protected override async doNeighbors(id: string, options: NormalizedNeighborOptions): Promise<Neighbor[]> {
    const statement = this.#cypher.neighbors(options.direction, options.types, options.depth);
    const records = await this.#read(statement, { id });
    return records
      .map((r) => ({ ...this.#node(r), depth: Number(r.get('depth')) }))
      .sort((a, b) => a.depth - b.depth || compareText(a.id, b.id));
  }

  protected override async doFindPaths(
    from: string,
    to: string,
    options: NormalizedPathOptions,
  ): Promise<GraphPath[]> {
    const statement = this.#cypher.findPaths(options.direction, options.types, options.maxDepth);
    const records = await this.#read(statement, { from, to, limit: neo4j.int(options.limit) });
    // The server orders strings by code point, JavaScript by UTF-16 unit: re-sort the page so
    // callers see the same order as on every other backend.
    return records.map(toPath).sort(comparePaths);
  }

  protected override async doShortestPath(
    from: string,
    to: string,
    options: NormalizedPathOptions,
  ): Promise<GraphPath | null> {
    // Neo4j refuses a shortest path from a node to itself; orch defines it as the zero-length path.
    if (from === to) return { nodes: [from], edges: [] };
    const statement = this.#cypher.shortestPath(options.direction, options.types, options.maxDepth);
    const [record] = await this.#read(statement, { from, to });
    return record ? toPath(record) : null;
  }

  /**
   * Any Cypher, as an auto-commit query (so `CALL { … } IN TRANSACTIONS` and schema commands
   * work too), with the parameters converted like properties and the rows like {@link fromNeo4j}.
   */
  protected override async doQuery(
    statement: string,
    params: Record<string, unknown>,
  ): Promise<Record<string, unknown>[]> {
    // WRITE: a native statement may write; the server routes it to the leader in a cluster.
    const session = this.#session('WRITE');
    try {
      const result = await session.run(statement, toNeo4jParams(params), this.#txConfig());
      return result.records.map((r) => {
        const row: Record<string, unknown> = {};
        for (const key of r.keys) row[String(key)] = fromNeo4j(r.get(key));
        return row;
      });
    } finally {
      await session.close();
    }
  }

  #require(): Driver {
    const driver = this.#driver;
    if (!driver) throw this.closedError();
    return driver;
  }

  #session(mode: 'READ' | 'WRITE') {
    const driver = this.#require();
    return driver.session({
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      ...(this.#database !== undefined ? { database: this.#database } : {}),
      // The driver's executeQuery bookmarks: reads see the writes before them, in a cluster too.
      bookmarkManager: driver.executeQueryBookmarkManager,
    });
  }

  /**
   * A read: one auto-commit query, so one round trip (a managed transaction adds BEGIN and
   * COMMIT, a second round trip, for nothing a single read statement needs). Reads are
   * idempotent; a connection failure surfaces as a retriable ORCH_CONNECTION_FAILED.
   */
  async #read(statement: string, params: Record<string, unknown>): Promise<Neo4jRecord[]> {
    const session = this.#session('READ');
    try {
      return (await session.run(statement, params, this.#txConfig())).records;
    } finally {
      await session.close();
    }
  }

  /** A single-statement write as a managed transaction, which the driver retries on transient failures. */
  async #write(statement: string, params: Record<string, unknown>): Promise<Neo4jRecord[]> {
    return this.#writeTx(async (tx) => (await tx.run(statement, params)).records);
  }

  #txConfig(): { timeout?: number } {
    return this.#timeoutMs !== undefined ? { timeout: this.#timeoutMs } : {};
  }

  /** A managed write transaction (retried by the driver on transient failures), causally chained with executeQuery. */
  async #writeTx<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const session = this.#session('WRITE');
    try {
      return await session.executeWrite(work, this.#txConfig());
    } finally {
      await session.close();
    }
  }

  async #serverFacts(): Promise<ServerFacts> {
    const records = await this.#read(
      "CALL dbms.components() YIELD name, versions, edition WHERE name = 'Neo4j Kernel' RETURN versions[0] AS version, edition",
      {},
    );
    const r = records[0];
    return {
      version: String(r?.get('version') ?? 'unknown'),
      edition: String(r?.get('edition') ?? 'unknown'),
    };
  }

  async #ensureConstraint(): Promise<void> {
    const [existing] = await this.#read(this.#cypher.showConstraint, { label: this.nodeLabel, property: ID });
    if (existing) {
      this.#constraint = String(existing.get('name'));
      return;
    }
    await this.#write(this.#cypher.createConstraint, {});
    this.#constraint = this.#cypher.constraintName;
  }

  #node(r: Neo4jRecord): GraphNode {
    const row = r.toObject() as unknown as NodeRow;
    return {
      id: row.id,
      labels: row.labels.filter((l) => l !== this.nodeLabel).sort(),
      properties: fromNeo4jProperties(row.props, ID),
    };
  }
}

function toPath(r: Neo4jRecord): GraphPath {
  const nodes = r.get('nodes') as string[];
  const edges = (r.get('edges') as [string, string, string][]).map(([from, to, type]) => ({
    from,
    to,
    type,
  }));
  return { nodes, edges };
}
