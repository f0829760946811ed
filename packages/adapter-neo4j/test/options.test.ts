import { createAdapter, listSchemes } from '@orch/core';
import { parseStoreUrl } from '@orch/core/adapter-kit';
import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../src/client.js';
import { ident } from '../src/cypher.js';
import { NEO4J_SCHEMES, Neo4jGraphStore, neo4jAdapter, register } from '../src/index.js';
import { isSupportedVersion } from '../src/neo4j-graph-store.js';
import { failure, texts } from './helpers.js';

const settings = (url: string, options = {}) => resolveSettings(parseStoreUrl(url), options);
/** The store `createAdapter` would build, before it connects it. */
const build = async (config: { url?: string; scheme?: string } & Record<string, unknown>) => {
  const url = config.url ? parseStoreUrl(config.url) : undefined;
  return (await neo4jAdapter.create({
    kind: 'graph',
    scheme: url?.scheme ?? config.scheme ?? 'neo4j',
    url,
    config,
  })) as Neo4jGraphStore;
};
const invalidConfig = expect.objectContaining({ code: 'ORCH_INVALID_CONFIG' });

describe('registration', () => {
  it('registers the six Neo4j schemes for graphs on import, and again on register()', () => {
    expect(NEO4J_SCHEMES).toEqual(['neo4j', 'neo4j+s', 'neo4j+ssc', 'bolt', 'bolt+s', 'bolt+ssc']);
    expect(listSchemes('graph')).toEqual(expect.arrayContaining([...NEO4J_SCHEMES]));
    register();
    expect(neo4jAdapter.kind).toBe('graph');
  });

  it('creates an unconnected Neo4jGraphStore for every scheme, with the Cypher capability', async () => {
    for (const scheme of NEO4J_SCHEMES) {
      const store = await build({ url: `${scheme}://127.0.0.1:9` });
      expect(store).toBeInstanceOf(Neo4jGraphStore);
      expect(store.scheme).toBe(scheme);
      expect(store.capabilities.nativeQuery).toBe('cypher');
      expect(store.driver).toBeUndefined();
      await store.close();
    }
  });
});

describe('URL forms', () => {
  it('neo4j… schemes route, bolt… schemes connect directly; the port defaults to 7687', () => {
    for (const scheme of ['neo4j', 'neo4j+s', 'neo4j+ssc']) {
      expect(settings(`${scheme}://db.example`)).toMatchObject({
        routing: true,
        url: `${scheme}://db.example:7687`,
        address: `${scheme}://db.example:7687`,
      });
    }
    for (const scheme of ['bolt', 'bolt+s', 'bolt+ssc']) {
      expect(settings(`${scheme}://db.example:7688`)).toMatchObject({
        routing: false,
        url: `${scheme}://db.example:7688`,
      });
    }
    expect(settings('bolt://[::1]:7687').url).toBe('bolt://[::1]:7687');
  });

  it('user and password come from the URL or the options, never both; the user defaults to neo4j', () => {
    expect(settings('neo4j://alice:s%40cret@h')).toMatchObject({ user: 'alice', password: 's@cret' });
    expect(settings('neo4j://h', { username: 'bob', password: 'pw-1' })).toMatchObject({
      user: 'bob',
      password: 'pw-1',
    });
    expect(settings('neo4j://h', { password: 'only-a-password' })).toMatchObject({ user: 'neo4j' });
    expect(settings('neo4j://h')).toMatchObject({ user: undefined, password: undefined });
    expect(() => settings('neo4j://alice:pw@h', { password: 'other' })).toThrow(invalidConfig);
    const s = settings('neo4j://alice:never-printed@h');
    expect(s.url).not.toContain('never-printed');
    expect(s.address).not.toContain('alice');
  });

  it('the database comes from the URL path or the option, not two different ones', () => {
    expect(settings('bolt://h:7687/tasks').database).toBe('tasks');
    expect(settings('bolt://h:7687', { database: 'tasks' }).database).toBe('tasks');
    expect(settings('bolt://h:7687/tasks', { database: 'tasks' }).database).toBe('tasks');
    expect(settings('bolt://h:7687').database).toBeUndefined();
    expect(() => settings('bolt://h/a', { database: 'b' })).toThrow(invalidConfig);
    expect(() => settings('bolt://h/a/b')).toThrow(expect.objectContaining({ code: 'ORCH_INVALID_URL' }));
  });

  it('query parameters are the routing context of neo4j… URLs; bolt… URLs refuse them', () => {
    expect(settings('neo4j://h?region=eu&policy=fast').url).toBe('neo4j://h:7687?region=eu&policy=fast');
    expect(() => settings('bolt://h?region=eu')).toThrow(
      expect.objectContaining({ code: 'ORCH_INVALID_URL' }),
    );
    expect(() => settings('neo4j:///nohost')).toThrow(expect.objectContaining({ code: 'ORCH_INVALID_URL' }));
  });

  it('pool and timeout options go to the driver config unchanged; integers arrive as bigint', () => {
    const s = settings('neo4j://h', {
      maxConnectionPoolSize: 7,
      connectionAcquisitionTimeout: 1234,
      connectionTimeout: 2345,
      maxTransactionRetryTime: 3456,
      maxConnectionLifetime: 4567,
      connectionLivenessCheckTimeout: 5678,
      fetchSize: 100,
      userAgent: 'my-app/1.0',
    });
    expect(s.config).toEqual({
      useBigInt: true,
      userAgent: 'my-app/1.0',
      maxConnectionPoolSize: 7,
      connectionAcquisitionTimeout: 1234,
      connectionTimeout: 2345,
      maxTransactionRetryTime: 3456,
      maxConnectionLifetime: 4567,
      connectionLivenessCheckTimeout: 5678,
      fetchSize: 100,
    });
    expect(settings('neo4j://h').config).toEqual({ useBigInt: true, userAgent: 'orch-adapter-neo4j' });
  });
});

describe('options schema (strict)', () => {
  it('a misspelt or unknown option is ORCH_INVALID_CONFIG naming it, never its value', async () => {
    const err = await failure(
      createAdapter('graph', { url: 'neo4j://127.0.0.1:9', maxConnectionPoolSise: 3 }),
    );
    expect(err).toMatchObject({ code: 'ORCH_INVALID_CONFIG' });
    expect(err.message).toContain('maxConnectionPoolSise');
    const apiKey = await failure(createAdapter('graph', { url: 'neo4j://127.0.0.1:9', apiKey: 'k-1234567' }));
    expect(apiKey).toMatchObject({ code: 'ORCH_INVALID_CONFIG' });
    expect(texts(apiKey)).not.toContain('k-1234567');
  });

  it('bad values are refused: pool sizes, timeouts, batch size, database, node label', async () => {
    for (const bad of [
      { maxConnectionPoolSize: 0 },
      { connectionTimeout: -1 },
      { maxTransactionRetryTime: 1.5 },
      { batchSize: 0 },
      { database: '' },
      { nodeLabel: 'Orch Node' },
      { nodeLabel: 'x`) DETACH DELETE n //' },
      { timeoutMs: 0 },
      { client: { not: 'a driver' } },
    ]) {
      expect(
        await failure(createAdapter('graph', { url: 'neo4j://127.0.0.1:9', ...bad })),
        JSON.stringify(bad),
      ).toMatchObject({
        code: 'ORCH_INVALID_CONFIG',
      });
    }
  });

  it('a node label and batch size are taken; the constraint is named after the label', async () => {
    const store = await build({ url: 'bolt://127.0.0.1:9', nodeLabel: 'TaskGraph_2', batchSize: 10 });
    expect(store.nodeLabel).toBe('TaskGraph_2');
    expect(store.constraintName).toBe('orch_taskgraph_2_id_unique');
    await store.close();
    expect(() => new Neo4jGraphStore({ settings: settings('bolt://h'), nodeLabel: 'bad label' })).toThrow(
      expect.objectContaining({ code: 'ORCH_INVALID_INPUT' }),
    );
  });

  it('no URL and no driver is ORCH_INVALID_CONFIG', async () => {
    expect(await failure(createAdapter('graph', { scheme: 'neo4j' }))).toMatchObject({
      code: 'ORCH_INVALID_CONFIG',
    });
  });
});

describe('an injected driver', () => {
  it('is used as configured: credentials or driver options beside it are refused', async () => {
    const driver = neo4j.driver('bolt://127.0.0.1:9');
    try {
      const store = await build({ scheme: 'bolt', client: driver, database: 'neo4j', nodeLabel: 'Other' });
      expect(store.driver).toBe(driver);
      expect(store.database).toBe('neo4j');
      await store.close();
      const fromUrl = await build({ url: 'bolt://127.0.0.1:9/tasks', client: driver });
      expect(fromUrl.database).toBe('tasks');
      await fromUrl.close();
      for (const clash of [
        { password: 'pw-abc' },
        { username: 'u' },
        { maxConnectionPoolSize: 3 },
        { userAgent: 'x' },
        { url: 'bolt://u:pw-abc@127.0.0.1:9' },
      ]) {
        const err = await failure(build({ scheme: 'bolt', client: driver, ...clash }));
        expect(err, JSON.stringify(clash)).toMatchObject({ code: 'ORCH_INVALID_CONFIG' });
        expect(texts(err)).not.toContain('pw-abc');
      }
    } finally {
      await driver.close();
    }
  });
});

describe('identifiers in Cypher text', () => {
  it('only validated identifiers are interpolated, always backquoted', () => {
    expect(ident('Task_1', 'label')).toBe('`Task_1`');
    for (const bad of ['x`) DETACH DELETE n //', 'a b', '', '1a', 'a-b', 'ü', 'a'.repeat(65), '`']) {
      expect(() => ident(bad, 'type'), bad).toThrow(expect.objectContaining({ code: 'ORCH_INVALID_INPUT' }));
    }
  });
});

describe('server versions', () => {
  it('5.26 and every CalVer release are supported; older 5.x and 4.x are not', () => {
    for (const v of ['5.26.0', '5.26.30', '5.27.0', '2025.01.0', '2026.08.1', '2026.08-aura', 'unknown'])
      expect(isSupportedVersion(v), v).toBe(true);
    for (const v of ['5.25.1', '5.0.0', '4.4.40']) expect(isSupportedVersion(v), v).toBe(false);
  });
});
