/**
 * A value shared by the whole process, created on first use: kept on `globalThis` under
 * `Symbol.for(name)`, so two installed copies of a package (or of @orch/core) share it.
 *
 * @example
 * const secrets = () => processWide('orch.secrets', () => new Set<string>());
 */
export function processWide<T>(name: string, create: () => T): T {
  const slots = globalThis as unknown as Record<symbol, T | undefined>;
  const key = Symbol.for(name);
  slots[key] ??= create();
  return slots[key];
}
