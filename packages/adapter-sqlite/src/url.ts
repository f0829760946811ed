import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { OrchError, type ParsedUrl, type StoreConfig } from '@orch/core';
import type { ConnectionSettings } from './connection.js';

/** Options of the SQLite stores, from the URL query and the store config (config wins). */
export interface SqliteOptions {
  /**
   * `true` (default for files): the database runs in worker threads and never blocks the event
   * loop. `false` (URL `?mode=inline`): in this thread, fastest per call, blocking while SQLite works.
   */
  readonly worker?: boolean;
  /** Reader threads beside the writer (WAL); default 2. Ignored inline and for `:memory:`. */
  readonly readers?: number;
  /** Wait this long for a lock before ORCH_BUSY (URL `?busy_timeout=`); default the store `timeoutMs`, else 5000. */
  readonly busyTimeoutMs?: number;
  /** `PRAGMA synchronous` (URL `?synchronous=`); default FULL. */
  readonly synchronous?: ConnectionSettings['synchronous'];
  /** Prepared statements cached per connection; default 256. */
  readonly statementCacheSize?: number;
  /** Load sqlite-vec into every connection (URL `?vec=0` to skip); default true. */
  readonly vectorExtension?: boolean;
}

/** Everything needed to open the store, with defaults applied. */
export interface ResolvedSqliteOptions {
  readonly settings: ConnectionSettings;
  readonly mode: 'inline' | 'worker';
  readonly readers: number;
  /** The file path made absolute (the key for sharing one store between kinds), or `:memory:`. */
  readonly key: string;
}

const SYNC = new Set(['OFF', 'NORMAL', 'FULL', 'EXTRA']);

function invalid(message: string): OrchError {
  return new OrchError('ORCH_INVALID_CONFIG', message, { kind: 'operational' });
}

function bool(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw invalid(`SQLite option ${name} must be true or false (got ${JSON.stringify(value)}).`);
}

function int(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw invalid(`SQLite option ${name} must be an integer >= ${min} (got ${JSON.stringify(value)}).`);
  }
  return n;
}

/**
 * Resolve the URL (`sqlite:///rel.db`, `sqlite:////abs.db`, `sqlite::memory:`, `file:…`) and the
 * options into connection settings.
 *
 * @example
 * resolveSqliteOptions(parseStoreUrl('sqlite:///tasks.db?mode=inline'), {}).mode; // 'inline'
 */
export function resolveSqliteOptions(
  url: ParsedUrl | undefined,
  config: StoreConfig & SqliteOptions,
): ResolvedSqliteOptions {
  const params = url?.params ?? {};
  const rawPath = url?.path ?? ':memory:';
  const memory = rawPath === ':memory:';
  const path = memory ? ':memory:' : resolve(rawPath);

  const modeParam = params.mode;
  if (modeParam !== undefined && modeParam !== 'inline' && modeParam !== 'worker') {
    throw invalid(`SQLite URL parameter mode must be "inline" or "worker" (got "${modeParam}").`);
  }
  const workerOption = bool(config.worker, 'worker');
  // In-memory databases live inside one connection, so they cannot be shared with reader threads;
  // they default to inline (tests, scratch data) and take a single worker when asked.
  const worker = workerOption ?? (modeParam ? modeParam === 'worker' : !memory);
  const readers = memory
    ? 0
    : (int(config.readers ?? params.readers, 'readers', 0) ??
      Math.min(2, Math.max(1, availableParallelism())));

  const syncRaw = config.synchronous ?? params.synchronous ?? 'FULL';
  const synchronous = String(syncRaw).toUpperCase();
  if (!SYNC.has(synchronous))
    throw invalid(
      `SQLite option synchronous must be one of ${[...SYNC].join(', ')} (got ${JSON.stringify(syncRaw)}).`,
    );

  const busyTimeoutMs =
    int(config.busyTimeoutMs ?? params.busy_timeout ?? config.timeoutMs, 'busyTimeoutMs', 0) ?? 5000;
  const statementCacheSize =
    int(config.statementCacheSize ?? params.statement_cache, 'statementCacheSize', 1) ?? 256;
  const vectorExtension = bool(config.vectorExtension ?? params.vec, 'vectorExtension') ?? true;

  return {
    settings: {
      path,
      busyTimeoutMs,
      synchronous: synchronous as ConnectionSettings['synchronous'],
      statementCacheSize,
      loadVectorExtension: vectorExtension,
      createDirectory: true,
    },
    mode: worker ? 'worker' : 'inline',
    readers: worker ? readers : 0,
    key: path,
  };
}
