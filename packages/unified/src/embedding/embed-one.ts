import { isOrchError, OrchError } from '@orch/core';
import { vectorComponents } from '@orch/core/adapter-kit';
import type { Embedder } from './embedder.js';

/**
 * Embed one text and hold the embedder to its contract: exactly one vector of its `dimension`
 * finite (float32-range) numbers. An embedder is user code; what it returns is checked here, once,
 * so a bad vector fails the call that asked for it instead of reaching a store (or the outbox,
 * which would retry a write the store can never take).
 *
 * @example
 * const vector = await embedOne(embedder, 'Write the migration scripts', 'task "t1"');
 */
export async function embedOne(embedder: Embedder, text: string, purpose: string): Promise<number[]> {
  const where = `The embedder "${embedder.name}" (for ${purpose})`;
  const out = await embedder.embed([text]);
  if (!Array.isArray(out) || out.length !== 1) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `${where} returned ${Array.isArray(out) ? `${out.length} vectors` : typeof out} for one text; an embedder returns one vector per text.`,
      { kind: 'vector' },
    );
  }
  let values: number[];
  try {
    values = vectorComponents(out[0], 'vector').values;
  } catch (err) {
    if (!isOrchError(err)) throw err;
    throw new OrchError('ORCH_INVALID_INPUT', `${where} returned an unusable vector: ${err.message}`, {
      kind: 'vector',
      cause: err,
      details: err.details,
    });
  }
  if (values.length !== embedder.dimension) {
    throw new OrchError(
      'ORCH_DIMENSION_MISMATCH',
      `${where} returned a vector of ${values.length} dimensions but declares ${embedder.dimension}.`,
      { kind: 'vector', details: { expected: embedder.dimension, actual: values.length } },
    );
  }
  return values;
}
