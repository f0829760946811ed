import { z } from 'zod';
import { OrchError } from '../errors/orch-error.js';
import { redact, registerSecret } from '../errors/secrets.js';
import { STORE_KINDS, type StoreKind } from '../kinds.js';
import type { AdapterRegistration } from '../registry/registry.js';
import type { OrchConfig, StoreConfig } from './orch-config.js';

/** Environment variables that override each store's URL. */
export const URL_ENV_VARS: Readonly<Record<StoreKind, string>> = {
  operational: 'ORCH_OPERATIONAL_URL',
  vector: 'ORCH_VECTOR_URL',
  graph: 'ORCH_GRAPH_URL',
};

const storeSchema = z
  .object({
    url: z.string().trim().min(1, 'must be a non-empty URL').optional(),
    timeout: z.number().positive('must be a positive number of seconds').finite().optional(),
    timeoutMs: z.number().int().positive('must be a positive integer of milliseconds').optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    apiKey: z.string().optional(),
    scheme: z
      .string()
      .regex(/^[a-z][a-z0-9+.-]*$/i, 'must be a URL scheme such as "sqlite"')
      .optional(),
  })
  .passthrough();

const configSchema = z
  .object({
    databases: z
      .object({
        operational: storeSchema.optional(),
        vector: storeSchema.optional(),
        graph: storeSchema.optional(),
      })
      .strict(),
    adapters: z
      .array(
        z.custom<string | AdapterRegistration>(
          (v) =>
            (typeof v === 'string' && v.length > 0) ||
            (typeof v === 'object' &&
              v !== null &&
              typeof (v as AdapterRegistration).name === 'string' &&
              Array.isArray((v as AdapterRegistration).schemes) &&
              typeof (v as AdapterRegistration).create === 'function'),
          { error: 'must be a package name or a registration object { name, schemes, kind, create }' },
        ),
      )
      .default([]),
  })
  .strict();

export interface ParseConfigOptions {
  /** Where URL overrides are read from; defaults to `process.env`. Pass `{}` to ignore the environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Validate a configuration: the seed's `{ databases: { operational, vector, graph } }` shape, as an
 * object or JSON text (a bare `{ operational, vector, graph }` object is accepted too). Environment
 * variables `ORCH_OPERATIONAL_URL`, `ORCH_VECTOR_URL` and `ORCH_GRAPH_URL` override the URLs.
 * Errors are `ORCH_INVALID_CONFIG` and name the field.
 *
 * @example
 * const config = parseConfig({ databases: { operational: { url: 'sqlite:///tasks.db', timeout: 30 } } });
 * config.databases.operational?.timeoutMs; // 30000
 */
export function parseConfig(input?: unknown, options: ParseConfigOptions = {}): OrchConfig {
  const env = options.env ?? process.env;
  let raw: unknown = input ?? { databases: {} };
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (cause) {
      throw new OrchError(
        'ORCH_INVALID_CONFIG',
        `Configuration is not valid JSON: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !('databases' in raw)) {
    const keys = Object.keys(raw);
    if (keys.length > 0 && keys.every((k) => (STORE_KINDS as readonly string[]).includes(k)))
      raw = { databases: raw };
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.length ? issue.path.join('.') : '(root)',
      message:
        issue.code === 'unrecognized_keys'
          ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
          : issue.message,
    }));
    const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new OrchError('ORCH_INVALID_CONFIG', `Invalid configuration: ${summary}.`, { details: { issues } });
  }
  const databases: Partial<Record<StoreKind, StoreConfig>> = {};
  for (const kind of STORE_KINDS) {
    const given = result.data.databases[kind];
    const override = env[URL_ENV_VARS[kind]]?.trim();
    if (!given && !override) continue;
    const { timeout, ...rest } = (given ?? {}) as Record<string, unknown> & { timeout?: number };
    const store: Record<string, unknown> = { ...rest };
    if (override) store.url = override;
    if (timeout !== undefined && store.timeoutMs === undefined) store.timeoutMs = Math.round(timeout * 1000);
    for (const key of ['password', 'apiKey', 'token', 'authToken'] as const) {
      if (typeof store[key] === 'string') registerSecret(store[key] as string);
    }
    if (typeof store.url !== 'string' && store.client === undefined && store.scheme === undefined) {
      throw new OrchError(
        'ORCH_INVALID_CONFIG',
        `Invalid configuration: databases.${kind}: needs a "url" (or set ${URL_ENV_VARS[kind]}).`,
        {
          details: { issues: [{ path: `databases.${kind}.url`, message: 'required' }] },
        },
      );
    }
    databases[kind] = store as StoreConfig;
  }
  return { databases, adapters: result.data.adapters };
}

/** A config made safe to print: secrets replaced. */
export function describeConfig(config: OrchConfig): string {
  return redact(
    JSON.stringify(config, (key, value) =>
      /password|apiKey|token|secret/i.test(key) ? '***' : key === 'client' ? '[client]' : value,
    ),
  );
}
