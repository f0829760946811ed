import { OrchError } from '@orch/core';
import type { Embedder } from './embedder.js';

export interface HashingEmbedderOptions {
  /** Defaults to 384, the size of common small sentence models, so a real model can replace it later. */
  readonly dimension?: number;
}

/**
 * A deterministic, dependency-free embedder: word unigrams and bigrams plus character trigrams,
 * hashed (FNV-1a, signed) into a fixed number of buckets and L2-normalized.
 *
 * It is **lexical, not semantic**: texts that share words and word pieces land close together;
 * synonyms do not. It needs no model download, so search works out of the box and in tests; plug
 * in a real {@link Embedder} for meaning-level similarity.
 *
 * @example
 * const embedder = new HashingEmbedder();
 * const [v] = await embedder.embed(['Write the migration scripts']);
 */
export class HashingEmbedder implements Embedder {
  readonly name = 'orch-hashing-v1';
  readonly dimension: number;

  constructor(options: HashingEmbedderOptions = {}) {
    const dimension = options.dimension ?? 384;
    if (!Number.isInteger(dimension) || dimension < 8 || dimension > 65_536) {
      throw new OrchError(
        'ORCH_INVALID_INPUT',
        `HashingEmbedder dimension must be an integer from 8 to 65536, got ${dimension}.`,
      );
    }
    this.dimension = dimension;
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    return texts.map((text) => this.embedOne(text));
  }

  embedOne(text: string): number[] {
    if (typeof text !== 'string')
      throw new OrchError('ORCH_INVALID_INPUT', 'HashingEmbedder.embed expects strings.');
    const vector = new Float64Array(this.dimension);
    const words =
      text
        .toLowerCase()
        .normalize('NFKC')
        .match(/[\p{L}\p{N}]+/gu) ?? [];
    const add = (feature: string, weight: number) => {
      const h = fnv1a(feature);
      vector[h % this.dimension]! += (h & 0x80000000 ? -1 : 1) * weight;
    };
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      add(`w:${word}`, 1);
      if (i + 1 < words.length) add(`b:${word} ${words[i + 1]}`, 0.5);
      const padded = `^${word}$`;
      for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.25);
    }
    let norm = 0;
    for (const v of vector) norm += v * v;
    if (norm === 0) {
      // Empty or symbol-only text still needs a valid (non-zero) direction for cosine search.
      vector[0] = 1;
      norm = 1;
    }
    const scale = 1 / Math.sqrt(norm);
    return Array.from(vector, (v) => v * scale);
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
