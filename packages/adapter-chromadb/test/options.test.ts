import { createAdapter, listSchemes } from '@orch/core';
import { parseStoreUrl } from '@orch/core/adapter-kit';
import { ChromaClient } from 'chromadb';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../src/client.js';
import { ChromaVectorStore, chromaAdapter, register } from '../src/index.js';

const settings = (url: string, options = {}) => resolveSettings(parseStoreUrl(url), options);
/** The store `createAdapter` would build, before it connects it. */
const build = async (config: { url: string } & Record<string, unknown>) =>
  (await chromaAdapter.create({
    kind: 'vector',
    scheme: parseStoreUrl(config.url).scheme,
    url: parseStoreUrl(config.url),
    config,
  })) as ChromaVectorStore;
/** The error a promise rejects with (the test fails if it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!outcome) expect.fail('expected a rejection');
  return outcome;
}
const invalidConfig = expect.objectContaining({ code: 'ORCH_INVALID_CONFIG' });

describe('registration', () => {
  it('registers chromadb: and chromadb+https: for vectors on import, and again on register()', () => {
    expect(listSchemes('vector')).toEqual(expect.arrayContaining(['chromadb', 'chromadb+https']));
    register();
    expect(chromaAdapter.schemes).toEqual(['chromadb', 'chromadb+https']);
    expect(chromaAdapter.kind).toBe('vector');
  });

  it('creates a ChromaVectorStore from a URL without connecting', async () => {
    const store = await build({ url: 'chromadb://127.0.0.1:9' });
    expect(store).toBeInstanceOf(ChromaVectorStore);
    expect(store.scheme).toBe('chromadb');
    expect(store.closed).toBe(false);
    await store.close();
    const tls = await build({ url: 'chromadb+https://127.0.0.1:9' });
    expect(tls.scheme).toBe('chromadb+https');
    await tls.close();
  });
});

describe('URL forms', () => {
  it('chromadb://host:port is HTTP; the port defaults to 8000', () => {
    expect(settings('chromadb://db.example:1234')).toMatchObject({
      host: 'db.example',
      port: 1234,
      ssl: false,
    });
    expect(settings('chromadb://db.example')).toMatchObject({ port: 8000, ssl: false });
  });

  it('chromadb+https://host is TLS; the port defaults to 443', () => {
    expect(settings('chromadb+https://chroma.example')).toMatchObject({ port: 443, ssl: true });
    expect(settings('chromadb+https://chroma.example:8443')).toMatchObject({ port: 8443, ssl: true });
  });

  it('tenant and database default to Chroma`s, come from the path or from options, never both differently', () => {
    expect(settings('chromadb://h')).toMatchObject({
      tenant: 'default_tenant',
      database: 'default_database',
    });
    expect(settings('chromadb://h/mydb')).toMatchObject({ tenant: 'default_tenant', database: 'mydb' });
    expect(settings('chromadb://h/acme/mydb')).toMatchObject({ tenant: 'acme', database: 'mydb' });
    expect(settings('chromadb://h', { tenant: 't', database: 'd' })).toMatchObject({
      tenant: 't',
      database: 'd',
    });
    expect(settings('chromadb://h/d', { database: 'd' })).toMatchObject({ database: 'd' });
    expect(() => settings('chromadb://h/d', { database: 'other' })).toThrowError(invalidConfig);
    expect(() => settings('chromadb://h/a/b/c')).toThrowError(invalidConfig);
    expect(() => settings('chromadb://h/a//b')).toThrowError(invalidConfig);
  });

  it('URL parameters are refused (options carry settings)', () => {
    expect(() => settings('chromadb://h?tenant=x')).toThrowError(invalidConfig);
  });

  it('an IPv6 host keeps its brackets in the client URL', async () => {
    const store = new ChromaVectorStore({ settings: settings('chromadb://[::1]:9') });
    const health = await store.health();
    expect(health.status).toBe('unhealthy');
    expect(health.error?.code).toBe('ORCH_CONNECTION_FAILED');
    await store.close();
  });
});

describe('credentials', () => {
  it('a token goes out as a bearer Authorization header, or as X-Chroma-Token', () => {
    expect(settings('chromadb://h', { token: 'tok-1' }).headers).toEqual({ authorization: 'Bearer tok-1' });
    expect(settings('chromadb://h', { token: 'tok-2', authHeader: 'x-chroma-token' }).headers).toEqual({
      'x-chroma-token': 'tok-2',
    });
    expect(settings('chromadb://h', { apiKey: 'tok-3' }).headers).toEqual({ authorization: 'Bearer tok-3' });
    expect(settings('chromadb://:tok-4@h').headers).toEqual({ authorization: 'Bearer tok-4' });
  });

  it('a user name and password go out as basic auth', () => {
    const basic = Buffer.from('ann:s3cret').toString('base64');
    expect(settings('chromadb://ann:s3cret@h').headers).toEqual({ authorization: `Basic ${basic}` });
    expect(settings('chromadb://h', { username: 'ann', password: 's3cret' }).headers).toEqual({
      authorization: `Basic ${basic}`,
    });
  });

  it('conflicting or half-given credentials are ORCH_INVALID_CONFIG', () => {
    expect(() => settings('chromadb://ann:pw@h', { token: 't' })).toThrowError(invalidConfig);
    expect(() => settings('chromadb://h', { username: 'ann' })).toThrowError(invalidConfig);
    expect(() => settings('chromadb://h', { token: 'a', apiKey: 'b' })).toThrowError(invalidConfig);
    expect(() => settings('chromadb://:t@h', { token: 'other' })).toThrowError(invalidConfig);
    expect(() => settings('chromadb://ann:pw@h', { authHeader: 'x-chroma-token' })).toThrowError(
      invalidConfig,
    );
  });

  it('extra headers are passed on, lower-cased', () => {
    expect(settings('chromadb://h', { headers: { 'X-Proxy-Key': 'k', Via: 'orch' } }).headers).toEqual({
      'x-proxy-key': 'k',
      via: 'orch',
    });
  });

  it('a token never appears in errors or health output', async () => {
    const token = `tok-${Math.random().toString(36).slice(2)}-secret`;
    const failed = await failure(
      createAdapter('vector', { url: 'chromadb://127.0.0.1:9', token, retries: 0 }),
    );
    expect(failed).toMatchObject({ code: 'ORCH_CONNECTION_FAILED', retriable: true });
    expect(`${failed.message} ${failed.stack} ${JSON.stringify(failed)}`).not.toContain(token);
    const store = await build({ url: 'chromadb://127.0.0.1:9', token, retries: 0 });
    const health = await store.health();
    expect(health.status).toBe('unhealthy');
    expect(JSON.stringify(health)).not.toContain(token);
    const err = await failure(store.count('anything'));
    expect(err).toMatchObject({ code: 'ORCH_CONNECTION_FAILED', retriable: true });
    expect(`${err.message} ${err.stack} ${JSON.stringify(err)}`).not.toContain(token);
    await store.close();
  });
});

describe('options', () => {
  it('a misspelt or mistyped option is ORCH_INVALID_CONFIG naming it', async () => {
    const e1 = await createAdapter('vector', { url: 'chromadb://h', tennant: 'x' } as never).catch((e) => e);
    expect(e1).toMatchObject({ code: 'ORCH_INVALID_CONFIG' });
    expect(e1.message).toContain('tennant');
    const e2 = await createAdapter('vector', { url: 'chromadb://h', retries: -1 } as never).catch((e) => e);
    expect(e2).toMatchObject({ code: 'ORCH_INVALID_CONFIG' });
    expect(e2.message).toContain('retries');
    const e3 = await createAdapter('vector', { url: 'chromadb://h', client: {} } as never).catch((e) => e);
    expect(e3).toMatchObject({ code: 'ORCH_INVALID_CONFIG' });
    expect(e3.message).toContain('client');
    const e4 = await createAdapter('vector', { url: 'chromadb://h', authHeader: 'cookie' } as never).catch(
      (e) => e,
    );
    expect(e4).toMatchObject({ code: 'ORCH_INVALID_CONFIG' });
  });

  it('an injected client brings its own connection settings: tenant, database or a token beside it are refused', async () => {
    const client = new ChromaClient({ host: '127.0.0.1', port: 9 });
    for (const extra of [{ tenant: 't' }, { database: 'd' }, { token: 'x' }, { headers: { a: 'b' } }]) {
      const err = await createAdapter('vector', { scheme: 'chromadb', client, ...extra } as never).catch(
        (e) => e,
      );
      expect(err, JSON.stringify(extra)).toMatchObject({ code: 'ORCH_INVALID_CONFIG' });
    }
  });

  it('maxBatchSize caps the write batch before any connection', () => {
    const store = new ChromaVectorStore({ settings: settings('chromadb://h'), maxBatchSize: 7 });
    expect(store.capabilities.maxBatchSize).toBe(7);
  });
});
