import { describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../src/embedding/hashing-embedder.js';

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('HashingEmbedder', () => {
  it('is deterministic, unit-length and of the configured dimension', async () => {
    const e = new HashingEmbedder({ dimension: 64 });
    const [a, b] = await e.embed(['Write the migration scripts', 'Write the migration scripts']);
    expect(a).toHaveLength(64);
    expect(a).toEqual(b);
    expect(Math.abs(cosine(a!, a!) - 1)).toBeLessThan(1e-9);
  });

  it('puts texts sharing words closer than unrelated texts (lexical similarity)', async () => {
    const e = new HashingEmbedder();
    const [q, near, far] = await e.embed([
      'database migration scripts',
      'write migration scripts for the database',
      'bake a chocolate cake',
    ]);
    expect(cosine(q!, near!)).toBeGreaterThan(cosine(q!, far!) + 0.2);
  });

  it('gives empty text a valid direction and rejects bad dimensions', async () => {
    const [v] = await new HashingEmbedder({ dimension: 16 }).embed(['']);
    expect(v!.some((x) => x !== 0)).toBe(true);
    expect(() => new HashingEmbedder({ dimension: 3 })).toThrowError(
      expect.objectContaining({ code: 'ORCH_INVALID_INPUT' }),
    );
  });
});
