import assert from 'node:assert/strict';
import { createAdapter, isOrchError, type VectorStore } from '@orch/core';
import { afterEach, describe, expect, it } from 'vitest';
import { emulatorStoreConfig } from '../src/index.js';
import { EMULATOR_API_KEY, emulatorUrl, openStore, rawClient, SERVERLESS, uniqueIndex } from './helpers.js';

// The default mapping: one index per store URL, each collection a namespace of it.

const stores: VectorStore[] = [];
async function store(url: string, options: Parameters<typeof openStore>[1] = {}): Promise<VectorStore> {
  const s = await openStore(url, options);
  stores.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function stats(index: string): Promise<Record<string, number>> {
  const s = await rawClient().index({ name: index }).describeIndexStats();
  return Object.fromEntries(Object.entries(s.namespaces ?? {}).map(([k, v]) => [k, v.recordCount]));
}

describe('mapping=namespaces (the default): one index per URL, collections are namespaces', () => {
  it('creates the missing index with the first collection’s dimension and metric', async () => {
    const index = uniqueIndex();
    const s = await store(`pinecone://${index}`);
    assert.equal((await s.health()).details.exists, false);
    const info = await s.ensureCollection('tasks', { dimension: 3, metric: 'l2' });
    assert.deepEqual(info, { name: 'tasks', dimension: 3, metric: 'l2' });
    const model = await rawClient().describeIndex(index);
    assert.equal(model.dimension, 3);
    assert.equal(model.metric, 'euclidean');
    const health = await s.health();
    assert.equal(health.status, 'healthy');
    assert.equal(health.details.dimension, 3);
    assert.equal(health.details.metric, 'l2');
    assert.ok(!JSON.stringify(health).includes(EMULATOR_API_KEY), 'health never shows the key');
  });

  it('collections share the index but not their records; counts come per namespace', async () => {
    const index = uniqueIndex();
    const s = await store(`pinecone://${index}`);
    await s.ensureCollection('alpha', { dimension: 2 });
    await s.ensureCollection('beta', { dimension: 2 });
    await s.upsert('alpha', [{ id: 'same', vector: [1, 0], metadata: { owner: 'a' } }]);
    await s.upsert('beta', [
      { id: 'same', vector: [0, 1], metadata: { owner: 'b' } },
      { id: 'other', vector: [1, 1], metadata: { owner: 'b' } },
    ]);
    assert.equal(await s.count('alpha'), 1);
    assert.equal(await s.count('beta'), 2);
    assert.equal(await s.count('beta', { owner: 'b' }), 2);
    assert.deepEqual((await s.get('alpha', ['same']))[0]?.metadata, { owner: 'a' });
    const hits = await s.query('beta', { vector: [0, 1], topK: 5, filter: { owner: 'b' } });
    assert.deepEqual(
      hits.map((h) => h.id),
      ['same', 'other'],
    );
    assert.deepEqual(
      (await s.listCollections()).map((c) => c.name),
      ['alpha', 'beta'],
    );
    // One namespace per collection plus the registry; nothing else.
    assert.deepEqual(await stats(index), { __orch_collections: 2, alpha: 1, beta: 2 });
    await s.delete('beta', { filter: { owner: 'b' } });
    assert.equal(await s.count('beta'), 0);
    await s.delete('beta', { ids: ['nothing-here'] }); // empty namespace: Pinecone answers 404, a no-op here
    assert.equal(await s.count('alpha'), 1);
  });

  it('an empty collection exists for other store instances too (the registry namespace)', async () => {
    const index = uniqueIndex();
    const a = await store(`pinecone://${index}`);
    await a.ensureCollection('empty-one', { dimension: 4, metric: 'ip' });
    const b = await store(`pinecone://${index}`);
    assert.deepEqual(await b.describeCollection('empty-one'), {
      name: 'empty-one',
      dimension: 4,
      metric: 'ip',
    });
    assert.equal(await b.count('empty-one'), 0);
    assert.deepEqual(
      (await b.listCollections()).map((c) => c.name),
      ['empty-one'],
    );
    assert.equal(await b.describeCollection('never-made'), null);
  });

  it('a collection with another dimension or metric than the index is refused, with the reason', async () => {
    const index = uniqueIndex();
    const s = await store(`pinecone://${index}`);
    await s.ensureCollection('first', { dimension: 3, metric: 'cosine' });
    const dim = await s.ensureCollection('second', { dimension: 8 }).catch((e: unknown) => e);
    assert.ok(isOrchError(dim, 'ORCH_DIMENSION_MISMATCH'), String(dim));
    expect(dim.message).toContain(`Pinecone index "${index}" has dimension 3`);
    expect(dim.message).toContain('mapping=indexes');
    assert.deepEqual(dim.details, { index, expected: 3, actual: 8 });
    const metric = await s
      .ensureCollection('second', { dimension: 3, metric: 'l2' })
      .catch((e: unknown) => e);
    assert.ok(isOrchError(metric, 'ORCH_CONFLICT'), String(metric));
    expect(metric.message).toContain('uses cosine');
    assert.equal(await s.describeCollection('second'), null, 'nothing was registered');
    // The existing collection with another dimension: the base's own check.
    const again = await s.ensureCollection('first', { dimension: 4 }).catch((e: unknown) => e);
    assert.ok(isOrchError(again, 'ORCH_DIMENSION_MISMATCH'));
  });

  it('works on an index created elsewhere, with its dimension and metric', async () => {
    const index = uniqueIndex();
    await rawClient().createIndex({ name: index, dimension: 3, metric: 'dotproduct', spec: SERVERLESS });
    const s = await store(`pinecone://${index}`, { createIndexes: false });
    await expect(s.ensureCollection('docs', { dimension: 3 })).rejects.toMatchObject({
      code: 'ORCH_CONFLICT',
    });
    await s.ensureCollection('docs', { dimension: 3, metric: 'ip' });
    await s.upsert('docs', [
      { id: 'a', vector: [2, 0, 0] },
      { id: 'zero', vector: [0, 0, 0] },
    ]);
    const [best, second] = await s.query('docs', { vector: [1, 0, 0], topK: 2 });
    assert.equal(best?.id, 'a');
    assert.equal(best?.score, 2);
    assert.equal(best?.distance, -1);
    assert.equal(second?.id, 'zero');
    assert.ok(Math.abs(second!.score) < 1e-20);
    assert.deepEqual(
      (await s.get('docs', ['zero']))[0]?.vector,
      [0, 0, 0],
      'the zero vector reads back as zeros',
    );
  });

  it('a missing index with createIndexes: false is ORCH_NOT_FOUND naming it', async () => {
    const index = uniqueIndex();
    const s = await store(`pinecone://${index}`, { createIndexes: false });
    const err = await s.ensureCollection('x-1', { dimension: 2 }).catch((e: unknown) => e);
    assert.ok(isOrchError(err, 'ORCH_NOT_FOUND'));
    expect(err.message).toContain(`Pinecone index "${index}" does not exist`);
    assert.deepEqual(await s.listCollections(), []);
  });

  it('an index deleted behind the store: describe null, list empty, drop false, data calls ORCH_NOT_FOUND', async () => {
    const index = uniqueIndex();
    const s = await store(`pinecone://${index}`);
    await s.ensureCollection('lost', { dimension: 2 });
    await s.upsert('lost', [{ id: 'a', vector: [1, 0] }]);
    await rawClient().deleteIndex(index);
    await expect(s.count('lost')).rejects.toMatchObject({ code: 'ORCH_NOT_FOUND' });
    assert.equal(await s.describeCollection('lost'), null);
    assert.deepEqual(await s.listCollections(), []);
    assert.equal(await s.dropCollection('lost'), false);
    // And it comes back when asked for again (a new index).
    await s.ensureCollection('lost', { dimension: 2 });
    assert.equal(await s.count('lost'), 0);
  });

  it('mapping=indexes with createIndexes: false refuses to create a collection’s index', async () => {
    const s = await store(`pinecone://${uniqueIndex('nc')}?mapping=indexes`, { createIndexes: false });
    await expect(s.ensureCollection('tasks', { dimension: 2 })).rejects.toMatchObject({
      code: 'ORCH_NOT_FOUND',
      message: expect.stringContaining('orch_collection=tasks'),
    });
  });

  it('?namespace= prefixes the namespaces, so two stores share one index without meeting', async () => {
    const index = uniqueIndex();
    const staging = await store(`pinecone://${index}?namespace=staging`);
    const prod = await store(`pinecone://${index}`, { namespace: 'prod' });
    await staging.ensureCollection('tasks', { dimension: 2 });
    await prod.ensureCollection('tasks', { dimension: 2 });
    await staging.upsert('tasks', [{ id: 't', vector: [1, 0], metadata: { env: 'staging' } }]);
    await prod.upsert('tasks', [
      { id: 't', vector: [1, 0], metadata: { env: 'prod' } },
      { id: 'u', vector: [0, 1] },
    ]);
    assert.equal(await staging.count('tasks'), 1);
    assert.equal(await prod.count('tasks'), 2);
    assert.deepEqual((await staging.get('tasks', ['t']))[0]?.metadata, { env: 'staging' });
    assert.deepEqual(await stats(index), {
      'prod:__orch_collections': 1,
      'prod:tasks': 2,
      'staging:__orch_collections': 1,
      'staging:tasks': 1,
    });
    assert.equal(await staging.dropCollection('tasks'), true);
    assert.equal(await prod.count('tasks'), 2, 'dropping in one store left the other alone');
    assert.deepEqual(await stats(index), { 'prod:__orch_collections': 1, 'prod:tasks': 2 });
  });

  it('dropCollection removes records and registry entry; re-creating starts empty', async () => {
    const index = uniqueIndex();
    const s = await store(`pinecone://${index}`);
    await s.ensureCollection('gone', { dimension: 2 });
    await s.upsert('gone', [{ id: 'a', vector: [1, 2], document: 'x'.repeat(100_000) }]);
    assert.equal(await s.dropCollection('gone'), true);
    assert.equal(await s.dropCollection('gone'), false);
    assert.equal(await s.describeCollection('gone'), null);
    assert.deepEqual(await stats(index), {}, 'records, document parts and registry entry are gone');
    await s.ensureCollection('gone', { dimension: 2 });
    assert.equal(await s.count('gone'), 0);
  });

  it('indexHost skips the host lookup; an injected client is used as given and never closed', async () => {
    const index = uniqueIndex();
    const client = rawClient();
    await client.createIndex({ name: index, dimension: 2, metric: 'cosine', spec: SERVERLESS });
    const host = (await client.describeIndex(index)).host;
    const s = await createAdapter('vector', { url: `pinecone://${index}`, client, indexHost: host });
    await s.ensureCollection('c-1', { dimension: 2 });
    await s.upsert('c-1', [{ id: 'a', vector: [1, 0] }]);
    assert.equal(await s.count('c-1'), 1);
    await s.close();
    assert.equal((await client.describeIndex(index)).name, index, 'the client still works after close()');
    const both = await createAdapter('vector', {
      url: `pinecone://${index}`,
      client,
      apiKey: 'x-other-key',
    }).catch((e: unknown) => e);
    assert.ok(isOrchError(both, 'ORCH_INVALID_CONFIG'));
  });

  it('emulatorStoreConfig builds the store config for an emulator (for other packages’ tests)', async () => {
    const config = emulatorStoreConfig(emulatorUrl(), {
      index: uniqueIndex(),
      namespace: 'run-1',
      apiKey: EMULATOR_API_KEY,
    });
    assert.match(config.url, /^pinecone:\/\/ap-[0-9a-f]+\?namespace=run-1$/);
    const s = await createAdapter('vector', config);
    stores.push(s);
    await s.ensureCollection('tasks', { dimension: 2 });
    await s.upsert('tasks', [{ id: 't', vector: [1, 0] }]);
    assert.equal(await s.count('tasks'), 1);
    const indexes = emulatorStoreConfig('http://127.0.0.1:1', { mapping: 'indexes' });
    assert.deepEqual(indexes, {
      url: 'pinecone://orch?mapping=indexes',
      apiKey: 'orch-emulator-key',
      controllerHostUrl: 'http://127.0.0.1:1',
      maxRetries: 0,
    });
  });

  it('the URL and options are checked', async () => {
    const bad: [string, Record<string, unknown>, string][] = [
      ['pinecone://', {}, 'ORCH_INVALID_URL'],
      ['pinecone://Upper-Case', {}, 'ORCH_INVALID_URL'],
      ['pinecone://idx:1234', {}, 'ORCH_INVALID_URL'],
      ['pinecone://idx/path', {}, 'ORCH_INVALID_URL'],
      ['pinecone://idx?nmespace=x', {}, 'ORCH_INVALID_URL'],
      ['pinecone://idx?mapping=tables', {}, 'ORCH_INVALID_URL'],
      ['pinecone://idx?namespace=a%23b', {}, 'ORCH_INVALID_URL'],
      ['pinecone://idx?namespace=a', { namespace: 'b' }, 'ORCH_INVALID_CONFIG'],
      ['pinecone://idx', { mapping: 'indexes', indexHost: 'http://127.0.0.1:1' }, 'ORCH_INVALID_CONFIG'],
      ['pinecone://a-very-long-prefix-for-indexes?mapping=indexes', {}, 'ORCH_INVALID_URL'],
      ['pinecone://idx', { apiKye: 'typo' }, 'ORCH_INVALID_CONFIG'],
      ['pinecone://idx', { client: {} }, 'ORCH_INVALID_CONFIG'],
      ['pinecone://idx', { controllerHostUrl: '127.0.0.1:5080' }, 'ORCH_INVALID_CONFIG'],
      ['pinecone://idx', { password: 'pw' }, 'ORCH_INVALID_CONFIG'],
    ];
    for (const [url, options, code] of bad) {
      const err = await createAdapter('vector', {
        url,
        apiKey: EMULATOR_API_KEY,
        controllerHostUrl: emulatorUrl(),
        ...options,
      }).catch((e: unknown) => e);
      assert.ok(isOrchError(err, code as never), `${url} ${JSON.stringify(options)}: ${String(err)}`);
    }
    const secret = 'pc-in-url-secret-9f8e7d';
    const inUrl = await createAdapter('vector', { url: `pinecone://key:${secret}@idx` }).catch(
      (e: unknown) => e,
    );
    assert.ok(isOrchError(inUrl, 'ORCH_INVALID_URL'));
    assert.ok(!inUrl.message.includes(secret));
  });

  it('without apiKey it reads PINECONE_API_KEY (and PINECONE_CONTROLLER_HOST); with neither it says so', async () => {
    const saved = { key: process.env.PINECONE_API_KEY, host: process.env.PINECONE_CONTROLLER_HOST };
    try {
      delete process.env.PINECONE_API_KEY;
      const none = await createAdapter('vector', 'pinecone://idx').catch((e: unknown) => e);
      assert.ok(isOrchError(none, 'ORCH_INVALID_CONFIG'));
      expect(none.message).toContain('PINECONE_API_KEY');
      process.env.PINECONE_API_KEY = EMULATOR_API_KEY;
      process.env.PINECONE_CONTROLLER_HOST = emulatorUrl();
      const s = await createAdapter('vector', `pinecone://${uniqueIndex()}`);
      stores.push(s);
      assert.equal((await s.health()).status, 'healthy');
    } finally {
      for (const [name, value] of [
        ['PINECONE_API_KEY', saved.key],
        ['PINECONE_CONTROLLER_HOST', saved.host],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
