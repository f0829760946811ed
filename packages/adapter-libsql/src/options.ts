import type { StoreKind } from '@orch/core';
import { OrchError, type ParsedUrl, z } from '@orch/core/adapter-kit';
import {
  type EmbeddedSettings,
  embeddedSettings,
  type SqliteFamilyOptions,
  sqliteFamilyOptions,
} from '@orch/sql-stores/sqlite-family';
import { type LibsqlRemoteSettings, remoteSettings } from './remote.js';

/**
 * Options of the `libsql:` and `file:` stores: store config keys; most also work as URL
 * parameters (config wins). The embedded-file options are ignored for a remote server and the
 * remote ones for a file, so moving between them is a change of URL only.
 */
export interface LibsqlOptions extends SqliteFamilyOptions {
  /** Remote: token for Turso / sqld with JWT auth (URL `?authToken=`). Registered as a secret: never shown in errors. */
  readonly authToken?: string;
  /** Remote: `false` connects without TLS (plain http), like the URL's `?tls=0`. */
  readonly tls?: boolean;
  /** Remote: statements per request in executeMany / batch; default 500. */
  readonly chunkSize?: number;
  /**
   * Vector stores: `exact` (default) scans with libsql's vector functions; `diskann` (URL
   * `?vector_index=diskann`) builds libsql's DiskANN index on each cosine or l2 collection and
   * answers unfiltered queries from it (approximate, slow to build).
   */
  readonly vectorIndex?: 'exact' | 'diskann';
}

/** The SQLite family's options plus the remote and vector-index ones. */
const options = sqliteFamilyOptions(
  {
    authToken: z.string().optional(),
    tls: z.boolean().optional(),
    chunkSize: z.number().int().min(1).max(10_000).optional(),
    vectorIndex: z.enum(['exact', 'diskann']).optional(),
  },
  { vector_index: { option: 'vectorIndex', type: 'string' } },
);

/** The store config schema. */
export const libsqlOptionsSchema = options.schema;

export type ValidatedLibsqlOptions = z.output<typeof libsqlOptionsSchema>;

/** Where a libsql URL leads, with the validated options over the URL's (config wins). */
export type ResolvedLibsql =
  | {
      readonly mode: 'embedded';
      readonly settings: EmbeddedSettings;
      readonly options: ValidatedLibsqlOptions;
    }
  | {
      readonly mode: 'remote';
      readonly settings: LibsqlRemoteSettings;
      readonly options: ValidatedLibsqlOptions;
    };

/**
 * Resolve a libsql URL the way libsql reads it: `file:path.db` / `file:///abs.db` / `file::memory:`
 * open an embedded file; `libsql://host` is a remote sqld or Turso database (TLS unless `?tls=0`,
 * which needs an explicit port).
 *
 * @example
 * resolveLibsqlOptions(parseStoreUrl('libsql://127.0.0.1:8080?tls=0'), {}).mode; // 'remote'
 */
export function resolveLibsqlOptions(
  url: ParsedUrl | undefined,
  validated: ValidatedLibsqlOptions,
  kind: StoreKind = 'operational',
): ResolvedLibsql {
  if (!url) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      'The libsql store needs a URL (libsql://host or file:path.db), or an injected client.',
      { kind },
    );
  }
  const merged = options.withUrl(url, validated, kind);
  if (url.scheme === 'file')
    return { mode: 'embedded', settings: embeddedSettings(url.path, merged), options: merged };
  if (!url.host) {
    throw new OrchError(
      'ORCH_INVALID_URL',
      `"${url.redacted}" has no host: use libsql://host for a server, or file:path.db for an embedded file.`,
      { kind },
    );
  }
  return { mode: 'remote', settings: remoteSettings(url, merged), options: merged };
}
