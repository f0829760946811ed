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
