// A subclass may use any method name that is not part of the public store API: the bases keep
// their internals #private, so `run`, `list` or `rollback` in a subclass neither fail to compile
// nor replace anything the base relies on; overriding a public method (`query`, `close`) with
// `super` works as in any class.
import { describe, expect, it } from 'vitest';
import {
  type CollectionInfo,
  type EdgeKey,
  type GraphCapabilities,
  type GraphEdge,
  type GraphNode,
  GraphStoreBase,
  type NormalizedEdge,
  type NormalizedNode,
  type NormalizedVectorQuery,
  type NormalizedVectorRecord,
  type RawVectorMatch,
  type StoredVectorRecord,
  type VectorCapabilities,
  VectorStoreBase,
} from '../src/adapter-kit.js';
import type { Row, SqlValue } from '../src/index.js';
import { RecordingSqlStore } from './helpers/recording-sql-store.js';

class NamedSqlStore extends RecordingSqlStore {
  readonly log: string[] = [];
  run(label: string): string {
    this.log.push(`run ${label}`);
    return label;
  }
  list(): string[] {
    return this.statements();
  }
  rollback(): string {
    this.log.push('subclass rollback');
    return 'mine';
  }
  override async query<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    this.log.push(`query ${sql}`);
    return super.query<T>(sql, params);
  }
  override async close(): Promise<void> {
    this.log.push('close');
    await super.close();
  }
}

class NamedVectorStore extends VectorStoreBase {
  readonly scheme = 'named';
  readonly capabilities: VectorCapabilities = {
    metrics: ['l2'],
    filterExists: true,
    eventualConsistency: false,
    maxBatchSize: 2,
    documents: false,
  };
  readonly collections = new Map<
    string,
    { info: CollectionInfo; records: Map<string, NormalizedVectorRecord> }
  >();
  readonly log: string[] = [];
  run(): string {
    return 'run';
  }
  list(): string[] {
    return [...this.collections.keys()];
  }
  rollback(): void {
    this.log.push('subclass rollback');
  }
  override async query(collection: string, q: Parameters<VectorStoreBase['query']>[1]) {
    this.log.push(`query ${collection}`);
    return super.query(collection, q);
  }
  override async close(): Promise<void> {
    this.log.push('close');
    await super.close();
  }
  protected async doConnect() {}
  protected async doClose() {}
  protected async doHealth() {
    return {};
  }
  protected async doEnsureCollection(wanted: CollectionInfo) {
    const existing = this.collections.get(wanted.name);
    if (existing) return existing.info;
    this.collections.set(wanted.name, { info: wanted, records: new Map() });
    return wanted;
  }
  protected async doDescribeCollection(name: string) {
    return this.collections.get(name)?.info ?? null;
  }
  protected async doListCollections() {
    return [...this.collections.values()].map((c) => c.info);
  }
  protected async doDropCollection(name: string) {
    return this.collections.delete(name);
  }
  protected async doUpsert(info: CollectionInfo, records: readonly NormalizedVectorRecord[]) {
    this.log.push(`upsert ${records.length}`);
    for (const r of records) this.collections.get(info.name)!.records.set(r.id, r);
  }
  protected async doQuery(info: CollectionInfo, q: NormalizedVectorQuery): Promise<RawVectorMatch[]> {
    const records = [...this.collections.get(info.name)!.records.values()];
    return records
      .map((r) => ({ id: r.id, distance: Math.hypot(...r.vector.map((v, i) => v - q.vector[i]!)) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, q.topK);
  }
  protected async doGet(info: CollectionInfo, ids: readonly string[]): Promise<StoredVectorRecord[]> {
    const records = this.collections.get(info.name)!.records;
    return ids.flatMap((id) => (records.has(id) ? [{ id, vector: records.get(id)!.vector }] : []));
  }
  protected async doDelete() {}
  protected async doCount(info: CollectionInfo) {
    return this.collections.get(info.name)!.records.size;
  }
}

class NamedGraphStore extends GraphStoreBase {
  readonly scheme = 'named';
  readonly capabilities: GraphCapabilities = { nativeQuery: false };
  readonly nodes = new Map<string, NormalizedNode>();
  readonly edges: NormalizedEdge[] = [];
  readonly log: string[] = [];
  run(): string {
    return 'run';
  }
  list(): string[] {
    return [...this.nodes.keys()];
  }
  rollback(): void {
    this.log.push('subclass rollback');
  }
  override async query<T = Record<string, unknown>>(statement: string, params?: Record<string, unknown>) {
    this.log.push('query');
    return super.query<T>(statement, params);
  }
  override async close(): Promise<void> {
    this.log.push('close');
    await super.close();
  }
  protected async doConnect() {}
  protected async doClose() {}
  protected async doHealth() {
    return {};
  }
  protected async doUpsertNodes(nodes: readonly NormalizedNode[]) {
    for (const n of nodes) this.nodes.set(n.id, n);
  }
  protected async doUpsertEdges(edges: readonly NormalizedEdge[]) {
    const missing = edges.flatMap((e) => [e.from, e.to]).filter((id) => !this.nodes.has(id));
    if (missing.length) throw this.missingEndpoints(missing);
    this.edges.push(...edges);
  }
  protected async doGetNodes(ids: readonly string[]): Promise<GraphNode[]> {
    return ids.flatMap((id) => (this.nodes.has(id) ? [{ ...this.nodes.get(id)! }] : []));
  }
  protected async doFindNodes() {
    return [];
  }
  protected async doDeleteNodes() {
    return 0;
  }
  protected async doDeleteEdges(_edges: readonly EdgeKey[]) {
    return 0;
  }
  protected async doGetEdges(id: string): Promise<GraphEdge[]> {
    return this.edges.filter((e) => e.from === id || e.to === id);
  }
}

describe('extending the base classes', () => {
  it('SqlStoreBase: run, list and rollback are the subclass’s own; query and close overrides reach the base', async () => {
    const store = new NamedSqlStore();
    expect(store.run('x')).toBe('x');
    await store
      .transaction(async (tx) => {
        await tx.execute('INSERT 1');
        throw new Error('undo');
      })
      .catch(() => undefined);
    // The base rolled back through its own hook, not through the subclass's `rollback()`.
    expect(store.list()).toEqual(['BEGIN IMMEDIATE', 'INSERT 1', 'ROLLBACK']);
    expect(store.log).not.toContain('subclass rollback');
    expect(await store.query('SELECT 1')).toEqual([{ sql: 'SELECT 1' }]);
    await store.close();
    expect(store.log).toEqual(['run x', 'query SELECT 1', 'close']);
    expect(store.closed).toBe(true);
    await expect(store.execute('INSERT 2')).rejects.toMatchObject({ code: 'ORCH_CLOSED' });
  });

  it('VectorStoreBase: the same names leave validation, batching and scoring intact', async () => {
    const store = new NamedVectorStore();
    expect(store.run()).toBe('run');
    await store.ensureCollection('col', { dimension: 2, metric: 'l2' });
    await store.upsert('col', [
      { id: 'a', vector: [0, 0] },
      { id: 'b', vector: [3, 4] },
      { id: 'c', vector: [1, 0] },
    ]);
    expect(store.log).toEqual(['upsert 2', 'upsert 1']); // split at maxBatchSize by the base
    const hits = await store.query('col', { vector: [0, 0], topK: 2 });
    expect(hits.map((h) => h.id)).toEqual(['a', 'c']);
    expect(hits[0]!.score).toBe(1); // the base turned the distance into a score
    await expect(store.upsert('col', [{ id: 'x', vector: [1] }])).rejects.toMatchObject({
      code: 'ORCH_DIMENSION_MISMATCH',
    });
    expect(store.list()).toEqual(['col']);
    await store.close();
    expect(store.log.slice(-2)).toEqual(['query col', 'close']);
    expect(store.log).not.toContain('subclass rollback');
  });

  it('GraphStoreBase: the same names leave validation and the default traversals intact', async () => {
    const store = new NamedGraphStore();
    expect(store.run()).toBe('run');
    await store.upsertNodes([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    await store.upsertEdges([
      { from: 'a', to: 'b', type: 'NEXT' },
      { from: 'b', to: 'c', type: 'NEXT' },
    ]);
    expect(store.list()).toEqual(['a', 'b', 'c']);
    expect((await store.shortestPath('a', 'c'))?.nodes).toEqual(['a', 'b', 'c']);
    await expect(store.upsertEdges([{ from: 'a', to: 'zz', type: 'NEXT' }])).rejects.toMatchObject({
      code: 'ORCH_NOT_FOUND',
    });
    await expect(store.query('MATCH (n) RETURN n')).rejects.toMatchObject({ code: 'ORCH_UNSUPPORTED' });
    await store.close();
    expect(store.log).toEqual(['query', 'close']);
  });
});
