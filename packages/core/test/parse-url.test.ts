import { describe, expect, it } from 'vitest';
import { parseStoreUrl } from '../src/adapter-kit.js';
import { isOrchError } from '../src/index.js';

describe('parseStoreUrl', () => {
  it.each([
    ['sqlite:///tasks.db', 'sqlite', 'tasks.db'],
    ['sqlite:////var/data/tasks.db', 'sqlite', '/var/data/tasks.db'],
    ['sqlite::memory:', 'sqlite', ':memory:'],
    ['file:local.db', 'file', 'local.db'],
    ['file:///abs/local.db', 'file', '/abs/local.db'],
    ['memory:', 'memory', ''],
    ['SQLITE:///x.db', 'sqlite', 'x.db'],
  ])('%s -> scheme %s, path %s', (url, scheme, path) => {
    const parsed = parseStoreUrl(url);
    expect(parsed.scheme).toBe(scheme);
    expect(parsed.path).toBe(path);
  });

  it('parses server URLs with credentials and redacts them', () => {
    const parsed = parseStoreUrl('neo4j+s://neo:p%40ss@graph.example:7687/db1?timeout=5');
    expect(parsed).toMatchObject({
      scheme: 'neo4j+s',
      username: 'neo',
      password: 'p@ss',
      host: 'graph.example',
      port: 7687,
      path: 'db1',
    });
    expect(parsed.params).toEqual({ timeout: '5' });
    expect(parsed.redacted).not.toContain('p%40ss');
    expect(parsed.redacted).toContain('***');
  });

  it('parses chromadb and pinecone forms', () => {
    expect(parseStoreUrl('chromadb+https://chroma.local:8443')).toMatchObject({
      scheme: 'chromadb+https',
      host: 'chroma.local',
      port: 8443,
    });
    expect(parseStoreUrl('pinecone://my-index?namespace=tasks')).toMatchObject({
      scheme: 'pinecone',
      host: 'my-index',
      params: { namespace: 'tasks' },
    });
  });

  it.each([
    '',
    '   ',
    'no-scheme-here',
    'chromadb://bad host:99999',
    'sqlite://remotehost/x.db',
    'sqlite:///%E0%A4%A',
  ])('rejects %j with ORCH_INVALID_URL', (url) => {
    let caught: unknown;
    try {
      parseStoreUrl(url);
    } catch (err) {
      caught = err;
    }
    expect(isOrchError(caught, 'ORCH_INVALID_URL')).toBe(true);
  });

  it('never echoes a password from a malformed URL', () => {
    try {
      parseStoreUrl('neo4j://user:topsecret@bad host');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('topsecret');
    }
  });
});
