import type { StoreKind } from '../kinds.js';
import type { AdapterRegistration } from '../registry/registry.js';

/**
 * How to reach one store. Extra keys are adapter options and are passed through untouched
 * (e.g. `persist_directory` for Chroma, `namespace` for Pinecone).
 */
export interface StoreConfig {
  /** The store URL; its scheme picks the adapter. */
  readonly url?: string;
  /** Operation timeout in milliseconds. The seed's `timeout` (seconds) is converted to this. */
  readonly timeoutMs?: number;
  readonly username?: string;
  readonly password?: string;
  readonly apiKey?: string;
  /** An already-connected driver client to use instead of opening one (never closed by orch). */
  readonly client?: unknown;
  /** Pick the adapter by scheme when there is no URL (with an injected client). */
  readonly scheme?: string;
  readonly [option: string]: unknown;
}

/** The seed's configuration shape, validated. */
export interface OrchConfig {
  readonly databases: Partial<Record<StoreKind, StoreConfig>>;
  /** Adapter packages to import (they register their schemes), or registration objects to register. */
  readonly adapters: readonly (string | AdapterRegistration)[];
}
