import { describe, expect, it } from 'vitest';
import { describeConfig, isOrchError, type OrchError, parseConfig } from '../src/index.js';

const seed = {
  databases: {
    operational: { url: 'sqlite:///tasks.db', timeout: 30.0 },
    vector: { url: 'chromadb://localhost:8000', persist_directory: './chroma_db' },
    graph: { url: 'neo4j://localhost:7687', username: 'neo4j', password: 'password-xyz' },
  },
};

function configError(fn: () => unknown): OrchError {
  try {
    fn();
  } catch (err) {
    if (isOrchError(err, 'ORCH_INVALID_CONFIG')) return err;
    throw err;
  }
  throw new Error('expected ORCH_INVALID_CONFIG');
}

describe('parseConfig', () => {
  it("accepts the seed's shape as an object and as JSON", () => {
    for (const input of [seed, JSON.stringify(seed)]) {
      const config = parseConfig(input, { env: {} });
      expect(config.databases.operational).toMatchObject({ url: 'sqlite:///tasks.db', timeoutMs: 30_000 });
      expect(config.databases.vector).toMatchObject({
        url: 'chromadb://localhost:8000',
        persist_directory: './chroma_db',
      });
      expect(config.databases.graph).toMatchObject({ username: 'neo4j', password: 'password-xyz' });
    }
  });

  it('accepts the bare databases object the seed passed to the manager', () => {
    expect(parseConfig(seed.databases, { env: {} }).databases.graph?.url).toBe('neo4j://localhost:7687');
  });

  it('lets environment variables override URLs', () => {
    const config = parseConfig(seed, { env: { ORCH_VECTOR_URL: 'memory:', ORCH_GRAPH_URL: 'memory:' } });
    expect(config.databases.vector?.url).toBe('memory:');
    expect(config.databases.graph?.url).toBe('memory:');
    expect(config.databases.operational?.url).toBe('sqlite:///tasks.db');
    expect(
      parseConfig(undefined, { env: { ORCH_OPERATIONAL_URL: 'memory:' } }).databases.operational?.url,
    ).toBe('memory:');
  });

  it('names the bad field', () => {
    expect(
      configError(() => parseConfig({ databases: { operational: { url: 42 } } }, { env: {} })).message,
    ).toContain('databases.operational.url');
    expect(
      configError(() => parseConfig({ databases: { operational: { url: 'x:', timeout: -1 } } }, { env: {} }))
        .message,
    ).toContain('databases.operational.timeout');
    expect(configError(() => parseConfig({ databases: { relational: {} } }, { env: {} })).message).toContain(
      'relational',
    );
    expect(configError(() => parseConfig({ databases: { vector: {} } }, { env: {} })).message).toContain(
      'databases.vector',
    );
    expect(configError(() => parseConfig('{not json', { env: {} })).message).toContain('JSON');
  });

  it('prints configs without secrets', () => {
    const text = describeConfig(parseConfig(seed, { env: {} }));
    expect(text).not.toContain('password-xyz');
    expect(text).toContain('neo4j://localhost:7687');
  });
});
