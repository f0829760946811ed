import { defineAdapter, registerAdapter, storeOptionsShape, z } from '@orch/core/adapter-kit';
import { MemoryGraphStore } from './memory-graph-store.js';
import { MemoryOperationalStore } from './memory-operational-store.js';
import { MemoryVectorStore } from './memory-vector-store.js';

export { MemoryGraphStore } from './memory-graph-store.js';
export { MemoryOperationalStore } from './memory-operational-store.js';
export { MemoryVectorStore } from './memory-vector-store.js';

/** Options of a `memory:` store: none of its own; an injected client is refused. */
const memoryOptions = z
  .object({
    ...storeOptionsShape,
    client: z.undefined({ error: 'memory: stores create their own engine; remove "client"' }).optional(),
  })
  .strict();

/** The registration for `memory:`, for all three kinds. */
export const memoryAdapter = defineAdapter({
  name: '@orch/adapter-memory',
  schemes: ['memory'],
  kind: ['operational', 'vector', 'graph'],
  options: memoryOptions,
  create({ kind }) {
    switch (kind) {
      case 'operational':
        return new MemoryOperationalStore();
      case 'vector':
        return new MemoryVectorStore();
      case 'graph':
        return new MemoryGraphStore();
    }
  },
});

/**
 * Register `memory:` again (importing this package already does; call it when a bundler
 * dropped the import's side effect).
 *
 * @example
 * import { register } from '@orch/adapter-memory';
 * register();
 */
export function register(): void {
  registerAdapter(memoryAdapter);
}

register();
