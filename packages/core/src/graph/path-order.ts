import type { GraphPath } from './graph-store.js';

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareEach(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareText(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * The documented order of `findPaths` results: fewer edges first, then node ids element-wise,
 * then edge types; the stored direction of the edges breaks the last tie (under `both`, a → b can
 * be walked along a stored a→b or b→a edge of one type). The SQL sorts the same way using
 * strings joined with \u0001 (node ids contain no control characters, so joined strings compare
 * like the lists); this JS comparator re-sorts the page so JavaScript's UTF-16 string order is
 * what callers see on every backend.
 */
export function comparePaths(a: GraphPath, b: GraphPath): number {
  return (
    a.edges.length - b.edges.length ||
    compareEach(a.nodes, b.nodes) ||
    compareEach(
      a.edges.map((e) => e.type),
      b.edges.map((e) => e.type),
    ) ||
    compareEach(
      a.edges.map((e) => e.from),
      b.edges.map((e) => e.from),
    )
  );
}
