import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { OrchError, URL_ENV_VARS } from '@orch/core';
import { resolveDataDir, type UnifiedDatabaseManagerOptions } from '@orch/unified';

export type Env = Readonly<Record<string, string | undefined>>;

/** How the user chose the stores: flags first, then the environment. */
export interface StoreSelection {
  /** `--config`: a JSON file in the seed's `{ databases: { operational, vector, graph } }` shape. */
  readonly configPath?: string | undefined;
  /** `--data-dir`: where the embedded stores live. */
  readonly dataDir?: string | undefined;
  readonly env?: Env | undefined;
}

export type StoreSource =
  | { readonly kind: 'config-file'; readonly path: string }
  | { readonly kind: 'env-urls'; readonly variables: string[] }
  | { readonly kind: 'embedded'; readonly dataDir: string; readonly file: string };

export interface ResolvedStores {
  readonly options: UnifiedDatabaseManagerOptions;
  readonly source: StoreSource;
}

/** `$XDG_CONFIG_HOME/orch/config.json`, else `~/.config/orch/config.json`: where `orch init` writes by default. */
export function defaultConfigPath(env: Env = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'orch', 'config.json');
}

/**
 * Which stores to open, in this order:
 * 1. `--config FILE`, else `ORCH_CONFIG` (the `ORCH_*_URL` variables still override its URLs);
 * 2. `--data-dir DIR`, else `ORCH_DATA_DIR`: embedded stores there (unless `ORCH_*_URL` name servers);
 * 3. the config file `orch init` wrote (`$XDG_CONFIG_HOME/orch/config.json`), when it exists;
 * 4. `ORCH_OPERATIONAL_URL` / `ORCH_VECTOR_URL` / `ORCH_GRAPH_URL`;
 * 5. embedded stores in the per-user data directory (`$XDG_DATA_HOME/orch`), never the current directory.
 */
export function resolveStores(selection: StoreSelection = {}): ResolvedStores {
  const resolved = resolveSource(selection);
  // The vector collection holding task embeddings (default `tasks`): a way to share one vector server between installations.
  const collection = nonEmpty((selection.env ?? process.env).ORCH_VECTOR_COLLECTION);
  return collection ? { ...resolved, options: { ...resolved.options, collection } } : resolved;
}

function resolveSource(selection: StoreSelection): ResolvedStores {
  const env = selection.env ?? process.env;
  const explicitConfig = selection.configPath ?? nonEmpty(env.ORCH_CONFIG);
  if (explicitConfig) return fromConfigFile(explicitConfig, env);
  const dataDir = selection.dataDir ?? nonEmpty(env.ORCH_DATA_DIR);
  const urlVars = Object.values(URL_ENV_VARS).filter((v) => nonEmpty(env[v]));
  if (!dataDir && urlVars.length === 0) {
    const discovered = defaultConfigPath(env);
    if (existsSync(discovered)) return fromConfigFile(discovered, env);
  }
  if (urlVars.length > 0) {
    return {
      options: { env, ...(dataDir ? { dataDir } : {}) },
      source: { kind: 'env-urls', variables: urlVars },
    };
  }
  const dir = resolveDataDir(dataDir, env);
  return {
    options: { env, dataDir: dir },
    source: { kind: 'embedded', dataDir: dir, file: join(dir, 'orch.db') },
  };
}

function fromConfigFile(path: string, env: Env): ResolvedStores {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (cause) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `Cannot read the config file ${absolute}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}. Write one with \`orch init\`, or pass --config with an existing file.`,
      { details: { path: absolute } },
    );
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (cause) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `The config file ${absolute} is not valid JSON: ${(cause as Error).message}`,
      { details: { path: absolute } },
    );
  }
  return {
    options: { config: anchorRelativePaths(config, dirname(absolute)), env },
    source: { kind: 'config-file', path: absolute },
  };
}

/**
 * `sqlite:///tasks.db` in a config file means a file next to the config file, not in whatever
 * directory the process happened to start in (an MCP client starts servers almost anywhere).
 */
function anchorRelativePaths(config: unknown, base: string): unknown {
  if (typeof config !== 'object' || config === null) return config;
  const databases = (config as { databases?: unknown }).databases;
  if (typeof databases !== 'object' || databases === null) return config;
  const anchored: Record<string, unknown> = {};
  for (const [kind, store] of Object.entries(databases)) {
    const url = (store as { url?: unknown } | null)?.url;
    if (typeof url === 'string' && /^sqlite:\/\/\/(?!\/)/.test(url)) {
      const file = url.slice('sqlite:///'.length);
      const [path, query] = splitQuery(file);
      anchored[kind] = {
        ...(store as object),
        url: `sqlite:///${isAbsolute(path) ? path : resolve(base, path)}${query}`,
      };
    } else anchored[kind] = store;
  }
  return { ...config, databases: anchored };
}

function splitQuery(text: string): [string, string] {
  const i = text.indexOf('?');
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i)];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value : undefined;
}

/** One line saying where the data is, for people (never a password). */
export function describeSource(source: StoreSource): string {
  switch (source.kind) {
    case 'config-file':
      return `config file ${source.path}`;
    case 'env-urls':
      return `servers from ${source.variables.join(', ')}`;
    case 'embedded':
      return `embedded SQLite ${source.file}`;
  }
}
