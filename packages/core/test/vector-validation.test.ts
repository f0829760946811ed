import { describe, expect, it } from 'vitest';
import { MAX_METADATA_BYTES, validateMetadata, validateVector } from '../src/adapter-kit.js';
import { isOrchError } from '../src/index.js';

const failure = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return isOrchError(err) ? { code: err.code, message: err.message, details: err.details } : 'foreign';
  }
  return 'ok';
};

describe('validateMetadata size limit', () => {
  /** Metadata whose JSON is exactly `bytes` bytes, made of `unit` (one JSON byte size each). */
  const sized = (bytes: number, unit: string, unitBytes: number) => {
    const base = Buffer.byteLength(JSON.stringify({ n: 12345, ok: true, t: '' }));
    const count = Math.floor((bytes - base) / unitBytes);
    const pad = 'p'.repeat(bytes - base - count * unitBytes);
    const metadata = { n: 12345, ok: true, t: pad + unit.repeat(count) };
    expect(Buffer.byteLength(JSON.stringify(metadata))).toBe(bytes);
    return metadata;
  };

  it('accepts exactly the limit and refuses one byte more, with the exact size, for any text', () => {
    for (const [unit, unitBytes] of [
      ['a', 1],
      ['"', 2],
      ['\n', 2],
      ['\u0001', 6],
      ['é', 2],
      ['€', 3],
      ['😀', 4],
    ] as const) {
      expect(failure(() => validateMetadata(sized(MAX_METADATA_BYTES, unit, unitBytes), 'upsert'))).toBe(
        'ok',
      );
      const over = failure(() => validateMetadata(sized(MAX_METADATA_BYTES + 1, unit, unitBytes), 'upsert'));
      expect(over).toMatchObject({
        code: 'ORCH_INVALID_INPUT',
        message: `upsert: metadata is ${MAX_METADATA_BYTES + 1} bytes; the limit is ${MAX_METADATA_BYTES}.`,
      });
    }
  });

  it('measures many keys and long numbers exactly near the limit', () => {
    const metadata: Record<string, number> = {};
    let i = 0;
    while (Buffer.byteLength(JSON.stringify(metadata)) <= MAX_METADATA_BYTES)
      metadata[`k${i++}`] = -0.0000012345678901234567;
    const bytes = Buffer.byteLength(JSON.stringify(metadata));
    expect(failure(() => validateMetadata(metadata, 'w'))).toMatchObject({
      message: `w: metadata is ${bytes} bytes; the limit is ${MAX_METADATA_BYTES}.`,
    });
    delete metadata[`k${i - 1}`];
    expect(failure(() => validateMetadata(metadata, 'w'))).toBe('ok');
  });

  it('still checks every key and value of small metadata', () => {
    expect(failure(() => validateMetadata({ 'bad key': 1 }, 'w'))).toMatchObject({
      code: 'ORCH_INVALID_INPUT',
    });
    expect(failure(() => validateMetadata({ a: ['x'] }, 'w'))).toMatchObject({ code: 'ORCH_INVALID_INPUT' });
    expect(failure(() => validateMetadata({ a: null }, 'w'))).toMatchObject({ code: 'ORCH_INVALID_INPUT' });
    expect(failure(() => validateMetadata({ a: Number.NaN }, 'w'))).toMatchObject({
      code: 'ORCH_INVALID_INPUT',
    });
    expect(failure(() => validateMetadata({ a: { b: 1 } }, 'w'))).toMatchObject({
      code: 'ORCH_INVALID_INPUT',
    });
    const ok = { a: 'x', b: 1, c: false };
    expect(validateMetadata(ok, 'w')).toBe(ok);
    expect(validateMetadata({}, 'w')).toEqual({});
  });
});

describe('validateVector', () => {
  const info = { name: 'c', dimension: 3, metric: 'cosine' as const };

  it('returns a copy the caller may reuse, from arrays and typed arrays', () => {
    const input = [0.5, -1, 2];
    const out = validateVector(input, info, 'w');
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    input[0] = 9;
    expect(out[0]).toBe(0.5);
    expect(validateVector(new Float32Array([0.5, 1, 2]), info, 'w')).toEqual([0.5, 1, 2]);
    expect(Array.isArray(validateVector(new Float64Array([1, 2, 3]), info, 'w'))).toBe(true);
  });

  it('names the first component that is not a finite number, and refuses zero vectors for cosine', () => {
    expect(failure(() => validateVector([1, Number.NaN, Number.POSITIVE_INFINITY], info, 'w'))).toMatchObject(
      {
        code: 'ORCH_INVALID_INPUT',
        details: { index: 1 },
      },
    );
    // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
    expect(failure(() => validateVector([1, , 3], info, 'w'))).toMatchObject({ details: { index: 1 } });
    expect(failure(() => validateVector([1, '2', 3], info, 'w'))).toMatchObject({ details: { index: 1 } });
    expect(failure(() => validateVector([0, 0, 0], info, 'w'))).toMatchObject({ code: 'ORCH_INVALID_INPUT' });
    // Squares that underflow to zero count as a zero vector, as before.
    expect(failure(() => validateVector([1e-200, 0, 0], info, 'w'))).toMatchObject({
      code: 'ORCH_INVALID_INPUT',
    });
    expect(validateVector([0, 0, 0], { ...info, metric: 'l2' }, 'w')).toEqual([0, 0, 0]);
    expect(failure(() => validateVector([1, 2], info, 'w'))).toMatchObject({
      code: 'ORCH_DIMENSION_MISMATCH',
    });
  });

  it('refuses components a float32 store would keep as Infinity, and vectors that are zero in float32', () => {
    const FLOAT32_MAX = 3.4028234663852886e38;
    for (const big of [1e39, -1e39, Number.MAX_VALUE, FLOAT32_MAX * 1.0000001]) {
      expect(failure(() => validateVector([1, big, 3], info, 'upsert'))).toMatchObject({
        code: 'ORCH_INVALID_INPUT',
        details: { index: 1 },
        message: expect.stringMatching(/float32 range/),
      });
    }
    // The largest float32, and a double just above it that rounds down to it, are kept as given.
    expect(validateVector([1, FLOAT32_MAX, -FLOAT32_MAX], info, 'w')).toEqual([1, FLOAT32_MAX, -FLOAT32_MAX]);
    expect(validateVector([1, FLOAT32_MAX * 1.00000001, 3], info, 'w')[1]).toBe(FLOAT32_MAX * 1.00000001);
    // Every component below float32's smallest subnormal: zero once stored, so no direction.
    expect(failure(() => validateVector([1e-46, -1e-46, 0], info, 'w'))).toMatchObject({
      code: 'ORCH_INVALID_INPUT',
      message: expect.stringMatching(/zero vector/),
    });
    expect(validateVector([1e-46, 0, 0], { ...info, metric: 'l2' }, 'w')).toEqual([1e-46, 0, 0]);
  });

  it('copies a typed array into a plain array of its components (float32 values as they are)', () => {
    const source = new Float32Array([0.1, -2, 3.5]);
    const out = validateVector(source, info, 'w');
    expect(out).toEqual([Math.fround(0.1), -2, 3.5]);
    expect(Object.keys(out)).toEqual(['0', '1', '2']);
    source[0] = 7;
    expect(out[0]).toBe(Math.fround(0.1));
    expect(failure(() => validateVector(new Float64Array([1, 1e39, 1]), info, 'w'))).toMatchObject({
      details: { index: 1 },
    });
  });
});
