import { type AdapterRegistration, registerAdapter } from '@orch/core';
import { MemoryGraphStore } from './memory-graph-store.js';
import { MemoryOperationalStore } from './memory-operational-store.js';
import { MemoryVectorStore } from './memory-vector-store.js';

export { MemoryGraphStore } from './memory-graph-store.js';
export { MemoryOperationalStore } from './memory-operational-store.js';
export { MemoryVectorStore } from './memory-vector-store.js';

/** The registration for `memory:`, for all three kinds. */
export const memoryAdapter: AdapterRegistration = {
  name: '@orch/adapter-memory',
  schemes: ['memory'],
  kind: ['operational', 'vector', 'graph'],
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
};

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
