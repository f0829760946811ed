import type { StoreKind } from '@orch/core';
import { type ParsedUrl, z } from '@orch/core/adapter-kit';
import {
  type EmbeddedSettings,
  embeddedSettings,
  SQLITE_FAMILY_URL_PARAMETERS,
  type SqliteFamilyOptions,
  sqliteFamilyOptionsShape,
  type UrlParameter,
  withUrlOptions,
} from '@orch/sql-stores/sqlite-family';

/** Options of the `sqlite:` stores: store config keys; most also work as URL parameters (config wins). */
export interface SqliteOptions extends SqliteFamilyOptions {
  /** Load sqlite-vec into every connection (URL `?vec=0` to skip); default true. The vector store needs it. */
  readonly vectorExtension?: boolean;
}

const optionsShape = { ...sqliteFamilyOptionsShape, vectorExtension: z.boolean().optional() };

/** The store config schema: the SQLite family's options plus sqlite-vec's switch, nothing else. */
export const sqliteOptionsSchema = z.object(optionsShape).strict();

const urlParameters: Readonly<Record<string, UrlParameter>> = {
  ...SQLITE_FAMILY_URL_PARAMETERS,
  vec: { option: 'vectorExtension', type: 'boolean' },
};

/** The validated options over the URL's (config wins), and the settings of the file they open. */
export interface ResolvedSqliteOptions {
  readonly options: z.output<typeof sqliteOptionsSchema>;
  readonly settings: EmbeddedSettings;
}

/**
 * Resolve a `sqlite:` URL (`sqlite:///rel.db`, `sqlite:////abs.db`, `sqlite::memory:`) and the
 * validated store options.
 *
 * @example
 * resolveSqliteOptions(parseStoreUrl('sqlite:///tasks.db?mode=inline'), {}).settings.mode; // 'inline'
 */
export function resolveSqliteOptions(
  url: ParsedUrl | undefined,
  validated: z.output<typeof sqliteOptionsSchema>,
  kind: StoreKind = 'operational',
): ResolvedSqliteOptions {
  const options = withUrlOptions(url?.params, validated, urlParameters, optionsShape, kind);
  return { options, settings: embeddedSettings(url?.path ?? ':memory:', options) };
}
