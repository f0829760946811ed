import { Errors, Pinecone } from '@pinecone-database/pinecone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINECONE_API_VERSION, startPineconeEmulator } from '../src/index.js';
import { type Harness, raw, SERVERLESS, startHarness } from './helpers.js';

const { PineconeAuthorizationError, PineconeBadRequestError, PineconeConflictError, PineconeNotFoundError } =
  Errors;

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emulator.close();
});

describe('control plane through @pinecone-database/pinecone 8.2.0', () => {
  it('speaks the API version the client sends', async () => {
    const { readFileSync } = await import('node:fs');
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const file = require.resolve(
      '@pinecone-database/pinecone/dist/pinecone-generated-ts-fetch/db_data/api_version.js',
    );
    expect(readFileSync(file, 'utf8')).toContain(`'${PINECONE_API_VERSION}'`);
  });

  it('creates, describes, lists and deletes a serverless index', async () => {
    const created = await h.pc.createIndex({
      name: 'movies',
      dimension: 4,
      metric: 'dotproduct',
      spec: SERVERLESS,
    });
    expect(created).toMatchObject({
      name: 'movies',
      dimension: 4,
      metric: 'dotproduct',
      host: `${h.emulator.url}/__index/movies`,
      deletionProtection: 'disabled',
      vectorType: 'dense',
      status: { ready: true, state: 'Ready' },
      spec: {
        serverless: {
          cloud: 'aws',
          region: 'us-east-1',
          readCapacity: { mode: 'OnDemand', status: { state: 'Ready' } },
        },
      },
    });
    expect(await h.pc.describeIndex('movies')).toEqual(created);
    const { indexes } = await h.pc.listIndexes();
    expect(indexes?.map((i) => i.name)).toContain('movies');
    await h.pc.deleteIndex('movies');
    await expect(h.pc.describeIndex('movies')).rejects.toBeInstanceOf(PineconeNotFoundError);
    expect((await h.pc.listIndexes()).indexes?.map((i) => i.name)).not.toContain('movies');
  });

  it('defaults the metric to cosine and waits for readiness at once', async () => {
    const created = await h.pc.createIndex({
      name: 'defaults',
      dimension: 2,
      spec: SERVERLESS,
      waitUntilReady: true,
    });
    expect(created).toMatchObject({ metric: 'cosine', status: { ready: true } });
  });

  it('answers 409 for a duplicate name (and suppressConflicts swallows it)', async () => {
    await h.pc.createIndex({ name: 'dup', dimension: 2, spec: SERVERLESS });
    const error = await h.pc
      .createIndex({ name: 'dup', dimension: 2, spec: SERVERLESS })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PineconeConflictError);
    expect((error as Error).message).toContain('409');
    await expect(
      h.pc.createIndex({ name: 'dup', dimension: 2, spec: SERVERLESS, suppressConflicts: true }),
    ).resolves.toBeUndefined();
    const body = await raw(h.emulator.url, '/indexes', {
      body: { name: 'dup', dimension: 2, spec: SERVERLESS },
    });
    expect(body).toEqual({
      status: 409,
      body: { error: { code: 'ALREADY_EXISTS', message: 'Resource already exists.' }, status: 409 },
    });
  });

  it('validates index names as documented', async () => {
    for (const name of ['Upper', 'under_score', '-leading', 'trailing-', 'dot.ted', 'a'.repeat(46)]) {
      await expect(h.pc.createIndex({ name, dimension: 2, spec: SERVERLESS })).rejects.toBeInstanceOf(
        PineconeBadRequestError,
      );
    }
    const res = await raw(h.emulator.url, '/indexes', {
      body: { name: 'Bad', dimension: 2, spec: SERVERLESS },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_ARGUMENT' }, status: 400 });
    await expect(
      h.pc.createIndex({ name: 'a'.repeat(45), dimension: 2, spec: SERVERLESS }),
    ).resolves.toMatchObject({
      name: 'a'.repeat(45),
    });
  });

  it('rejects dimensions outside 1..20000 and unknown metrics or clouds with 400', async () => {
    await expect(
      h.pc.createIndex({ name: 'big', dimension: 20_001, spec: SERVERLESS }),
    ).rejects.toBeInstanceOf(PineconeBadRequestError);
    const metric = await raw(h.emulator.url, '/indexes', {
      body: { name: 'm', dimension: 2, metric: 'manhattan', spec: SERVERLESS },
    });
    expect(metric.status).toBe(400);
    const cloud = await raw(h.emulator.url, '/indexes', {
      body: { name: 'c', dimension: 2, spec: { serverless: { cloud: 'ibm', region: 'x' } } },
    });
    expect(cloud.status).toBe(400);
    const missing = await raw(h.emulator.url, '/indexes', { body: { name: 'no-spec', dimension: 2 } });
    expect(missing).toMatchObject({
      status: 422,
      body: { error: { code: 'UNPROCESSABLE_ENTITY' }, status: 422 },
    });
  });

  it('rejects what it does not emulate with 400 UNIMPLEMENTED, never silently (pods, sparse, collections)', async () => {
    const attempts = [
      () =>
        h.pc.createIndex({
          name: 'pod',
          dimension: 2,
          spec: { pod: { environment: 'us-east1-gcp', podType: 'p1.x1' } },
        }),
      () =>
        h.pc.createIndex({ name: 'sparse', vectorType: 'sparse', metric: 'dotproduct', spec: SERVERLESS }),
      () => h.pc.listCollections(),
    ];
    for (const attempt of attempts) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PineconeBadRequestError);
      expect((error as Error).message).toContain('not emulated');
    }
    expect(await raw(h.emulator.url, '/collections')).toMatchObject({
      status: 400,
      body: { error: { code: 'UNIMPLEMENTED' }, status: 400 },
    });
    expect((await h.pc.listIndexes()).indexes?.map((i) => i.name)).not.toContain('pod');
  });

  it('answers 404 with the published error body for an unknown index', async () => {
    await expect(h.pc.describeIndex('nope')).rejects.toBeInstanceOf(PineconeNotFoundError);
    await expect(h.pc.deleteIndex('nope')).rejects.toBeInstanceOf(PineconeNotFoundError);
    expect(await raw(h.emulator.url, '/indexes/nope')).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'Index nope not found.' }, status: 404 },
    });
  });

  it('honours deletion protection (403) and configureIndex lifts it and sets tags', async () => {
    await h.pc.createIndex({
      name: 'guarded',
      dimension: 2,
      spec: SERVERLESS,
      deletionProtection: 'enabled',
      tags: { team: 'search', env: 'ci' },
    });
    const error = await h.pc.deleteIndex('guarded').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PineconeBadRequestError); // the client maps 403 to this class
    expect((error as Error).message).toContain('Deletion protection is enabled');
    const configured = await h.pc.configureIndex({
      name: 'guarded',
      deletionProtection: 'disabled',
      tags: { env: '', owner: 'me' },
    });
    expect(configured).toMatchObject({
      deletionProtection: 'disabled',
      tags: { team: 'search', owner: 'me' },
    });
    expect(configured.tags).not.toHaveProperty('env');
    await h.pc.deleteIndex('guarded');
    await expect(
      h.pc.configureIndex({ name: 'guarded', deletionProtection: 'enabled' }),
    ).rejects.toBeInstanceOf(PineconeNotFoundError);
  });

  it('requires the Api-Key header (401) and, when configured, a specific key', async () => {
    expect(await raw(h.emulator.url, '/indexes', { apiKey: null })).toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED' }, status: 401 },
    });
    expect(await raw(h.emulator.url, '/__index/x/query', { apiKey: null, body: { topK: 1 } })).toMatchObject({
      status: 401,
      body: { code: 16, details: [] },
    });
    const strict = await startPineconeEmulator({ apiKey: 'right-key' });
    try {
      const wrong = new Pinecone({ apiKey: 'wrong-key', controllerHostUrl: strict.url, maxRetries: 0 });
      await expect(wrong.listIndexes()).rejects.toBeInstanceOf(PineconeAuthorizationError);
      const right = new Pinecone({ apiKey: 'right-key', controllerHostUrl: strict.url, maxRetries: 0 });
      await expect(right.listIndexes()).resolves.toEqual({ indexes: [] });
    } finally {
      await strict.close();
    }
  });

  it('returns a host built from the Host header the client used', async () => {
    await h.pc.createIndex({ name: 'hosted', dimension: 2, spec: SERVERLESS });
    const viaLocalhost = h.emulator.url.replace('127.0.0.1', 'localhost');
    const res = await raw(viaLocalhost, '/indexes/hosted');
    expect(res.body).toMatchObject({ host: `${viaLocalhost}/__index/hosted` });
    expect(h.emulator.indexHost('hosted')).toBe(`${h.emulator.url}/__index/hosted`);
  });
});
