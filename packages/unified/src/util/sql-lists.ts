import type { SqlValue } from '@orch/core';
import type { Db } from './db.js';

/** `?, ?, ?` for an IN list or a multi-row insert. */
export function marks(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** Id lists in slices that stay far below every engine's bound-parameter limit. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The `id` column of `sql` run over `ids` in chunks: `sql` gets the chunk's placeholder list, and
 * the parameters are `before` followed by the chunk.
 */
export async function idsWhereIn(
  db: Db,
  ids: readonly string[],
  sql: (placeholders: string) => string,
  before: readonly SqlValue[] = [],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunks(ids)) {
    const rows = await db.query<{ id: string }>(sql(marks(chunk.length)), [...before, ...chunk]);
    for (const r of rows) found.add(r.id);
  }
  return found;
}
