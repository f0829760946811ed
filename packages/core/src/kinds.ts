/** The three kinds of store orch composes. */
export type StoreKind = 'operational' | 'vector' | 'graph';

export const STORE_KINDS: readonly StoreKind[] = ['operational', 'vector', 'graph'];

export function isStoreKind(value: unknown): value is StoreKind {
  return value === 'operational' || value === 'vector' || value === 'graph';
}
