import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { StoreKind } from '@orch/core';
import { OrchError, type ParsedUrl, storeOptionsShape, z } from '@orch/core/adapter-kit';
import { TABLE_PREFIX } from '../util/executor.js';
import type { ConnectionSettings } from './driver.js';

const SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;

/**
 * Options every SQLite-family store takes (`@orch/adapter-sqlite`, `@orch/adapter-libsql`), as
 * store config keys; most also work as URL parameters (config wins).
 */
export interface SqliteFamilyOptions {
  /** Operation timeout; the default busy timeout. */
  readonly timeoutMs?: number;
  /**
   * `true` (default for files): the database runs in worker threads and never blocks the event
   * loop. `false` (URL `?mode=inline`): in this thread, fastest per call, blocking while SQLite
   * works. An in-memory database runs inline unless asked (`?mode=worker`: one worker).
   */
  readonly worker?: boolean;
  /** Reader threads beside the writer (WAL; URL `?readers=`); default 2 (1 on one core). Ignored inline and for `:memory:`. */
  readonly readers?: number;
  /**
   * Worker mode: answer keyed point reads (a lookup by primary key or by an indexed column, such as
   * `tasks.get`) with a read-only connection in this thread instead of a reader thread, which
   * saves the thread hop (URL `?inline_point_reads=`); default `true` where the engine allows it
   * (better-sqlite3). Scans, ranges, CTEs and aggregates always go to the readers.
   */
  readonly inlinePointReads?: boolean;
  /** Wait this long for a lock before ORCH_BUSY (URL `?busy_timeout=`); default `timeoutMs`, else 5000. */
  readonly busyTimeoutMs?: number;
  /** `PRAGMA synchronous` (URL `?synchronous=`, any case); default FULL. */
  readonly synchronous?: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA' | 'off' | 'normal' | 'full' | 'extra';
  /** Prepared statements cached per connection (URL `?statement_cache=`); default 256. */
  readonly statementCacheSize?: number;
  /** Vector and graph stores: prefix of their tables (letters, digits, `_`); defaults `orch_vec` / `orch_graph`. */
  readonly tablePrefix?: string;
  /** An open engine connection to use instead of opening one (operational kind; never closed by orch). */
  readonly client?: unknown;
}

/**
 * The zod shape of {@link SqliteFamilyOptions} (plus the keys every store config may carry), for
 * an adapter's options schema to extend with its engine's own keys.
 *
 * @example
 * const options = z.object({ ...sqliteFamilyOptionsShape, vectorExtension: z.boolean().optional() }).strict();
 */
export const sqliteFamilyOptionsShape = {
  ...storeOptionsShape,
  worker: z.boolean().optional(),
  readers: z.number().int().min(0).max(64).optional(),
  inlinePointReads: z.boolean().optional(),
  busyTimeoutMs: z.number().int().min(0).optional(),
  synchronous: z
    .preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(SYNCHRONOUS))
    .optional(),
  statementCacheSize: z.number().int().min(1).max(100_000).optional(),
  tablePrefix: z
    .string()
    .regex(TABLE_PREFIX, 'must be a letter or "_" followed by letters, digits or "_" (at most 48 characters)')
    .optional(),
} as const;

type OptionShape = Readonly<Record<string, z.ZodType>>;

/** How a URL parameter (always a string) becomes an option value. */
export interface UrlParameter {
  /** The option it sets. */
  readonly option: string;
  /** `integer`: digits; `boolean`: `1`/`true`/`0`/`false`; `mode`: `worker`/`inline` (the `worker` option); `string`: as is. */
  readonly type: 'integer' | 'boolean' | 'mode' | 'string';
}

/** The URL parameters of every SQLite-family embedded store. */
export const SQLITE_FAMILY_URL_PARAMETERS: Readonly<Record<string, UrlParameter>> = {
  mode: { option: 'worker', type: 'mode' },
  readers: { option: 'readers', type: 'integer' },
  inline_point_reads: { option: 'inlinePointReads', type: 'boolean' },
  busy_timeout: { option: 'busyTimeoutMs', type: 'integer' },
  synchronous: { option: 'synchronous', type: 'string' },
  statement_cache: { option: 'statementCacheSize', type: 'integer' },
};

function invalid(kind: StoreKind, message: string, path: string): OrchError {
  return new OrchError('ORCH_INVALID_CONFIG', message, {
    kind,
    details: { issues: [{ path, message }] },
  });
}

function convert(raw: string, type: UrlParameter['type']): unknown {
  switch (type) {
    case 'integer':
      return /^\d+$/.test(raw) ? Number(raw) : raw;
    case 'boolean':
      return raw === '1' || raw === 'true' ? true : raw === '0' || raw === 'false' ? false : raw;
    case 'mode':
      return raw === 'worker' ? true : raw === 'inline' ? false : raw;
    case 'string':
      return raw;
  }
}

/**
 * The store's options: the validated config options over the ones its URL's query sets (config
 * wins). Each known URL parameter is converted and checked with the same schema as the config
 * key it stands for; unknown parameters are left alone.
 *
 * @example
 * withUrlOptions({ mode: 'inline', busy_timeout: '250' }, { busyTimeoutMs: 10 }, SQLITE_FAMILY_URL_PARAMETERS, sqliteFamilyOptionsShape, 'operational');
 * // { worker: false, busyTimeoutMs: 10 }
 */
export function withUrlOptions<O extends object>(
  params: Readonly<Record<string, string>> | undefined,
  options: O,
  known: Readonly<Record<string, UrlParameter>>,
  shape: OptionShape,
  kind: StoreKind,
): O {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(known)) {
    const raw = params?.[name];
    if (raw === undefined) continue;
    const value = convert(raw, spec.type);
    const schema = shape[spec.option];
    const result = schema ? schema.safeParse(value) : { success: true as const, data: value };
    if (!result.success || (spec.type === 'mode' && typeof value !== 'boolean')) {
      const expected =
        spec.type === 'mode'
          ? 'must be "inline" or "worker"'
          : result.success
            ? 'is not valid'
            : (result.error.issues[0]?.message ?? 'is not valid');
      throw invalid(kind, `URL parameter ${name}=${JSON.stringify(raw)}: ${expected}.`, `url.${name}`);
    }
    out[spec.option] = result.data;
  }
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out as O;
}

/** Everything needed to open an embedded store, with defaults applied. */
export interface EmbeddedSettings {
  readonly connection: ConnectionSettings;
  readonly mode: 'inline' | 'worker';
  /** Reader threads beside the writer (0 inline and for `:memory:`). */
  readonly readers: number;
  /** Keyed point reads in this thread (worker mode with readers, where the driver allows it). */
  readonly inlinePointReads: boolean;
  /** The absolute file path, or `:memory:`. */
  readonly path: string;
}

/** {@link SqliteFamilyOptions} after merging, plus the engine's vector extension switch. */
export type ResolvableOptions = Omit<SqliteFamilyOptions, 'synchronous'> & {
  readonly synchronous?: string;
  readonly vectorExtension?: boolean;
};

/**
 * Apply the defaults to the options of an embedded file (relative paths resolve against the
 * working directory) or `:memory:`.
 *
 * @example
 * embeddedSettings('tasks.db', { worker: false }).mode; // 'inline'
 */
export function embeddedSettings(path: string, options: ResolvableOptions): EmbeddedSettings {
  const memory = path === ':memory:' || path === '';
  const absolute = memory ? ':memory:' : resolve(path);
  // An in-memory database lives inside one connection, so it cannot be shared with reader
  // threads: inline by default (tests, scratch data), one worker when asked.
  const worker = options.worker ?? !memory;
  const readers =
    memory || !worker ? 0 : (options.readers ?? Math.min(2, Math.max(1, availableParallelism())));
  const synchronous = (options.synchronous ?? 'FULL').toUpperCase() as ConnectionSettings['synchronous'];
  return {
    connection: {
      path: absolute,
      busyTimeoutMs: options.busyTimeoutMs ?? options.timeoutMs ?? 5000,
      synchronous,
      statementCacheSize: options.statementCacheSize ?? 256,
      vectorExtension: options.vectorExtension ?? true,
    },
    mode: worker ? 'worker' : 'inline',
    readers,
    inlinePointReads: options.inlinePointReads ?? true,
    path: absolute,
  };
}

/** What {@link sqliteFamilyOptions} gives an adapter: its options schema, and the URL merge for it. */
export interface SqliteFamilyOptionsSchema<Shape extends OptionShape> {
  /** The store config schema (strict: a misspelt option is an error), for `defineAdapter`. */
  readonly schema: z.ZodObject<Shape, z.core.$strict>;
  /** The validated config options over the ones the URL's query sets (config wins). */
  withUrl(
    url: ParsedUrl | undefined,
    validated: z.output<z.ZodObject<Shape, z.core.$strict>>,
    kind: StoreKind,
  ): z.output<z.ZodObject<Shape, z.core.$strict>>;
}

/**
 * An adapter's options: the SQLite family's shared ones plus the engine's own keys, and the URL
 * parameters of both. Both SQLite adapters validate through this, so a shared option means and
 * is checked the same in each.
 *
 * @example
 * const options = sqliteFamilyOptions({ vectorExtension: z.boolean().optional() }, { vec: { option: 'vectorExtension', type: 'boolean' } });
 * defineAdapter({ …, options: options.schema, create: ({ url, options: o, kind }) => open(options.withUrl(url, o, kind)) });
 */
export function sqliteFamilyOptions<Extra extends OptionShape>(
  extra: Extra,
  extraUrlParameters: Readonly<Record<string, UrlParameter>>,
): SqliteFamilyOptionsSchema<typeof sqliteFamilyOptionsShape & Extra> {
  const shape = { ...sqliteFamilyOptionsShape, ...extra };
  const known = { ...SQLITE_FAMILY_URL_PARAMETERS, ...extraUrlParameters };
  return {
    schema: z.object(shape).strict(),
    withUrl: (url, validated, kind) => withUrlOptions(url?.params, validated, known, shape, kind),
  };
}
