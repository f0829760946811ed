import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Adapter } from '../adapter/adapter.js';
import type { StoreConfig } from '../config/orch-config.js';
import { isOrchError, OrchError } from '../errors/orch-error.js';
import { registerSecret } from '../errors/secrets.js';
import type { GraphStore } from '../graph/graph-store.js';
import { isStoreKind, STORE_KINDS, type StoreKind } from '../kinds.js';
import type { OperationalStore } from '../operational/operational-store.js';
import { type ParsedUrl, parseStoreUrl } from '../url/parse-url.js';
import type { VectorStore } from '../vector/vector-store.js';
import { KNOWN_ADAPTER_PACKAGES } from './known-packages.js';

/** The store type for each kind. */
export interface StoreTypes {
  operational: OperationalStore;
  vector: VectorStore;
  graph: GraphStore;
}
export type StoreFor<K extends StoreKind> = StoreTypes[K];

/** What an adapter's `create` receives. */
export interface AdapterFactoryContext<K extends StoreKind = StoreKind> {
  readonly kind: K;
  /** The parsed URL; absent when the store is configured with an injected client only. */
  readonly url: ParsedUrl | undefined;
  readonly scheme: string;
  /** The whole store config: url, timeoutMs, credentials, client, adapter options. */
  readonly config: StoreConfig;
}

/** How an adapter package announces itself. */
export interface AdapterRegistration {
  /** The package name, shown in messages (e.g. `@orch/adapter-sqlite`). */
  readonly name: string;
  /** Lower-case URL schemes without the colon. */
  readonly schemes: readonly string[];
  readonly kind: StoreKind | readonly StoreKind[];
  /** Build an adapter, unconnected; `createAdapter` connects it. */
  create(context: AdapterFactoryContext): Adapter | Promise<Adapter>;
}

interface Registry {
  readonly entries: Map<string, AdapterRegistration>;
}

const REGISTRY_KEY = Symbol.for('orch.registry');
type GlobalWithRegistry = typeof globalThis & { [REGISTRY_KEY]?: Registry };

function registry(): Registry {
  const g = globalThis as GlobalWithRegistry;
  g[REGISTRY_KEY] ??= { entries: new Map() };
  return g[REGISTRY_KEY];
}

const key = (kind: StoreKind, scheme: string) => `${kind}:${scheme}`;
const SCHEME_RE = /^[a-z][a-z0-9+.-]*$/;

/**
 * Register an adapter's schemes. Adapter packages call this when imported (and export a
 * `register()` that calls it, for bundlers that drop side effects). Registering the same package
 * again replaces it; another package claiming a taken kind and scheme is `ORCH_CONFLICT`.
 *
 * @example
 * registerAdapter({ name: 'orch-adapter-foo', schemes: ['foo'], kind: 'vector', create: (ctx) => new FooStore(ctx) });
 */
export function registerAdapter(registration: AdapterRegistration): void {
  const kinds = (Array.isArray(registration.kind) ? registration.kind : [registration.kind]) as StoreKind[];
  if (
    !registration.name ||
    typeof registration.create !== 'function' ||
    kinds.length === 0 ||
    !kinds.every(isStoreKind)
  ) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      'registerAdapter needs { name, schemes, kind, create } with kind operational, vector or graph.',
    );
  }
  for (const scheme of registration.schemes) {
    if (!SCHEME_RE.test(scheme)) {
      throw new OrchError(
        'ORCH_INVALID_INPUT',
        `registerAdapter: "${scheme}" is not a lower-case URL scheme (no colon).`,
      );
    }
  }
  const entries = registry().entries;
  for (const kind of kinds) {
    for (const scheme of registration.schemes) {
      const existing = entries.get(key(kind, scheme));
      if (existing && existing.name !== registration.name) {
        throw new OrchError(
          'ORCH_CONFLICT',
          `Scheme "${scheme}:" for ${kind} stores is already registered by ${existing.name}; ${registration.name} cannot take it.`,
        );
      }
    }
  }
  for (const kind of kinds)
    for (const scheme of registration.schemes) entries.set(key(kind, scheme), registration);
}

/** Remove every scheme a package registered (mostly for tests). Returns how many were removed. */
export function unregisterAdapter(name: string): number {
  const entries = registry().entries;
  let removed = 0;
  for (const [k, reg] of entries) {
    if (reg.name === name) {
      entries.delete(k);
      removed++;
    }
  }
  return removed;
}

/** Registered schemes, sorted; for one kind or all kinds. */
export function listSchemes(kind?: StoreKind): string[] {
  const schemes = new Set<string>();
  for (const k of registry().entries.keys()) {
    const [entryKind, scheme] = k.split(':') as [StoreKind, string];
    if (!kind || entryKind === kind) schemes.add(scheme);
  }
  return [...schemes].sort();
}

/**
 * Make adapters available: a package name is imported (it registers its schemes on import); a
 * registration object (from `defineAdapter`, or an adapter package's exported registration) is
 * registered directly, which also works where dynamic imports do not (bundles, tests).
 *
 * @example
 * await loadAdapters(['orch-adapter-foo', sqliteAdapter]);
 */
export async function loadAdapters(adapters: readonly (string | AdapterRegistration)[]): Promise<void> {
  for (const adapter of adapters) {
    if (typeof adapter !== 'string') {
      registerAdapter(adapter);
      continue;
    }
    const loaded = await importPackage(adapter);
    if (!loaded.ok) {
      throw new OrchError(
        'ORCH_ADAPTER_NOT_FOUND',
        `Adapter package "${adapter}" could not be imported: ${loaded.reason}. Install it (npm install ${adapter}).`,
        { cause: loaded.cause, details: { package: adapter } },
      );
    }
  }
}

/** Options for {@link createAdapter}. */
export interface CreateAdapterOptions {
  /** Adapter packages to import, or registration objects to register, before looking the scheme up. */
  readonly adapters?: readonly (string | AdapterRegistration)[];
  /** Leave the store unconnected (it connects on first use). */
  readonly lazy?: boolean;
}

/**
 * Create and connect a store from a URL or a store config. The URL scheme picks the adapter:
 * registered schemes first, then the known package for the scheme, imported on demand.
 *
 * @example
 * const vectors = await createAdapter('vector', 'memory:');
 * const ops = await createAdapter('operational', { url: 'sqlite:///tasks.db', timeoutMs: 30_000 });
 */
export async function createAdapter<K extends StoreKind>(
  kind: K,
  urlOrConfig: string | StoreConfig,
  options: CreateAdapterOptions = {},
): Promise<StoreFor<K>> {
  if (!isStoreKind(kind)) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `Unknown store kind ${JSON.stringify(kind)}; use one of ${STORE_KINDS.join(', ')}.`,
    );
  }
  const config: StoreConfig = typeof urlOrConfig === 'string' ? { url: urlOrConfig } : (urlOrConfig ?? {});
  if (typeof config !== 'object')
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `createAdapter(${kind}) expects a URL string or a config object.`,
    );
  for (const secretKey of ['password', 'apiKey', 'token', 'authToken']) {
    if (typeof config[secretKey] === 'string') registerSecret(config[secretKey] as string);
  }
  const url = typeof config.url === 'string' ? parseStoreUrl(config.url) : undefined;
  const scheme = url?.scheme ?? config.scheme?.toLowerCase();
  if (!scheme) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `The ${kind} store config needs a "url" (or a "scheme" with an injected "client").`,
      { kind },
    );
  }
  if (options.adapters?.length) await loadAdapters(options.adapters);
  const registration = await findRegistration(kind, scheme);
  let adapter: Adapter;
  try {
    adapter = await registration.create({ kind, url, scheme, config });
  } catch (err) {
    if (isOrchError(err)) throw err;
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `${registration.name} could not create a ${kind} store: ${(err as Error)?.message ?? err}`,
      {
        kind,
        cause: err,
      },
    );
  }
  if (adapter.kind !== kind) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `${registration.name} returned a ${adapter.kind} store when a ${kind} store was asked for.`,
      { kind },
    );
  }
  if (!options.lazy) {
    try {
      await adapter.connect();
    } catch (err) {
      await adapter.close().catch(() => undefined);
      throw err;
    }
  }
  return adapter as StoreFor<K>;
}

async function findRegistration(kind: StoreKind, scheme: string): Promise<AdapterRegistration> {
  const entries = registry().entries;
  const found = entries.get(key(kind, scheme));
  if (found) return found;
  const pkg = KNOWN_ADAPTER_PACKAGES[scheme];
  let importFailure: string | undefined;
  let importCause: unknown;
  if (pkg) {
    const loaded = await importPackage(pkg);
    if (loaded.ok) {
      const after = entries.get(key(kind, scheme));
      if (after) return after;
      importFailure = `${pkg} is installed but serves "${scheme}:" for ${kindsFor(scheme).join(', ') || 'no'} stores, not ${kind} stores`;
    } else {
      importFailure = `${pkg} is not installed (npm install ${pkg}), or failed to load: ${loaded.reason}`;
      importCause = loaded.cause;
    }
  }
  const registered = listSchemes(kind);
  const registeredText = registered.length ? registered.map((s) => `${s}:`).join(', ') : 'none';
  const message = importFailure
    ? `No ${kind} adapter for "${scheme}:": ${importFailure}. Registered ${kind} schemes: ${registeredText}.`
    : `No ${kind} adapter is registered for "${scheme}:". Registered ${kind} schemes: ${registeredText}. Install and import the adapter package for "${scheme}:", or list it in config "adapters".`;
  throw new OrchError('ORCH_ADAPTER_NOT_FOUND', message, {
    kind,
    cause: importCause,
    details: { scheme, registered, ...(pkg ? { package: pkg } : {}) },
  });
}

function kindsFor(scheme: string): StoreKind[] {
  return STORE_KINDS.filter((k) => registry().entries.has(key(k, scheme)));
}

type ImportResult = { ok: true } | { ok: false; reason: string; cause: unknown };

/**
 * Import a package the way the application would see it: resolved from here first, then from the
 * current working directory (pnpm does not let @orch/core see its siblings). Resolution and
 * loading are separate steps, so "not installed" and "installed but failed to load" are told
 * apart without reading error messages.
 */
async function importPackage(name: string): Promise<ImportResult> {
  const href = resolvePackage(name);
  if (href === undefined) return { ok: false, reason: 'module not found', cause: undefined };
  try {
    await import(href);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error)?.message ?? String(err), cause: err };
  }
}

function resolvePackage(name: string): string | undefined {
  const resolvers: (() => string)[] = [
    () =>
      typeof import.meta.resolve === 'function'
        ? import.meta.resolve(name)
        : resolveFrom(import.meta.url, name),
    () => resolveFrom(`${pathToFileURL(process.cwd()).href}/`, name),
  ];
  for (const resolve of resolvers) {
    try {
      return resolve();
    } catch {
      // not resolvable from there; try the next place
    }
  }
  return undefined;
}

function resolveFrom(base: string, name: string): string {
  return pathToFileURL(createRequire(base).resolve(name)).href;
}
