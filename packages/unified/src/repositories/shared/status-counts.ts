import { num } from './input.js';

/** One row of a `SELECT status AS k, COUNT(*) AS n … GROUP BY status`. */
export interface CountRow {
  readonly k: string;
  readonly n: number | string;
}

/** Counts per status, every status present (zero-filled), and their total. */
export function statusCounts<S extends string>(
  statuses: readonly S[],
  rows: readonly CountRow[],
): { byStatus: Record<S, number>; total: number } {
  const byStatus = Object.fromEntries(statuses.map((s) => [s, 0])) as Record<S, number>;
  let total = 0;
  for (const { k, n } of rows) {
    total += num(n);
    if (k in byStatus) byStatus[k as S] = num(n);
  }
  return { byStatus, total };
}

/** `{ key: count }` of grouped count rows, in their order. */
export function countsByKey(rows: readonly CountRow[]): Record<string, number> {
  return Object.fromEntries(rows.map(({ k, n }) => [k, num(n)]));
}
