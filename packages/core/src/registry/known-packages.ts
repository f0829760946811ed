/**
 * The one place that knows which published package serves which scheme. `createAdapter` imports
 * the package on demand when nobody registered the scheme yet. Third-party packages are not
 * listed here: they register themselves on import or are named in config (`adapters: [...]`).
 */
export const KNOWN_ADAPTER_PACKAGES: Readonly<Record<string, string>> = {
  memory: '@orch/adapter-memory',
  sqlite: '@orch/adapter-sqlite',
  libsql: '@orch/adapter-libsql',
  file: '@orch/adapter-libsql',
  chromadb: '@orch/adapter-chromadb',
  'chromadb+https': '@orch/adapter-chromadb',
  pinecone: '@orch/adapter-pinecone',
  neo4j: '@orch/adapter-neo4j',
  'neo4j+s': '@orch/adapter-neo4j',
  'neo4j+ssc': '@orch/adapter-neo4j',
  bolt: '@orch/adapter-neo4j',
  'bolt+s': '@orch/adapter-neo4j',
  'bolt+ssc': '@orch/adapter-neo4j',
  postgres: '@orch/adapter-postgres',
  postgresql: '@orch/adapter-postgres',
};
