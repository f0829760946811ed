/**
 * Stands in for your engine's driver. A real adapter imports the vendor's client package instead;
 * this one keeps vectors in memory behind an async API, and, like many engines, reports
 * *squared* Euclidean distances and its own error type, so the adapter has something to convert.
 */
export interface TemplateIndex {
  readonly dimension: number;
  readonly space: 'cosine' | 'l2' | 'ip';
  readonly items: Map<string, { values: Float32Array; attributes: Record<string, unknown>; text?: string }>;
}

export class TemplateEngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class TemplateClient {
  readonly #indexes = new Map<string, TemplateIndex>();
  #open = true;

  async ping(): Promise<{ version: string }> {
    this.#check();
    return { version: '1.0.0' };
  }

  async createIndex(name: string, dimension: number, space: TemplateIndex['space']): Promise<TemplateIndex> {
    this.#check();
    const existing = this.#indexes.get(name);
    if (existing) return existing;
    const index: TemplateIndex = { dimension, space, items: new Map() };
    this.#indexes.set(name, index);
    return index;
  }

  async getIndex(name: string): Promise<TemplateIndex | undefined> {
    this.#check();
    return this.#indexes.get(name);
  }

  async listIndexes(): Promise<string[]> {
    this.#check();
    return [...this.#indexes.keys()];
  }

  async deleteIndex(name: string): Promise<boolean> {
    this.#check();
    return this.#indexes.delete(name);
  }

  async disconnect(): Promise<void> {
    this.#open = false;
  }

  #check(): void {
    if (!this.#open) throw new TemplateEngineError(503, 'client is disconnected');
  }
}
