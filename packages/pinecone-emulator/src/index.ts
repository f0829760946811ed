/**
 * `@orch/pinecone-emulator`: a strict local emulator of Pinecone's REST API (version 2026-04) for tests
 * and CI, driven by the official `@pinecone-database/pinecone` client.
 */
export { LIMITS, type Metadata, type MetadataValue } from './metadata.js';
export {
  INDEX_PATH_PREFIX,
  PINECONE_API_VERSION,
  type PineconeEmulator,
  type PineconeEmulatorOptions,
  startPineconeEmulator,
} from './server.js';
export type { Metric } from './state.js';
