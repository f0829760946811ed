import type { Metadata } from './metadata.js';

/** The similarity metrics of a dense Pinecone index. */
export type Metric = 'cosine' | 'euclidean' | 'dotproduct';

/** One stored record. */
export interface StoredRecord {
  readonly id: string;
  values: number[];
  metadata: Metadata | undefined;
}

/** The configuration of an emulated (serverless, dense) index. */
export interface IndexConfig {
  readonly name: string;
  readonly dimension: number;
  readonly metric: Metric;
  readonly cloud: string;
  readonly region: string;
  deletionProtection: 'enabled' | 'disabled';
  tags: Record<string, string>;
}

/** An emulated index: its configuration and its namespaces of records. */
export class EmulatedIndex {
  /** Namespace name (`""` is the default namespace) to records by id. */
  readonly namespaces = new Map<string, Map<string, StoredRecord>>();

  constructor(readonly config: IndexConfig) {}

  /** The records of a namespace, or `undefined` when it holds none (a namespace exists while it has records). */
  records(namespace: string): Map<string, StoredRecord> | undefined {
    const records = this.namespaces.get(namespace);
    return records && records.size > 0 ? records : undefined;
  }

  /** The records of a namespace, creating it. */
  recordsForWrite(namespace: string): Map<string, StoredRecord> {
    let records = this.namespaces.get(namespace);
    if (!records) {
      records = new Map();
      this.namespaces.set(namespace, records);
    }
    return records;
  }

  /** Drops namespaces left without records. */
  prune(): void {
    for (const [name, records] of this.namespaces) {
      if (records.size === 0) this.namespaces.delete(name);
    }
  }
}

/** Everything one emulator holds: its indexes by name, in creation order. */
export class EmulatorState {
  readonly indexes = new Map<string, EmulatedIndex>();
}
