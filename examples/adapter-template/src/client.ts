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

/** A node or edge as the template engine stores it: properties are untyped. */
export interface TemplateVertex {
  readonly id: string;
  readonly tags: string[];
  readonly props: Record<string, unknown>;
}
export interface TemplateLink {
  readonly src: string;
  readonly dst: string;
  readonly rel: string;
  readonly props: Record<string, unknown>;
}

/**
 * Stands in for a graph engine's driver: vertices and links behind an async API, with the usual
 * quirks to convert (its own field names, a 404 for a missing endpoint, links listed per vertex
 * in no particular order).
 */
export class TemplateGraphClient {
  readonly #vertices = new Map<string, TemplateVertex>();
  readonly #links = new Map<string, TemplateLink>();
  #open = true;

  async ping(): Promise<{ version: string }> {
    this.#check();
    return { version: '1.0.0' };
  }

  async putVertices(vertices: readonly TemplateVertex[]): Promise<void> {
    this.#check();
    for (const v of vertices) this.#vertices.set(v.id, structuredClone(v));
  }

  async getVertices(ids: readonly string[]): Promise<TemplateVertex[]> {
    this.#check();
    return ids.flatMap((id) => {
      const v = this.#vertices.get(id);
      return v ? [structuredClone(v)] : [];
    });
  }

  /** Every vertex, sorted by id. */
  async scanVertices(): Promise<TemplateVertex[]> {
    this.#check();
    return [...this.#vertices.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((v) => structuredClone(v));
  }

  /** Removes the vertices and every link touching them; returns how many vertices existed. */
  async dropVertices(ids: readonly string[]): Promise<number> {
    this.#check();
    let dropped = 0;
    for (const id of ids) {
      if (!this.#vertices.delete(id)) continue;
      dropped++;
      for (const [key, l] of this.#links) if (l.src === id || l.dst === id) this.#links.delete(key);
    }
    return dropped;
  }

  /** All or nothing: a missing endpoint fails the whole call with status 404. */
  async putLinks(links: readonly TemplateLink[]): Promise<void> {
    this.#check();
    const missing = links.flatMap((l) => [l.src, l.dst]).filter((id) => !this.#vertices.has(id));
    if (missing.length > 0) throw new TemplateEngineError(404, `missing vertices: ${missing.join(',')}`);
    for (const l of links) this.#links.set(linkKey(l), structuredClone(l));
  }

  async dropLinks(links: readonly Pick<TemplateLink, 'src' | 'dst' | 'rel'>[]): Promise<number> {
    this.#check();
    let dropped = 0;
    for (const l of links) if (this.#links.delete(linkKey(l))) dropped++;
    return dropped;
  }

  /** Links starting or ending at a vertex. */
  async linksOf(id: string): Promise<TemplateLink[]> {
    this.#check();
    return [...this.#links.values()]
      .filter((l) => l.src === id || l.dst === id)
      .map((l) => structuredClone(l));
  }

  async disconnect(): Promise<void> {
    this.#open = false;
  }

  #check(): void {
    if (!this.#open) throw new TemplateEngineError(503, 'client is disconnected');
  }
}

const linkKey = (l: Pick<TemplateLink, 'src' | 'dst' | 'rel'>) => JSON.stringify([l.src, l.dst, l.rel]);
