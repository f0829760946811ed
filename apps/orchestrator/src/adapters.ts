import { parseConfig } from '@orch/core';
import type { UnifiedDatabaseManagerOptions } from '@orch/unified';

/**
 * Server adapters this app ships with, loaded only when a configured URL uses their scheme
 * (importing one registers its schemes). The embedded default (`sqlite:`) is always loaded.
 * Other adapter packages are found by @orch/core when they are installed next to the app, or
 * named in the config's `adapters` list.
 */
const BUNDLED: Readonly<Record<string, () => Promise<unknown>>> = {
  chromadb: () => import('@orch/adapter-chromadb'),
  'chromadb+https': () => import('@orch/adapter-chromadb'),
  neo4j: () => import('@orch/adapter-neo4j'),
  'neo4j+s': () => import('@orch/adapter-neo4j'),
  'neo4j+ssc': () => import('@orch/adapter-neo4j'),
  bolt: () => import('@orch/adapter-neo4j'),
  'bolt+s': () => import('@orch/adapter-neo4j'),
  'bolt+ssc': () => import('@orch/adapter-neo4j'),
};

export async function loadBundledAdapters(options: UnifiedDatabaseManagerOptions): Promise<void> {
  await import('@orch/adapter-sqlite');
  let urls: string[];
  try {
    const config = parseConfig(options.config, { env: options.env ?? process.env });
    urls = Object.values(config.databases).flatMap((s) => (s?.url ? [s.url] : []));
  } catch {
    return; // the manager reports the configuration error itself
  }
  for (const url of urls) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
    const load = scheme ? BUNDLED[scheme] : undefined;
    if (load) await load();
  }
}
