import type { NormalizedVectorRecord } from '@orch/core/adapter-kit';
import type { PineconeRecord } from '@pinecone-database/pinecone';
import {
  type OutgoingRecord,
  planUpsertBatches,
  startsNewRequest,
  toPineconeRecord,
  UPSERT_LIMITS,
  type UpsertLimits,
  upsertEnvelopeBytes,
} from './conversion.js';

/** One upsert request's records, and those among them whose document spilled into part records. */
export interface UpsertBatch {
  readonly records: readonly PineconeRecord[];
  readonly spilled: readonly OutgoingRecord[];
}

/** Where the store's sender takes its upsert requests from, in order. */
export interface BatchSource {
  /** The next request's records, or undefined after the last. */
  take(): UpsertBatch | undefined;
  /** Build the next request now, so that the next {@link take} finds it ready. */
  prepare(): void;
}

const NOT_SPILLED: readonly OutgoingRecord[] = Object.freeze([]);

/** Records already in Pinecone's shape (part records), planned into requests up front. */
export function listedBatches(records: readonly PineconeRecord[], namespace: string): BatchSource {
  const planned = planUpsertBatches(records, namespace);
  let next = 0;
  return {
    take: () => {
      const records = planned[next++];
      return records === undefined ? undefined : { records, spilled: NOT_SPILLED };
    },
    prepare: () => {},
  };
}

/**
 * Turns a call's records into upsert requests one request at a time, in order, within the limits
 * (Pinecone's by default): the same plan as `planUpsertBatches` over the whole call. Converting lazily lets the store
 * prepare the next request while the service works on the one in flight, so the conversion is
 * not added to the caller's wait.
 *
 * @example
 * const batches = new UpsertBatches(records, 384, 'ns');
 * for (let batch = batches.take(); batch; batch = batches.take()) await send(batch);
 */
export class UpsertBatches implements BatchSource {
  readonly #records: readonly NormalizedVectorRecord[];
  readonly #dimension: number;
  readonly #envelope: number;
  readonly #limits: UpsertLimits;
  #next = 0;
  /** A record converted for the previous request that did not fit in it. */
  #carried: OutgoingRecord | undefined;
  /** The next request, when {@link prepare} built it ahead. */
  #prepared: UpsertBatch | undefined;

  constructor(
    records: readonly NormalizedVectorRecord[],
    dimension: number,
    namespace: string,
    limits: UpsertLimits = UPSERT_LIMITS,
  ) {
    this.#records = records;
    this.#dimension = dimension;
    this.#envelope = upsertEnvelopeBytes(namespace);
    this.#limits = limits;
  }

  take(): UpsertBatch | undefined {
    const batch = this.#prepared ?? this.#build();
    this.#prepared = undefined;
    return batch;
  }

  prepare(): void {
    this.#prepared ??= this.#build();
  }

  #build(): UpsertBatch | undefined {
    const records: PineconeRecord[] = [];
    const spilled: OutgoingRecord[] = [];
    let size = this.#envelope;
    for (;;) {
      const o = this.#carried ?? this.#convert();
      this.#carried = undefined;
      if (o === undefined) break;
      if (startsNewRequest(records.length, size, o.bytes, this.#limits)) {
        this.#carried = o;
        break;
      }
      records.push(o.record);
      if (o.version !== undefined) spilled.push(o);
      size += o.bytes;
    }
    return records.length === 0 ? undefined : { records, spilled };
  }

  #convert(): OutgoingRecord | undefined {
    const record = this.#records[this.#next];
    if (record === undefined) return undefined;
    this.#next++;
    return toPineconeRecord(record, this.#dimension);
  }
}
