import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { LIMITS, planUpsertBatches, toPineconeRecord } from '../src/conversion.js';
import { UpsertBatches } from '../src/upsert-batches.js';

const records = Array.from({ length: 2_300 }, (_, i) => ({
  id: `r${i}`,
  // Large records cut requests by bytes; the run of small ones in the middle, by count.
  vector: Array.from(
    { length: i % 7 === 0 || (i >= 1_000 && i < 2_100) ? 4 : 384 },
    (_, j) => Math.sin(i + j * 0.37) / (1 + (i % 5)),
  ),
  metadata: { i, tag: 'x'.repeat(i % 300) },
  ...(i === 17 ? { document: 'long '.repeat(20_000) } : i % 3 === 0 ? { document: `doc ${i}` } : {}),
}));

function drain(batches: UpsertBatches, prepareEvery: number): { ids: string[][]; spilled: string[][] } {
  const ids: string[][] = [];
  const spilled: string[][] = [];
  for (let k = 0; ; k++) {
    if (k % prepareEvery === 0) batches.prepare();
    const batch = batches.take();
    if (!batch) return { ids, spilled };
    ids.push(batch.records.map((r) => r.id));
    spilled.push(batch.spilled.map((o) => o.record.id));
  }
}

describe('UpsertBatches', () => {
  it('plans the same requests as planning the whole call at once, prepared ahead or not', () => {
    const outgoing = records.map((r) => toPineconeRecord(r, r.vector.length, () => 'v'));
    const whole = planUpsertBatches(
      outgoing.map((o) => o.record),
      'ns',
    ).map((b) => b.map((r) => r.id));
    assert.ok(whole.length >= 4, `${whole.length} requests`);
    assert.ok(
      whole.some((b) => b.length === LIMITS.upsertRecords),
      'one request is cut by the record count',
    );
    for (const every of [1, 2, 1_000]) {
      const { ids, spilled } = drain(new UpsertBatches(records, 384, 'ns'), every);
      assert.deepEqual(ids, whole, `prepared every ${every}`);
      assert.deepEqual(
        spilled.flat(),
        ['r17'],
        'the long document spills, with the request carrying its record',
      );
      assert.ok(ids[spilled.findIndex((s) => s.length > 0)]!.includes('r17'));
    }
  });

  it('holds each request within the limits it is given', () => {
    const limits = { records: 3, bytes: 20_000 };
    const { ids } = drain(new UpsertBatches(records.slice(0, 40), 384, 'ns', limits), 1);
    assert.deepEqual(
      ids.flat(),
      records.slice(0, 40).map((r) => r.id),
      'every record once, in order',
    );
    assert.ok(ids.every((b) => b.length >= 1 && b.length <= 3));
    assert.deepEqual(new UpsertBatches([], 3, 'ns').take(), undefined);
  });
});
