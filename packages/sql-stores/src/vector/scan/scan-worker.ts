// The exact-search worker of the SQLite-family vector store: one thread with its own read-only
// connection to the store's file, holding each queried collection's vectors in one contiguous
// Float32Array, scanned with usearch's SIMD kernels. It imports its engine's driver and usearch
// only (never @orch/core), so it starts quickly.
//
// Coherence: the records table has two triggers that append the rowid of every updated or deleted
// row to a change table (see `tracking.ts`); new rows get rowids above every live one (SQLite's
// rowid allocation). Before each query, inside one read transaction, the worker compares the
// table's (max rowid, max change seq) with what it loaded; when they moved it drops the rows
// named in the change table since its last look, re-reads those still present, and reads the
// rows above the highest rowid it kept. A gap in the change table (pruned past what this cache
// saw) means a full reload. Everything a query returns is read in that same transaction.
//
// Exactness: the scan only nominates candidates. It keeps every row whose scan distance is within
// a rounding margin of the k-th best, and the engine's own distance function ranks those
// candidates in SQL (`ORDER BY distance, id LIMIT k`), so ids, distances and tie order are the
// SQL path's. The margin bounds the float32 rounding of both computations (about n·2⁻²⁴ of the
// vectors' norms for n dimensions) with a 3x allowance.
import { parentPort, workerData } from 'node:worker_threads';
import type { NativeDatabase, NativeStatement, SqliteDriver } from '../../sqlite-family/driver.js';
import type { ScanReply, ScanRequest, ScanRow, ScanWorkerInit } from './protocol.js';

type ExactSearch = (
  dataset: Float32Array,
  queries: Float32Array,
  dimensions: number,
  count: number,
  metric: string,
  threads: number,
) => { keys: BigUint64Array; distances: Float32Array };

interface HnswIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads?: number): void;
  search(
    vector: Float32Array,
    k: number,
    threads?: number,
  ): { keys: BigUint64Array; distances: Float32Array };
  remove(keys: BigUint64Array): unknown;
  size(): number;
}
type HnswConstructor = new (options: Record<string, unknown>) => HnswIndex;

interface Cache {
  readonly dimension: number;
  /** Cosine: vectors are stored divided by their norm, so the scan is an inner product. */
  readonly normalized: boolean;
  data: Float32Array;
  rowids: Float64Array;
  size: number;
  readonly slotOf: Map<number, number>;
  /** Highest rowid held; rows above it are new. */
  maxRowid: number;
  /** Last change seq applied. */
  seq: number;
  /** Largest vector norm seen (never lowered on delete: the margin only needs an upper bound). */
  maxNorm: number;
  /** Bumped whenever the rows change: memoized filter candidates are valid for one version. */
  version: number;
  /** Filter → its candidate rows for the current version (least recently used first). */
  filters: Map<string, FilterMemo>;
  /** Floats held by the memoized filter matrices (at most the cache's own `size · dimension`). */
  memoFloats: number;
  /** The HNSW graph over the cached rows (keys: rowids), once an approximate query built it. */
  hnsw: HnswIndex | undefined;
}

interface FilterMemo {
  readonly slots: Int32Array;
  /** The candidates' vectors gathered into one matrix, when the memory budget allowed it. */
  matrix: Float32Array | undefined;
}

const init = workerData as ScanWorkerInit;
const caches = new Map<string, Cache>();
const statements = new Map<string, NativeStatement>();
let db: NativeDatabase | undefined;
let exactSearch: ExactSearch | undefined;
let HnswIndexClass: HnswConstructor | undefined;
let unavailable: string | undefined;
let scratch = new Float32Array(0);
const LOAD_CHUNK = 8192;
const MAX_FILTERS = 8;

async function open(): Promise<void> {
  try {
    const mod = (await import('usearch')) as unknown as {
      default?: { exactSearch?: ExactSearch; Index?: HnswConstructor };
    };
    exactSearch = mod.default?.exactSearch;
    HnswIndexClass = mod.default?.Index;
    if (typeof exactSearch !== 'function') throw new Error('usearch has no exactSearch');
  } catch (err) {
    unavailable = `usearch did not load: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  const { driver } = (await import(init.driverModule)) as { driver: SqliteDriver };
  db = driver.open(init.settings.path, init.settings);
  run(`PRAGMA busy_timeout = ${Math.trunc(init.settings.busyTimeoutMs)}`);
  driver.setup?.(db, init.settings);
  run('PRAGMA query_only = 1');
  // Reads of the records table map the file instead of copying pages through the page cache.
  run('PRAGMA mmap_size = 1073741824');
}

function prepared(sql: string): NativeStatement {
  let s = statements.get(sql);
  if (!s) {
    s = db!.prepare(sql);
    if (statements.size > 64) statements.clear();
    statements.set(sql, s);
  }
  return s;
}

function all(sql: string, params: readonly unknown[] = []): ScanRow[] {
  return prepared(sql).all(params) as ScanRow[];
}

function run(sql: string): void {
  const s = db!.prepare(sql);
  if (s.reader) s.all([]);
  else s.run([]);
}

function bytesOf(blob: unknown): Uint8Array {
  if (blob instanceof ArrayBuffer) return new Uint8Array(blob);
  if (blob instanceof Uint8Array) return blob;
  throw new Error(`a vector is ${blob === null ? 'NULL' : typeof blob}, not a BLOB`);
}

function emptyCache(dimension: number, normalized: boolean): Cache {
  return {
    dimension,
    normalized,
    data: new Float32Array(0),
    rowids: new Float64Array(0),
    size: 0,
    slotOf: new Map(),
    maxRowid: 0,
    seq: 0,
    maxNorm: 0,
    version: 0,
    filters: new Map(),
    memoFloats: 0,
    hnsw: undefined,
  };
}

function reserve(cache: Cache, rows: number): void {
  if (rows <= cache.rowids.length) return;
  const dim = cache.dimension;
  const data = new Float32Array(rows * dim);
  data.set(cache.data.subarray(0, cache.size * dim));
  const rowids = new Float64Array(rows);
  rowids.set(cache.rowids.subarray(0, cache.size));
  cache.data = data;
  cache.rowids = rowids;
}

function append(cache: Cache, rowid: number, blob: unknown): void {
  const bytes = bytesOf(blob);
  const dim = cache.dimension;
  if (bytes.byteLength !== dim * 4)
    throw new Error(`row ${rowid} has ${bytes.byteLength / 4} dimensions, expected ${dim}`);
  if (cache.size === cache.rowids.length) reserve(cache, Math.max(1024, cache.size * 2));
  const slot = cache.size++;
  const at = slot * dim;
  // Copied byte-wise: a driver's Buffer may sit at an unaligned offset of a shared pool.
  new Uint8Array(cache.data.buffer, at * 4, dim * 4).set(bytes);
  const data = cache.data;
  let sum = 0;
  for (let i = at; i < at + dim; i++) sum += data[i]! * data[i]!;
  const norm = Math.sqrt(sum);
  if (norm > cache.maxNorm) cache.maxNorm = norm;
  if (cache.normalized && norm > 0) for (let i = at; i < at + dim; i++) data[i] = data[i]! / norm;
  cache.rowids[slot] = rowid;
  cache.slotOf.set(rowid, slot);
  if (rowid > cache.maxRowid) cache.maxRowid = rowid;
}

function remove(cache: Cache, rowid: number): boolean {
  const slot = cache.slotOf.get(rowid);
  if (slot === undefined) return false;
  cache.slotOf.delete(rowid);
  const last = --cache.size;
  if (slot !== last) {
    const dim = cache.dimension;
    cache.data.copyWithin(slot * dim, last * dim, (last + 1) * dim);
    const moved = cache.rowids[last]!;
    cache.rowids[slot] = moved;
    cache.slotOf.set(moved, slot);
  }
  return true;
}

function readRowsAbove(cache: Cache, table: string, after: number): void {
  let from = after;
  for (;;) {
    const rows = all(`SELECT rowid AS rid, vector FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?`, [
      from,
      LOAD_CHUNK,
    ]);
    for (const r of rows) append(cache, Number(r.rid), r.vector);
    if (rows.length < LOAD_CHUNK) return;
    from = Number(rows[rows.length - 1]!.rid);
  }
}

function fullLoad(req: ScanRequest, seq: number): Cache {
  // Free the caches of tables that are gone (collections dropped, here or by another process).
  if (caches.size > 0) {
    const live = new Set(
      all("SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => String(r.name)),
    );
    for (const table of caches.keys()) if (!live.has(table)) caches.delete(table);
  }
  const cache = emptyCache(req.dimension, req.metric === 'cosine');
  const [counted] = all(`SELECT count(*) AS n FROM ${req.table}`);
  reserve(cache, Math.ceil(Number(counted?.n ?? 0) * 1.125) + 16);
  readRowsAbove(cache, req.table, Number.MIN_SAFE_INTEGER);
  cache.seq = seq;
  caches.set(req.table, cache);
  return cache;
}

/** Bring the cache of `req.table` up to the current read transaction's snapshot. */
function refresh(req: ScanRequest): Cache {
  const [sig] = all(
    `SELECT (SELECT max(rowid) FROM ${req.table}) AS maxRowid, (SELECT max(seq) FROM ${req.changes}) AS maxSeq, (SELECT min(seq) FROM ${req.changes}) AS minSeq`,
  );
  const maxRowid = sig?.maxRowid == null ? 0 : Number(sig.maxRowid);
  const maxSeq = sig?.maxSeq == null ? 0 : Number(sig.maxSeq);
  const minSeq = sig?.minSeq == null ? 0 : Number(sig.minSeq);
  let cache = caches.get(req.table);
  if (cache && (cache.dimension !== req.dimension || cache.normalized !== (req.metric === 'cosine')))
    cache = undefined;
  if (!cache) return fullLoad(req, maxSeq);
  if (maxSeq === cache.seq && maxRowid === cache.maxRowid) return cache;
  // Changes this cache has not seen were pruned (or the change table was re-created): start over.
  if (maxSeq < cache.seq || (maxSeq > cache.seq && minSeq > cache.seq + 1)) return fullLoad(req, maxSeq);
  const touched = new Set<number>();
  if (maxSeq > cache.seq) {
    for (const r of all(`SELECT rid FROM ${req.changes} WHERE seq > ?`, [cache.seq]))
      touched.add(Number(r.rid));
  }
  let recompute = false;
  for (const rid of touched) {
    if (rid === cache.maxRowid) recompute = true;
    remove(cache, rid);
  }
  // Slots below this hold rows the cache had and kept; re-read and new rows are appended after.
  const kept = cache.size;
  if (recompute) {
    let max = 0;
    for (let i = 0; i < cache.size; i++) if (cache.rowids[i]! > max) max = cache.rowids[i]!;
    cache.maxRowid = max;
  }
  // Rows above every kept rowid are new (inserted after the last look, or re-using the rowids of
  // rows deleted since); changed rows below it are re-read by rowid.
  const above = cache.maxRowid;
  const again = [...touched].filter((rid) => rid <= above);
  for (let i = 0; i < again.length; i += LOAD_CHUNK) {
    const ids = JSON.stringify(again.slice(i, i + LOAD_CHUNK));
    for (const r of all(
      `SELECT rowid AS rid, vector FROM ${req.table} WHERE rowid IN (SELECT value FROM json_each(?))`,
      [ids],
    ))
      append(cache, Number(r.rid), r.vector);
  }
  readRowsAbove(cache, req.table, above);
  if (cache.hnsw) {
    if (touched.size > 0) cache.hnsw.remove(BigUint64Array.from(touched, (rid) => BigInt(rid)));
    if (cache.size > kept) {
      const dim = cache.dimension;
      const keys = BigUint64Array.from(cache.rowids.subarray(kept, cache.size), (rid) => BigInt(rid));
      cache.hnsw.remove(keys);
      cache.hnsw.add(keys, cache.data.slice(kept * dim, cache.size * dim), 1);
    }
  }
  cache.seq = maxSeq;
  cache.version++;
  cache.filters.clear();
  cache.memoFloats = 0;
  return cache;
}

/**
 * The rows the filter selects (by the SQL translation of the filter, run on this snapshot), and
 * their vectors gathered into one matrix, memoized while the collection does not change: up to
 * {@link MAX_FILTERS} filters, their matrices together at most the size of the collection's own.
 */
function filterMemo(cache: Cache, req: ScanRequest): FilterMemo {
  const filter = req.filter!;
  const key = `${filter.sql}\u0000${JSON.stringify(filter.params)}`;
  const memo = cache.filters.get(key);
  if (memo) {
    cache.filters.delete(key);
    cache.filters.set(key, memo);
    return memo;
  }
  const rows = all(`SELECT r.rowid AS rid FROM ${req.table} AS r WHERE ${filter.sql}`, filter.params);
  const slots = new Int32Array(rows.length);
  let n = 0;
  for (const r of rows) {
    const slot = cache.slotOf.get(Number(r.rid));
    if (slot === undefined) throw new StaleCache();
    slots[n++] = slot;
  }
  const made: FilterMemo = { slots, matrix: undefined };
  const floats = slots.length * cache.dimension;
  const budget = cache.size * cache.dimension;
  while (
    cache.filters.size > 0 &&
    (cache.filters.size >= MAX_FILTERS || cache.memoFloats + floats > budget)
  ) {
    const [oldest, dropped] = cache.filters.entries().next().value!;
    cache.filters.delete(oldest);
    cache.memoFloats -= dropped.matrix?.length ?? 0;
  }
  if (cache.memoFloats + floats <= budget) {
    made.matrix = gather(cache, slots, new Float32Array(floats));
    cache.memoFloats += floats;
  }
  cache.filters.set(key, made);
  return made;
}

function gather(cache: Cache, slots: Int32Array, into: Float32Array): Float32Array {
  const dim = cache.dimension;
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    into.set(cache.data.subarray(s * dim, (s + 1) * dim), i * dim);
  }
  return into.subarray(0, slots.length * dim);
}

class StaleCache extends Error {}

/**
 * Rowids of every row whose scan distance is within the rounding margin of the k-th best (at
 * least k of them, all of them when fewer exist).
 */
function candidates(cache: Cache, req: ScanRequest): number[] {
  const dim = cache.dimension;
  let dataset: Float32Array;
  let slotAt: (i: number) => number;
  if (req.filter) {
    const memo = filterMemo(cache, req);
    const slots = memo.slots;
    if (slots.length <= req.topK) return Array.from(slots, (s) => cache.rowids[s]!);
    if (memo.matrix) dataset = memo.matrix;
    else {
      if (scratch.length < slots.length * dim) scratch = new Float32Array(slots.length * dim);
      dataset = gather(cache, slots, scratch);
    }
    slotAt = (i) => slots[i]!;
  } else {
    if (cache.size <= req.topK) return Array.from(cache.rowids.subarray(0, cache.size));
    dataset = cache.data.subarray(0, cache.size * dim);
    slotAt = (i) => i;
  }
  const n = dataset.length / dim;
  const query = comparableQuery(cache, req);
  let count = Math.min(n, req.topK + 16);
  for (;;) {
    const found = exactSearch!(dataset, query, dim, count, metricKind(req), 1);
    const sorted = Float32Array.from(found.distances).sort();
    const threshold = rankingThreshold(cache, req, sorted[req.topK - 1]!);
    if (count < n && sorted[count - 1]! <= threshold) {
      count = Math.min(n, count * 4);
      continue;
    }
    const out: number[] = [];
    for (let i = 0; i < count; i++)
      if (found.distances[i]! <= threshold) out.push(cache.rowids[slotAt(Number(found.keys[i]))]!);
    return out;
  }
}

/** The query as the cache compares it: divided by its norm when the cache holds unit vectors. */
function comparableQuery(cache: Cache, req: ScanRequest): Float32Array {
  if (!cache.normalized) return req.vector;
  const query = new Float32Array(req.vector.length);
  for (let i = 0; i < query.length; i++) query[i] = req.vector[i]! / req.norm;
  return query;
}

function metricKind(req: ScanRequest): 'l2sq' | 'ip' {
  return req.metric === 'l2' ? 'l2sq' : 'ip';
}

/**
 * The distance (in the scan's terms) up to which a row may still be among SQL's top k: the k-th
 * smallest plus a margin for the float32 rounding of the scan, so that SQL, which ranks the rows
 * passed to it by its own distance, sees every row that can rank in its top k.
 */
function rankingThreshold(cache: Cache, req: ScanRequest, kth: number): number {
  const rounding = 2e-4 * (cache.dimension / 384);
  if (req.metric === 'cosine') return kth + rounding;
  if (req.metric === 'ip') return kth + rounding * req.norm * cache.maxNorm + 1e-6 * Math.abs(kth);
  return kth + rounding * kth + 1e-20;
}

/**
 * The HNSW graph (usearch's M, ef_construction, ef). It holds its vectors quantized (int8 for
 * unit vectors, whose components lie in [-1, 1]; half floats otherwise), which halves or quarters
 * the memory a search walks; the candidates it finds are then ranked exactly on the cached
 * float32 vectors, so quantization costs recall only through the candidates it misses.
 */
const HNSW = { connectivity: 16, expansion_add: 64, expansion_search: 40 };
/** Candidates taken from the graph per query, as a multiple of k, for the exact ranking. */
const HNSW_CANDIDATES_PER_K = 3;

/** Rowids of the rows among the graph's candidates that can rank in the top k (built on first use). */
function approximateCandidates(cache: Cache, req: ScanRequest): number[] {
  const dim = cache.dimension;
  if (!cache.hnsw) {
    const index = new HnswIndexClass!({
      dimensions: dim,
      metric: metricKind(req),
      quantization: cache.normalized ? 'i8' : 'f16',
      ...HNSW,
    });
    if (cache.size > 0) {
      const keys = BigUint64Array.from(cache.rowids.subarray(0, cache.size), (rid) => BigInt(rid));
      index.add(keys, cache.data.subarray(0, cache.size * dim), 0);
    }
    cache.hnsw = index;
  }
  const query = comparableQuery(cache, req);
  const found = cache.hnsw.search(query, Math.min(cache.size, HNSW_CANDIDATES_PER_K * req.topK), 1);
  const slots = Int32Array.from(found.keys, (rid) => cache.slotOf.get(Number(rid)) ?? -1).filter(
    (s) => s >= 0,
  );
  if (slots.length <= req.topK) return Array.from(slots, (s) => cache.rowids[s]!);
  if (scratch.length < slots.length * dim) scratch = new Float32Array(slots.length * dim);
  const ranked = exactSearch!(gather(cache, slots, scratch), query, dim, slots.length, metricKind(req), 1);
  const threshold = rankingThreshold(cache, req, Float32Array.from(ranked.distances).sort()[req.topK - 1]!);
  const out: number[] = [];
  for (let i = 0; i < slots.length; i++)
    if (ranked.distances[i]! <= threshold) out.push(cache.rowids[slots[Number(ranked.keys[i])]!]!);
  return out;
}

function answer(req: ScanRequest): ScanRow[] {
  for (let attempt = 0; ; attempt++) {
    run('BEGIN');
    try {
      if (attempt > 0) caches.delete(req.table);
      const cache = refresh(req);
      const approximate =
        req.hnsw !== null &&
        req.filter === null &&
        HnswIndexClass !== undefined &&
        cache.size >= req.hnsw.minRecords;
      const rowids = approximate ? approximateCandidates(cache, req) : candidates(cache, req);
      if (rowids.length === 0) return [];
      const rows = all(
        `SELECT r.id, ${req.distance.sql} AS distance${req.projection} FROM ${req.table} AS r
         WHERE r.rowid IN (SELECT value FROM json_each(?)) ORDER BY distance, r.id LIMIT ?`,
        [...req.distance.params, JSON.stringify(rowids), req.topK],
      );
      // A candidate the table no longer has: a write the change table did not see (a REPLACE
      // without recursive triggers, say). Reload once.
      if (!approximate && rows.length < Math.min(req.topK, rowids.length)) throw new StaleCache();
      return rows;
    } catch (err) {
      if (!(err instanceof StaleCache) || attempt > 0) throw err;
    } finally {
      run('COMMIT');
    }
  }
}

const ready = open();

parentPort!.on('message', async (req: ScanRequest) => {
  await ready.catch(() => undefined);
  let reply: ScanReply;
  if (unavailable !== undefined || !db) {
    reply = { id: req.id, unavailable: unavailable ?? 'the scan connection did not open' };
  } else {
    try {
      reply = { id: req.id, rows: answer(req) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/no such table/i.test(message)) caches.delete(req.table);
      reply = { id: req.id, error: message, missingTable: /no such table/i.test(message) };
    }
  }
  parentPort!.postMessage(reply);
});
