import assert from 'node:assert/strict';
import type { EdgeKey, GraphEdgeInput, GraphNodeInput, GraphPath, GraphStore } from '@orch/core';
import type { SuiteContext } from '../common/context.js';
import { uniqueSuffix } from '../helpers/random.js';
import type { StoreScope } from '../helpers/with-store.js';
import type { CommonSuiteOptions } from '../types.js';

/** Options of {@link graphSuite}. */
export interface GraphSuiteOptions extends CommonSuiteOptions<GraphStore> {}

export type GraphContext = SuiteContext<GraphStore>;

/**
 * A test's private corner of a (possibly shared) graph: node ids get a unique prefix, labels a
 * unique suffix, and every node created is deleted (with its edges) afterwards. Tests write
 * short names (`'a'`) and compare short names; the namespace translates both ways.
 */
export interface Namespace {
  /** Full node id for a short name. */
  id(short: string): string;
  /** Short name for a full node id (fails on ids from outside this test). */
  short(id: string): string;
  /** A label that only this test uses. */
  label(base: string): string;
  /** Upsert nodes and edges given by short names; nodes are cleaned up after the test. */
  seed(nodes: readonly (string | GraphNodeInput)[], edges?: readonly GraphEdgeInput[]): Promise<void>;
  /** Register full ids for cleanup (for nodes created without `seed`). */
  track(ids: readonly string[]): void;
  /** Edge keys with full ids. */
  edges<T extends EdgeKey>(edges: readonly T[]): T[];
  /** Paths rewritten to short names, for readable comparisons. */
  shortPaths(
    paths: readonly GraphPath[],
  ): { nodes: string[]; edges: { from: string; to: string; type: string }[] }[];
}

export function namespace(scope: StoreScope<GraphStore>): Namespace {
  const suffix = uniqueSuffix();
  const prefix = `tk${suffix}:`;
  const created = new Set<string>();
  scope.defer((s) => (created.size > 0 ? s.deleteNodes([...created]) : Promise.resolve()));
  const id = (short: string) => `${prefix}${short}`;
  const short = (full: string) => {
    assert.ok(full.startsWith(prefix), `node id ${JSON.stringify(full)} does not belong to this test`);
    return full.slice(prefix.length);
  };
  const edges = <T extends EdgeKey>(list: readonly T[]): T[] =>
    list.map((e) => ({ ...e, from: id(e.from), to: id(e.to) }));
  return {
    id,
    short,
    label: (base) => `${base}_${suffix}`,
    track: (ids) => {
      for (const full of ids) created.add(full);
    },
    async seed(nodes, edgeList = []) {
      const inputs = nodes.map((n) => (typeof n === 'string' ? { id: id(n) } : { ...n, id: id(n.id) }));
      for (const n of inputs) created.add(n.id);
      await scope.store.upsertNodes(inputs);
      if (edgeList.length > 0) await scope.store.upsertEdges(edges(edgeList));
    },
    edges,
    shortPaths: (paths) =>
      paths.map((p) => ({
        nodes: p.nodes.map(short),
        edges: p.edges.map((e) => ({ from: short(e.from), to: short(e.to), type: e.type })),
      })),
  };
}
