import type { GraphPath } from '@orch/core';

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLists(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareStrings(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * The documented path order: length, then node ids element-wise, then edge types; the stored
 * edge direction breaks the last tie (two opposite edges of one type under `both`).
 */
export function comparePaths(a: GraphPath, b: GraphPath): number {
  return (
    a.edges.length - b.edges.length ||
    compareLists(a.nodes, b.nodes) ||
    compareLists(
      a.edges.map((e) => e.type),
      b.edges.map((e) => e.type),
    ) ||
    compareLists(
      a.edges.map((e) => e.from),
      b.edges.map((e) => e.from),
    )
  );
}
