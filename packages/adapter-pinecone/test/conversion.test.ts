import assert from 'node:assert/strict';
import { distanceBetween, type NormalizedVectorRecord, scoreFromDistance } from '@orch/core/adapter-kit';
import type { PineconeRecord, RecordMetadata } from '@pinecone-database/pinecone';
import { describe, it } from 'vitest';
import {
  compareMatches,
  DOCUMENT_KEY,
  distanceFromScore,
  fromPineconeMetric,
  fromPineconeRecord,
  fromPineconeValues,
  isInMatchOrder,
  jsonStringBytes,
  LIMITS,
  MAX_PINECONE_METADATA_BYTES,
  metadataBytes,
  metadataJsonBound,
  numberJsonBound,
  PART_TEXT_BYTES,
  planFetchBatches,
  planUpsertBatches,
  recordJsonBound,
  splitDocument,
  toPineconeMetric,
  toPineconeRecord,
  toPineconeValues,
  valuesJsonBound,
  ZERO_VECTOR_STANDIN,
} from '../src/conversion.js';
import { INDEX_NAME, indexNameFor } from '../src/layout.js';
import { UpsertBatches } from '../src/upsert-batches.js';

const ALL = { vectors: true, metadata: true, documents: true };

describe('metrics and scores', () => {
  it('maps cosine/l2/ip to cosine/euclidean/dotproduct and back', () => {
    for (const [orch, pinecone] of [
      ['cosine', 'cosine'],
      ['l2', 'euclidean'],
      ['ip', 'dotproduct'],
    ] as const) {
      assert.equal(toPineconeMetric(orch), pinecone);
      assert.equal(fromPineconeMetric(pinecone), orch);
    }
    assert.equal(fromPineconeMetric('hamming'), undefined);
  });

  it('turns Pinecone’s scores into orch’s distance and score exactly as core defines them', () => {
    const q = [1, 2, 2];
    const v = [0.5, -1, 3];
    const dot = q.reduce((s, x, i) => s + x * v[i]!, 0);
    const norm = (u: number[]) => Math.hypot(...u);
    const squared = q.reduce((s, x, i) => s + (x - v[i]!) ** 2, 0);
    // What Pinecone reports per metric: similarity, squared distance, dot product.
    const reported = { cosine: dot / (norm(q) * norm(v)), l2: squared, ip: dot } as const;
    for (const metric of ['cosine', 'l2', 'ip'] as const) {
      const distance = distanceFromScore(metric, reported[metric]);
      assert.ok(Math.abs(distance - distanceBetween(metric, q, v)) < 1e-12, metric);
    }
    assert.equal(distanceFromScore('l2', 9), 3, 'euclidean: the square root of the squared distance');
    assert.equal(scoreFromDistance('l2', 3), 0.25, 'score 1 / (1 + d)');
    assert.equal(distanceFromScore('l2', -1e-9), 0, 'rounding below zero is clamped');
    assert.equal(distanceFromScore('cosine', 0.8), 1 - 0.8);
    assert.equal(distanceFromScore('ip', 5), -4);
  });

  it('sends an all-zero vector as [2^-100, 0, …] and reads it back as zeros', () => {
    assert.deepEqual(toPineconeValues([0, 0, 0]), [ZERO_VECTOR_STANDIN, 0, 0]);
    assert.deepEqual(toPineconeValues([0, 1e-300, 0]), [0, 1e-300, 0]);
    assert.deepEqual(fromPineconeValues([ZERO_VECTOR_STANDIN, 0, 0]), [0, 0, 0]);
    assert.deepEqual(fromPineconeValues([ZERO_VECTOR_STANDIN, 0, 1]), [ZERO_VECTOR_STANDIN, 0, 1]);
    assert.equal(Math.fround(ZERO_VECTOR_STANDIN), ZERO_VECTOR_STANDIN, 'exact in float32');
  });

  it('orders matches nearest first and ties by id, and tells when an answer is already in that order', () => {
    const answer = [
      { id: 'b', distance: 0.1 },
      { id: 'a', distance: 0.1 },
      { id: 'c', distance: 0.05 },
    ];
    assert.equal(isInMatchOrder(answer), false);
    const sorted = [...answer].sort(compareMatches);
    assert.deepEqual(
      sorted.map((m) => m.id),
      ['c', 'a', 'b'],
    );
    assert.equal(isInMatchOrder(sorted), true);
    assert.equal(isInMatchOrder([]), true);
  });

  it('reads a match back with its distance in the same object', () => {
    assert.deepEqual(
      fromPineconeRecord(
        'a',
        undefined,
        { k: 1 },
        { vectors: false, metadata: true, documents: true },
        undefined,
        0.25,
      ),
      {
        id: 'a',
        distance: 0.25,
        metadata: { k: 1 },
      },
    );
  });
});

describe('records and documents', () => {
  it('keeps a document inline under orch:document when it fits, and hides the orch: keys on the way back', () => {
    const out = toPineconeRecord({ id: 'a', vector: [1, 0], metadata: { k: 'v' }, document: 'text' }, 2);
    assert.deepEqual(out.record.metadata, { k: 'v', [DOCUMENT_KEY]: 'text' });
    assert.deepEqual(out.parts, []);
    const back = fromPineconeRecord('a', [1, 0], out.record.metadata, ALL);
    assert.deepEqual(back, { id: 'a', vector: [1, 0], metadata: { k: 'v' }, document: 'text' });
    assert.deepEqual(fromPineconeRecord('a', [1, 0], out.record.metadata, { ...ALL, documents: false }), {
      id: 'a',
      vector: [1, 0],
      metadata: { k: 'v' },
    });
  });

  it('moves a document that does not fit in 40,960 bytes of metadata into part records', () => {
    const document = `${'é'.repeat(30_000)}🚀${'"'.repeat(20_000)}`;
    const out = toPineconeRecord({ id: 'big', vector: [1, 0], metadata: { k: 1 }, document }, 2, () => 'v1');
    assert.equal(out.version, 'v1');
    assert.deepEqual(out.record.metadata, {
      k: 1,
      'orch:document_parts': out.parts.length,
      'orch:document_version': 'v1',
    });
    assert.ok(out.parts.length >= 3);
    let joined = '';
    for (const [k, part] of out.parts.entries()) {
      const bytes = Buffer.byteLength(JSON.stringify(part.metadata));
      assert.ok(bytes <= MAX_PINECONE_METADATA_BYTES, `part ${k}: ${bytes} bytes`);
      assert.equal(part.metadata?.['orch:record'], 'big');
      assert.equal(part.metadata?.['orch:part'], k);
      joined += part.metadata?.['orch:text'];
    }
    assert.equal(joined, document);
  });

  it('splits documents at code points, within the byte budget, losing nothing', () => {
    const text = 'a😀\u0001"\\é'.repeat(20_000);
    const parts = splitDocument(text, 1_000);
    assert.equal(parts.join(''), text);
    for (const p of parts) {
      assert.ok(jsonStringBytes(p) <= 1_000);
      assert.ok(!/^[\udc00-\udfff]/.test(p) && !/[\ud800-\udbff]$/.test(p), 'no surrogate pair is cut');
    }
    assert.deepEqual(splitDocument(''), ['']);
    assert.ok(PART_TEXT_BYTES < MAX_PINECONE_METADATA_BYTES);
  });
});

describe('request planning', () => {
  const random = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };

  it('upsert batches never pass 1,000 records or 2,000,000 bytes of JSON (measured exactly here)', () => {
    const next = random(7);
    for (const dimension of [3, 384, 1536, 20_000]) {
      const records: PineconeRecord[] = Array.from({ length: dimension > 2000 ? 300 : 2500 }, (_, i) => ({
        id: `rec-${i}-${'x'.repeat(i % 50)}`,
        values: Array.from({ length: dimension }, () => next() / 7),
        ...(i % 3 === 0 ? { metadata: { text: 'ü'.repeat(i % 5000), n: i } } : {}),
      }));
      const batches = planUpsertBatches(records, 'ns:collection');
      assert.equal(batches.flat().length, records.length, 'every record, once');
      assert.deepEqual(
        batches.flat().map((r) => r.id),
        records.map((r) => r.id),
        'in order',
      );
      for (const batch of batches) {
        assert.ok(batch.length <= LIMITS.upsertRecords);
        const body = Buffer.byteLength(JSON.stringify({ vectors: batch, namespace: 'ns:collection' }));
        assert.ok(body <= LIMITS.upsertBytes, `dimension ${dimension}: a body of ${body} bytes`);
      }
      if (dimension === 3)
        assert.deepEqual(
          batches.map((b) => b.length),
          [1000, 1000, 500],
        );
    }
  });

  it('the worst-case number text is within the bound used for vectors', () => {
    for (const n of [-0.0000012345678901234567, -1.7976931348623157e308, -2.2250738585072014e-308, -5e-324]) {
      assert.ok(JSON.stringify(n).length <= 25, String(n));
    }
  });

  it('fetch batches keep to 1,000 ids and a bounded URL', () => {
    const ids = Array.from({ length: 2500 }, (_, i) => `id-${i}`);
    const batches = planFetchBatches(ids);
    assert.deepEqual(batches.flat(), ids);
    for (const b of batches) {
      assert.ok(b.length <= 1000);
      assert.ok(b.map((id) => `ids=${encodeURIComponent(id)}`).join('&').length <= LIMITS.fetchQueryBytes);
    }
    const long = Array.from({ length: 40 }, (_, i) => `${i}-${'ü'.repeat(500)}`);
    assert.ok(planFetchBatches(long).length > 1);
  });
});

describe('index names for mapping=indexes', () => {
  it('keeps valid names readable and hashes the rest, always a valid Pinecone name', () => {
    assert.equal(indexNameFor('orch', 'tasks'), 'orch-tasks');
    const names = [
      'Tasks',
      'tasks',
      'my_tasks',
      'my-tasks',
      `tk-${'x'.repeat(58)}9`,
      `tk-${'x'.repeat(58)}8`,
    ];
    const mapped = names.map((n) => indexNameFor('orch', n));
    assert.equal(new Set(mapped).size, names.length, 'distinct collections, distinct indexes');
    for (const m of mapped) {
      assert.ok(m.length <= 45, m);
      assert.match(m, INDEX_NAME);
    }
    assert.match(indexNameFor('orch', 'Tasks'), /^orch-tasks-[0-9a-f]{8}$/);
  });
});

describe('the JSON size bound of vector values', () => {
  it('is never below the real length, for numbers of every magnitude', () => {
    const next = (() => {
      let seed = 12345;
      return () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
    })();
    const samples: number[] = [
      0, -0, 1, -1, 0.1, 0.01, 1e-6, 1e-7, 1e21, 1e20, 5e-324, 1.7976931348623157e308,
    ];
    for (let e = -330; e <= 310; e += 1)
      for (let k = 0; k < 20; k++) {
        const x = (next() * 10 - 5) * 10 ** e;
        if (Number.isFinite(x)) samples.push(x, -x, Math.fround(x));
      }
    for (const x of samples)
      assert.ok(JSON.stringify(x).length <= numberJsonBound(x), `${x}: ${JSON.stringify(x)}`);
    const v = samples.slice(0, 2000);
    assert.ok(JSON.stringify(v).length <= valuesJsonBound(v));
  });

  it('sends values as they are, and upsert bodies planned from the measured sizes stay within 2 MB', () => {
    const vector = Array.from({ length: 384 }, (_, i) => Math.cos(i * 7.1) * (i % 7 === 0 ? 1e-7 : 0.3));
    const values = toPineconeValues(vector);
    assert.equal(values, vector, 'sent as it is');
    assert.ok(JSON.stringify(values).length <= valuesJsonBound(values));
    const normalized = Array.from({ length: 1500 }, (_, i) => ({
      id: `r${i}`,
      vector: vector.map((x) => x * (1 + i / 7)),
      metadata: { i },
    }));
    const records = normalized.map((r) => toPineconeRecord(r, 384).record);
    // UpsertBatches plans from the sizes measured while converting.
    const batches = new UpsertBatches(normalized, 384, 'ns');
    const planned: (readonly PineconeRecord[])[] = [];
    for (let b = batches.take(); b; b = batches.take()) planned.push(b.records);
    assert.deepEqual(
      planned.map((b) => b.length),
      planUpsertBatches(records, 'ns').map((b) => b.length),
      'the same plan as measuring again',
    );
    for (const batch of planned)
      assert.ok(Buffer.byteLength(JSON.stringify({ vectors: batch, namespace: 'ns' })) <= LIMITS.upsertBytes);
  });

  it('is tight for typical embedding values (within 10%)', () => {
    const v = Array.from({ length: 384 }, (_, i) => Math.sin(i * 12.9898) * 0.08);
    const real = JSON.stringify(v).length;
    assert.ok(valuesJsonBound(v) <= real * 1.1, `${valuesJsonBound(v)} vs ${real}`);
  });
});

describe('JSON sizes counted without printing', () => {
  it('counts strings exactly as Buffer.byteLength(JSON.stringify(s)), lone surrogates included', () => {
    const samples = [
      '',
      'plain',
      '"quoted" \\ back',
      '\u0000\u0001\b\t\n\f\r\u001f\u007f',
      'é€😀',
      '\ud800',
      'a\udc00b',
      '\ud83d\ude00\ud83d',
      'x'.repeat(50_000),
    ];
    for (let c = 0; c < 0x10000; c += 97) samples.push(String.fromCharCode(c, c + 1, 0x41));
    for (const s of samples)
      assert.equal(jsonStringBytes(s), Buffer.byteLength(JSON.stringify(s)), JSON.stringify(s));
  });

  it('bounds every double from above by sign, exponent and first mantissa bits, and integers exactly', () => {
    const f64 = new Float64Array(1);
    const bits = new BigUint64Array(f64.buffer);
    for (let high = 0n; high < 65536n; high++) {
      // Both ends of each bucket and a point inside.
      for (const low of [0n, 1n, (1n << 47n) + 12345n, (1n << 48n) - 1n]) {
        bits[0] = (high << 48n) | low;
        const x = f64[0]!;
        if (!Number.isFinite(x) || x === 0) continue;
        assert.ok(JSON.stringify(x).length <= numberJsonBound(x), `${x}`);
        assert.ok(JSON.stringify([x]).length <= valuesJsonBound([x]), `[${x}]`);
      }
    }
    // Around every power of ten, where the length changes.
    for (let n = -323; n <= 308; n++) {
      f64[0] = 10 ** n;
      const at = bits[0]!;
      for (let d = -2n; d <= 2n; d++) {
        bits[0] = at + d;
        const x = f64[0]!;
        assert.ok(JSON.stringify(x).length <= numberJsonBound(x), `${x}`);
        assert.ok(JSON.stringify(-x).length <= numberJsonBound(-x), `${-x}`);
      }
    }
    for (let k = 0; k <= 20; k++)
      for (const x of [10 ** k, 10 ** k - 1, -(10 ** k), 2 ** 53 - 1, -(2 ** 53), 123456789012345680000])
        assert.ok(JSON.stringify(x).length <= numberJsonBound(x), `${x}`);
    for (const x of [0, 7, -7, 10, 99, 100, -1234, 2 ** 31, 2 ** 53 - 1])
      assert.equal(numberJsonBound(x), JSON.stringify(x).length, `${x}`);
    assert.equal(numberJsonBound(-0), 1);
  });

  it('bounds metadata from above, exactly for keys, strings and booleans', () => {
    const samples: RecordMetadata[] = [
      {},
      { a: 'x' },
      { status: 'open', i: 12, flag: true, off: false },
      { t: 'é"\n😀', x: -0.000123456789, big: 1e300, neg: -12.5 },
      { 'orch:document': 'doc', k: 1 },
    ];
    for (const m of samples) assert.ok(metadataJsonBound(m) >= metadataBytes(m), JSON.stringify(m));
    assert.equal(
      metadataJsonBound({ status: 'open', flag: true, t: 'é"😀' }),
      metadataBytes({ status: 'open', flag: true, t: 'é"😀' }),
    );
    assert.equal(metadataJsonBound(undefined), 0);
    assert.equal(metadataJsonBound({}), 2);
    assert.equal(
      metadataJsonBound({ k: 'v' }, DOCUMENT_KEY, 'text'),
      metadataBytes({ k: 'v', [DOCUMENT_KEY]: 'text' }),
    );
    assert.equal(
      metadataJsonBound(undefined, DOCUMENT_KEY, 'text'),
      metadataBytes({ [DOCUMENT_KEY]: 'text' }),
    );
  });

  it('gives each outgoing record a size bound at or above its JSON in a request', () => {
    const vector = Array.from({ length: 64 }, (_, i) => Math.sin(i) * 0.2);
    const records: NormalizedVectorRecord[] = [
      { id: 'a', vector },
      { id: 'é"', vector, metadata: { k: 'v', n: 3.25 } },
      { id: 'd', vector, metadata: { k: 'v' }, document: 'short "doc"' },
      { id: 'big', vector, metadata: { k: 1 }, document: 'ü'.repeat(30_000) },
      { id: 'z', vector: [0, 0, 0] },
    ];
    for (const record of records) {
      const out = toPineconeRecord(record, record.vector.length, () => 'v1');
      const json = Buffer.byteLength(JSON.stringify(out.record)) + 1; // and a comma
      assert.ok(out.bytes >= json, `${record.id}: ${out.bytes} < ${json}`);
      assert.equal(out.bytes, recordJsonBound(out.record));
      assert.ok(out.bytes - json < 40 + record.vector.length * 2, `${record.id}: tight`);
    }
  });

  it('keeps a document inline exactly up to 40,960 bytes of metadata, even where the bound is over', () => {
    // Numbers the bound over-counts, so that the exact size decides near the limit.
    const metadata = { a: 0.5, b: 0.25, c: 1.5 };
    const base = metadataBytes({ ...metadata, [DOCUMENT_KEY]: '' });
    for (const extra of [0, 1]) {
      const document = 'd'.repeat(MAX_PINECONE_METADATA_BYTES - base + extra);
      assert.ok(metadataJsonBound(metadata, DOCUMENT_KEY, document) > MAX_PINECONE_METADATA_BYTES);
      const out = toPineconeRecord({ id: 'r', vector: [1, 0], metadata, document }, 2, () => 'v1');
      if (extra === 0) {
        assert.equal(out.parts.length, 0, 'exactly at the limit: inline');
        assert.equal(out.record.metadata?.[DOCUMENT_KEY], document);
        assert.ok(out.bytes >= Buffer.byteLength(JSON.stringify(out.record)));
      } else {
        assert.equal(out.version, 'v1', 'one byte over: part records');
        assert.equal(out.record.metadata?.['orch:document_parts'], out.parts.length);
      }
    }
  });
});
