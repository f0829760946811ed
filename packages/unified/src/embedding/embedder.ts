/**
 * Turns text into vectors for semantic search. Plug in a real model (OpenAI, a local
 * sentence-transformer …) by implementing this; the manager uses it wherever a caller passes text
 * instead of a vector.
 *
 * @example
 * const embedder: Embedder = { name: 'my-model', dimension: 768, embed: (texts) => client.embed(texts) };
 */
export interface Embedder {
  /** Recorded in vector metadata so mixed-model collections can be detected. */
  readonly name: string;
  readonly dimension: number;
  /** One vector of `dimension` finite numbers per text, in order. */
  embed(texts: readonly string[]): Promise<number[][]>;
}
