import type { StoreKind } from '@orch/core';
import { type ParsedUrl, z } from '@orch/core/adapter-kit';
import {
  type EmbeddedSettings,
  embeddedSettings,
  type SqliteFamilyOptions,
  sqliteFamilyOptions,
} from '@orch/sql-stores/sqlite-family';

/** Options of the `sqlite:` stores: store config keys; most also work as URL parameters (config wins). */
export interface SqliteOptions extends SqliteFamilyOptions {
  /** Load sqlite-vec into every connection (URL `?vec=0` to skip); default true. The vector store needs it. */
  readonly vectorExtension?: boolean;
}

/** The SQLite family's options plus sqlite-vec's switch, nothing else. */
const options = sqliteFamilyOptions(
  { vectorExtension: z.boolean().optional() },
  { vec: { option: 'vectorExtension', type: 'boolean' } },
);

/** The store config schema. */
export const sqliteOptionsSchema = options.schema;

type Validated = z.output<typeof sqliteOptionsSchema>;

/**
 * Resolve a `sqlite:` URL (`sqlite:///rel.db`, `sqlite:////abs.db`, `sqlite::memory:`) and the
 * validated store options: the options over the URL's (config wins), and the file they open.
 *
 * @example
 * resolveSqliteOptions(parseStoreUrl('sqlite:///tasks.db?mode=inline'), {}).settings.mode; // 'inline'
 */
export function resolveSqliteOptions(
  url: ParsedUrl | undefined,
  validated: Validated,
  kind: StoreKind = 'operational',
): { readonly options: Validated; readonly settings: EmbeddedSettings } {
  const merged = options.withUrl(url, validated, kind);
  return { options: merged, settings: embeddedSettings(url?.path ?? ':memory:', merged) };
}
