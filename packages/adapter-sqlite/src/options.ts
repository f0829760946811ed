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
  /**
   * Vector stores: `exact` (default) answers every query exactly; `hnsw` (URL
   * `?vector_index=hnsw`) answers unfiltered queries on collections of 10,000 records or more
   * from an in-memory HNSW graph (approximate); filtered queries stay exact.
   */
  readonly vectorIndex?: 'exact' | 'hnsw';
}

/** The SQLite family's options plus sqlite-vec's switch and the vector index choice. */
const options = sqliteFamilyOptions(
  { vectorExtension: z.boolean().optional(), vectorIndex: z.enum(['exact', 'hnsw']).optional() },
  {
    vec: { option: 'vectorExtension', type: 'boolean' },
    vector_index: { option: 'vectorIndex', type: 'string' },
  },
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
