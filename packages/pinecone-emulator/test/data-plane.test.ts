import { Errors, type Index } from '@pinecone-database/pinecone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, raw, SERVERLESS, startHarness } from './helpers.js';

const { PineconeArgumentError, PineconeBadRequestError, PineconeNotFoundError } = Errors;

let h: Harness;
let index: Index;

beforeAll(async () => {
  h = await startHarness();
  await h.pc.createIndex({ name: 'docs', dimension: 4, metric: 'cosine', spec: SERVERLESS });
  index = h.pc.index({ name: 'docs' }); // no host: the client resolves it with describeIndex
});
afterAll(async () => {
  await h.emulator.close();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected a rejection');
  return error;
}

describe('host resolution', () => {
  it('the client without a host resolves the per-index host from describeIndex and keeps its path', async () => {
    await index.namespace('host-check').upsert({ records: [{ id: 'h1', values: [1, 0, 0, 0] }] });
    const byExplicitHost = h.pc.index({
      name: 'docs',
      host: h.emulator.indexHost('docs'),
      namespace: 'host-check',
    });
    expect((await byExplicitHost.fetch({ ids: ['h1'] })).records.h1?.values).toEqual([1, 0, 0, 0]);
    await index.namespace('host-check').deleteAll();
  });

  it('points a client that targets the bare server URL to the per-index host', async () => {
    const wrong = h.pc.index({ host: h.emulator.url });
    const error = await rejection(wrong.describeIndexStats());
    expect(error).toBeInstanceOf(PineconeNotFoundError);
    const res = await raw(h.emulator.url, '/describe_index_stats', { body: {} });
    expect(res.status).toBe(404);
    expect((res.body as { message: string }).message).toContain('/__index/');
  });

  it('answers 404 for an index that does not exist, by name or by host', async () => {
    await expect(h.pc.index({ name: 'missing' }).fetch({ ids: ['x'] })).rejects.toBeInstanceOf(
      PineconeNotFoundError,
    );
    const byHost = h.pc.index({ host: h.emulator.indexHost('missing') });
    await expect(byHost.query({ vector: [1, 0, 0, 0], topK: 1 })).rejects.toBeInstanceOf(
      PineconeNotFoundError,
    );
    expect(await raw(h.emulator.url, '/__index/missing/query', { body: { topK: 1, vector: [1] } })).toEqual({
      status: 404,
      body: { code: 5, message: 'Index missing not found.', details: [] },
    });
  });
});

describe('records round trip', () => {
  const ns = () => index.namespace('round-trip');

  it('upserts, fetches only found ids, queries and deletes', async () => {
    await ns().upsert({
      records: [
        {
          id: 'a',
          values: [1, 0, 0, 0],
          metadata: { title: 'A', year: 2001, tags: ['x', 'y'], draft: false },
        },
        { id: 'b', values: [0, 1, 0, 0], metadata: { title: 'B' } },
        { id: 'c', values: [1, 1, 0, 0] },
      ],
    });
    const fetched = await ns().fetch({ ids: ['a', 'c', 'nope'] });
    expect(fetched.namespace).toBe('round-trip');
    expect(Object.keys(fetched.records).sort()).toEqual(['a', 'c']);
    expect(fetched.records.a).toEqual({
      id: 'a',
      values: [1, 0, 0, 0],
      metadata: { title: 'A', year: 2001, tags: ['x', 'y'], draft: false },
    });
    expect(fetched.records.c).toEqual({ id: 'c', values: [1, 1, 0, 0] });

    const plain = await ns().query({ vector: [1, 0, 0, 0], topK: 2 });
    expect(plain.matches.map((m) => m.id)).toEqual(['a', 'c']);
    expect(plain.matches[0]).toEqual({ id: 'a', score: 1, values: [] });
    const full = await ns().query({
      vector: [1, 0, 0, 0],
      topK: 3,
      includeValues: true,
      includeMetadata: true,
    });
    expect(full.matches[0]).toEqual({
      id: 'a',
      score: 1,
      values: [1, 0, 0, 0],
      metadata: { title: 'A', year: 2001, tags: ['x', 'y'], draft: false },
    });
    expect(full.matches[2]).toMatchObject({ id: 'b', score: 0 });
    expect(full.matches[1]?.metadata).toBeUndefined();

    await ns().upsert({ records: [{ id: 'a', values: [0, 0, 1, 0], metadata: { title: 'A2' } }] });
    expect((await ns().fetch({ ids: ['a'] })).records.a).toEqual({
      id: 'a',
      values: [0, 0, 1, 0],
      metadata: { title: 'A2' },
    });

    await ns().deleteOne({ id: 'a' });
    await ns().deleteMany({ ids: ['b', 'never-existed'] });
    expect(Object.keys((await ns().fetch({ ids: ['a', 'b', 'c'] })).records)).toEqual(['c']);
    await ns().deleteAll();
    expect((await ns().fetch({ ids: ['c'] })).records).toEqual({});
  });

  it('reports upsertedCount, the published response fields, on the wire', async () => {
    const res = await raw(h.emulator.indexHost('docs'), '/vectors/upsert', {
      body: { namespace: 'wire', vectors: [{ id: 'w1', values: [0, 0, 0, 1] }] },
    });
    expect(res).toEqual({ status: 200, body: { upsertedCount: 1 } });
    const stats = await raw(h.emulator.indexHost('docs'), '/describe_index_stats', { body: {} });
    expect(stats.body).toMatchObject({
      dimension: 4,
      indexFullness: 0,
      namespaces: { wire: { vectorCount: 1 } },
    });
    await index.namespace('wire').deleteAll();
  });

  it('answers 404 "Namespace not found" when deleting from a namespace without records', async () => {
    const error = await rejection(index.namespace('empty-ns').deleteAll());
    expect(error).toBeInstanceOf(PineconeNotFoundError);
    expect(
      await raw(h.emulator.indexHost('docs'), '/vectors/delete', {
        body: { namespace: 'empty-ns', ids: ['x'] },
      }),
    ).toEqual({ status: 404, body: { code: 5, message: 'Namespace not found', details: [] } });
  });

  it('updates values and merges setMetadata; an unknown id changes nothing', async () => {
    const up = index.namespace('updates');
    await up.upsert({ records: [{ id: 'u1', values: [1, 0, 0, 0], metadata: { keep: 'yes', n: 1 } }] });
    await up.update({ id: 'u1', values: [0, 1, 0, 0], metadata: { n: 2, added: ['t'] } });
    expect((await up.fetch({ ids: ['u1'] })).records.u1).toEqual({
      id: 'u1',
      values: [0, 1, 0, 0],
      metadata: { keep: 'yes', n: 2, added: ['t'] },
    });
    await expect(up.update({ id: 'ghost', metadata: { n: 3 } })).resolves.toBeUndefined();
    expect((await up.fetch({ ids: ['ghost'] })).records).toEqual({});
    await expect(up.update({ id: 'u1', values: [1, 2] })).rejects.toBeInstanceOf(PineconeBadRequestError);
    await up.upsert({ records: [{ id: 'u2', values: [0, 0, 1, 0], metadata: { keep: 'yes' } }] });
    const dry = await raw(h.emulator.indexHost('docs'), '/vectors/update', {
      body: { namespace: 'updates', filter: { keep: 'yes' }, setMetadata: { batch: 1 }, dryRun: true },
    });
    expect(dry).toEqual({ status: 200, body: { matchedRecords: 2 } });
    expect((await up.fetch({ ids: ['u2'] })).records.u2?.metadata).toEqual({ keep: 'yes' });
    await up.update({ filter: { keep: 'yes' }, metadata: { batch: 1 } });
    const after = await up.fetch({ ids: ['u1', 'u2'] });
    expect(after.records.u1?.metadata).toMatchObject({ batch: 1, n: 2 });
    expect(after.records.u2?.metadata).toEqual({ keep: 'yes', batch: 1 });
    const values = await raw(h.emulator.indexHost('docs'), '/vectors/update', {
      body: { namespace: 'updates', filter: { keep: 'yes' }, values: [1, 1, 1, 1] },
    });
    expect(values.status).toBe(400);
  });
});

describe('wire format', () => {
  it('accepts the snake_case proto names too, and pages fetch_by_metadata', async () => {
    const host = h.emulator.indexHost('docs');
    await index.namespace('wire-format').upsert({
      records: ['r3', 'r1', 'r2'].map((id) => ({ id, values: [1, 0, 1, 0], metadata: { kind: 'r' } })),
    });
    const res = await raw(host, '/query', {
      body: { namespace: 'wire-format', vector: [1, 0, 1, 0], top_k: 2, include_metadata: true },
    });
    expect(res).toEqual({
      status: 200,
      body: {
        results: [],
        matches: [
          { id: 'r1', score: expect.closeTo(1, 10), values: [], metadata: { kind: 'r' } },
          { id: 'r2', score: expect.closeTo(1, 10), values: [], metadata: { kind: 'r' } },
        ],
        namespace: 'wire-format',
        usage: { readUnits: 1 },
      },
    });
    const first = await raw(host, '/vectors/fetch_by_metadata', {
      body: { namespace: 'wire-format', filter: { kind: 'r' }, limit: 2 },
    });
    const page1 = first.body as { vectors: Record<string, unknown>; pagination?: { next: string } };
    expect(Object.keys(page1.vectors)).toEqual(['r1', 'r2']);
    const second = await raw(host, '/vectors/fetch_by_metadata', {
      body: {
        namespace: 'wire-format',
        filter: { kind: 'r' },
        limit: 2,
        paginationToken: page1.pagination?.next,
      },
    });
    expect(second.body).toMatchObject({ vectors: { r3: { id: 'r3', metadata: { kind: 'r' } } } });
    expect(second.body).not.toHaveProperty('pagination');
    expect((await raw(host, '/vectors/upsert')).status).toBe(405);
    expect((await raw(h.emulator.url, '/__index/%E0%A4%A/query', { body: {} })).status).toBe(404);
    await raw(host, '/vectors/delete', { body: { namespace: 'wire-format', delete_all: true } });
    expect((await index.describeIndexStats()).namespaces).not.toHaveProperty('wire-format');
  });
});

describe('namespaces', () => {
  it('isolates records per namespace; "" is the default and "__default__" its alias', async () => {
    await index
      .namespace('tenant-a')
      .upsert({ records: [{ id: 'same', values: [1, 0, 0, 0], metadata: { t: 'a' } }] });
    await index.namespace('tenant-b').upsert({
      records: [
        { id: 'same', values: [0, 1, 0, 0], metadata: { t: 'b' } },
        { id: 'only-b', values: [0, 0, 1, 0] },
      ],
    });
    await index.upsert({ records: [{ id: 'default-1', values: [0, 0, 0, 1] }] });
    const a = await index
      .namespace('tenant-a')
      .query({ vector: [0, 1, 0, 0], topK: 10, includeMetadata: true });
    expect(a.matches.map((m) => [m.id, m.metadata])).toEqual([['same', { t: 'a' }]]);
    expect(Object.keys((await index.namespace('tenant-a').fetch({ ids: ['only-b'] })).records)).toEqual([]);
    expect((await index.namespace('tenant-b').fetch({ ids: ['same'] })).records.same?.metadata).toEqual({
      t: 'b',
    });
    expect(Object.keys((await index.namespace('__default__').fetch({ ids: ['default-1'] })).records)).toEqual(
      ['default-1'],
    );

    const stats = await index.describeIndexStats();
    expect(stats).toMatchObject({
      dimension: 4,
      indexFullness: 0,
      namespaces: { '': { recordCount: 1 }, 'tenant-a': { recordCount: 1 }, 'tenant-b': { recordCount: 2 } },
    });
    expect(stats.totalRecordCount).toBe(
      Object.values(stats.namespaces ?? {}).reduce((sum, n) => sum + n.recordCount, 0),
    );

    await index.namespace('tenant-b').deleteAll();
    const after = await index.describeIndexStats();
    expect(after.namespaces).not.toHaveProperty('tenant-b');
    expect(after.namespaces?.['tenant-a']).toEqual({ recordCount: 1 });
    await index.namespace('tenant-a').deleteAll();
    await index.deleteAll();
  });

  it('rejects a metadata filter in describe_index_stats, as serverless indexes do', async () => {
    const error = await rejection(index.describeIndexStats({ filter: { t: 'a' } }));
    expect(error).toBeInstanceOf(PineconeBadRequestError);
    expect(error.message).toContain('do not support describing index stats with metadata filtering');
  });
});

describe('list', () => {
  it('pages ids with a prefix in bitwise order and a pagination token', async () => {
    const ns = index.namespace('listing');
    const ids = Array.from({ length: 250 }, (_, i) => `doc#${String(i).padStart(3, '0')}`);
    for (let i = 0; i < ids.length; i += 100) {
      await ns.upsert({ records: ids.slice(i, i + 100).map((id) => ({ id, values: [1, 1, 1, 1] })) });
    }
    await ns.upsert({ records: [{ id: 'other', values: [1, 0, 0, 0] }] });

    const first = await ns.listPaginated({ prefix: 'doc#' });
    expect(first.vectors?.map((v) => v.id)).toEqual(ids.slice(0, 100));
    expect(first.namespace).toBe('listing');
    expect(first.pagination?.next).toEqual(expect.any(String));
    const second = await ns.listPaginated({ prefix: 'doc#', paginationToken: first.pagination!.next! });
    expect(second.vectors?.map((v) => v.id)).toEqual(ids.slice(100, 200));
    const third = await ns.listPaginated({ prefix: 'doc#', paginationToken: second.pagination!.next! });
    expect(third.vectors?.map((v) => v.id)).toEqual(ids.slice(200));
    expect(third.pagination).toBeUndefined();

    const small = await ns.listPaginated({ limit: 3 });
    expect(small.vectors?.map((v) => v.id)).toEqual(['doc#000', 'doc#001', 'doc#002']);
    const everything = await ns.listPaginated({ limit: 1000 });
    expect(everything.vectors).toHaveLength(251);
    expect(everything.vectors?.at(-1)?.id).toBe('other');
    await expect(ns.listPaginated({ paginationToken: 'not-a-token' })).rejects.toBeInstanceOf(
      PineconeBadRequestError,
    );
    await ns.deleteAll();
  });

  it('orders by UTF-8 bytes (code points), not UTF-16 units', async () => {
    const ns = index.namespace('unicode');
    const ids = ['\u{1F600}', '\uFF21', 'Z', 'a', '\u00E9'];
    await ns.upsert({ records: ids.map((id) => ({ id, values: [1, 0, 0, 1] })) });
    const listed = await ns.listPaginated();
    expect(listed.vectors?.map((v) => v.id)).toEqual(['Z', 'a', '\u00E9', '\uFF21', '\u{1F600}']);
    await ns.deleteAll();
  });
});

describe('documented limits and rejections', () => {
  const limits = () => index.namespace('limits');

  it('dimension mismatch: 400 with the service message (upsert, query, update)', async () => {
    const error = await rejection(limits().upsert({ records: [{ id: 'x', values: [1, 2, 3] }] }));
    expect(error).toBeInstanceOf(PineconeBadRequestError);
    expect(error.message).toBe('Vector dimension 3 does not match the dimension of the index 4');
    const query = await rejection(limits().query({ vector: [1, 2], topK: 1 }));
    expect(query).toBeInstanceOf(PineconeBadRequestError);
    expect(query.message).toContain('dimension 2 does not match the dimension of the index 4');
    expect(
      await raw(h.emulator.indexHost('docs'), '/vectors/upsert', {
        body: { vectors: [{ id: 'x', values: [1] }] },
      }),
    ).toEqual({
      status: 400,
      body: {
        code: 3,
        message: 'Vector dimension 1 does not match the dimension of the index 4',
        details: [],
      },
    });
  });

  it('more than 1,000 vectors per upsert: 400 (and nothing is written)', async () => {
    const records = Array.from({ length: 1001 }, (_, i) => ({ id: `v${i}`, values: [1, 0, 0, 0] }));
    await expect(limits().upsert({ records })).rejects.toBeInstanceOf(PineconeBadRequestError);
    expect(Object.keys((await limits().fetch({ ids: ['v0'] })).records)).toEqual([]);
    await limits().upsert({ records: records.slice(0, 1000) });
    expect((await index.describeIndexStats()).namespaces?.limits?.recordCount).toBe(1000);
    await limits().deleteAll();
  });

  it('a request body over 2 MB: 400 "Request size …MB exceeds the maximum supported size of 2MB"', async () => {
    await h.pc.createIndex({ name: 'wide', dimension: 2000, spec: SERVERLESS });
    const wide = h.pc.index({ name: 'wide' });
    const records = Array.from({ length: 100 }, (_, i) => ({
      id: `w${i}`,
      values: Array.from({ length: 2000 }, (_, j) => (i * 2000 + j + 1) / 3),
    }));
    const error = await rejection(wide.upsert({ records }));
    expect(error).toBeInstanceOf(PineconeBadRequestError);
    expect(error.message).toMatch(/^Request size \d+MB exceeds the maximum supported size of 2MB$/);
    await wide.upsert({ records: records.slice(0, 10) });
    expect((await wide.describeIndexStats()).totalRecordCount).toBe(10);
  });

  it('topK outside 1..10000: 400', async () => {
    await limits().upsert({ records: [{ id: 'k', values: [1, 0, 0, 0] }] });
    const error = await rejection(limits().query({ vector: [1, 0, 0, 0], topK: 10_001 }));
    expect(error).toBeInstanceOf(PineconeBadRequestError);
    expect(error.message).toContain('topK');
    await expect(limits().query({ vector: [1, 0, 0, 0], topK: 10_000 })).resolves.toMatchObject({
      matches: [{ id: 'k' }],
    });
    // The client refuses topK 0 itself; the service answers 400 to it too.
    await expect(limits().query({ vector: [1, 0, 0, 0], topK: 0 })).rejects.toBeInstanceOf(
      PineconeArgumentError,
    );
    const zero = await raw(h.emulator.indexHost('docs'), '/query', {
      body: { vector: [1, 0, 0, 0], topK: 0 },
    });
    expect(zero).toMatchObject({ status: 400, body: { code: 3 } });
    const missing = await raw(h.emulator.indexHost('docs'), '/query', { body: { vector: [1, 0, 0, 0] } });
    expect(missing.status).toBe(400);
    await limits().deleteAll();
  });

  it('metadata values: string, number, boolean or list of strings only', async () => {
    const bad: unknown[] = [[1, 2, 3], { nested: true }, null, ['a', 1]];
    for (const value of bad) {
      const error = await rejection(
        limits().upsert({
          records: [{ id: 'm', values: [1, 0, 0, 0], metadata: { field: value as string } }],
        }),
      );
      expect(error).toBeInstanceOf(PineconeBadRequestError);
      expect(error.message).toContain(
        "Metadata value must be a string, number, boolean or list of strings, got '",
      );
      expect(error.message).toContain("for field 'field'");
    }
    await limits().upsert({
      records: [
        { id: 'm', values: [1, 0, 0, 0], metadata: { s: 'x', n: 1.5, b: true, l: ['a', 'b'], e: [] } },
      ],
    });
    expect((await limits().fetch({ ids: ['m'] })).records.m?.metadata).toEqual({
      s: 'x',
      n: 1.5,
      b: true,
      l: ['a', 'b'],
      e: [],
    });
    await limits().deleteAll();
  });

  it('metadata over 40 KB per vector: 400', async () => {
    const error = await rejection(
      limits().upsert({
        records: [{ id: 'big', values: [1, 0, 0, 0], metadata: { text: 'x'.repeat(41_000) } }],
      }),
    );
    expect(error).toBeInstanceOf(PineconeBadRequestError);
    expect(error.message).toMatch(
      /^Metadata size is \d+ bytes, which exceeds the limit of 40960 bytes per vector$/,
    );
    await limits().upsert({
      records: [{ id: 'fits', values: [1, 0, 0, 0], metadata: { text: 'x'.repeat(40_000) } }],
    });
    const grow = await rejection(limits().update({ id: 'fits', metadata: { more: 'y'.repeat(2000) } }));
    expect(grow).toBeInstanceOf(PineconeBadRequestError);
    await limits().deleteAll();
  });

  it('ids: 1 to 512 characters', async () => {
    await limits().upsert({ records: [{ id: 'i'.repeat(512), values: [1, 0, 0, 0] }] });
    const error = await rejection(
      limits().upsert({ records: [{ id: 'i'.repeat(513), values: [1, 0, 0, 0] }] }),
    );
    expect(error).toBeInstanceOf(PineconeBadRequestError);
    expect(error.message).toContain('512');
    const empty = await raw(h.emulator.indexHost('docs'), '/vectors/upsert', {
      body: { namespace: 'limits', vectors: [{ id: '', values: [1, 0, 0, 0] }] },
    });
    expect(empty.status).toBe(400);
    await limits().deleteAll();
  });

  it('more than 1,000 ids per fetch or delete: 400', async () => {
    await limits().upsert({ records: [{ id: 'f', values: [1, 0, 0, 0] }] });
    const ids = Array.from({ length: 1001 }, (_, i) => `id${i}`);
    await expect(limits().fetch({ ids })).rejects.toBeInstanceOf(PineconeBadRequestError);
    await expect(limits().deleteMany({ ids })).rejects.toBeInstanceOf(PineconeBadRequestError);
    await limits().deleteAll();
  });

  it('all-zero dense vectors and sparse values are rejected', async () => {
    const zero = await rejection(limits().upsert({ records: [{ id: 'z', values: [0, 0, 0, 0] }] }));
    expect(zero).toBeInstanceOf(PineconeBadRequestError);
    expect(zero.message).toContain('at least one non-zero value');
    const sparse = await rejection(
      limits().upsert({
        records: [{ id: 's', values: [1, 0, 0, 0], sparseValues: { indices: [1], values: [0.5] } }],
      }),
    );
    expect(sparse).toBeInstanceOf(PineconeBadRequestError);
    expect(sparse.message).toContain('not emulated');
  });

  it('malformed bodies: 400 in the data-plane shape', async () => {
    const res = await raw(h.emulator.indexHost('docs'), '/vectors/upsert', { body: '{"vectors": [' });
    expect(res).toMatchObject({ status: 400, body: { code: 3, details: [] } });
    const both = await raw(h.emulator.indexHost('docs'), '/vectors/delete', {
      body: { ids: ['a'], deleteAll: true },
    });
    expect(both.status).toBe(400);
  });
});
