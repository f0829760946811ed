import { expect } from 'vitest';

/** The Chroma server the tests use, started by the global setup when not given. */
export function chromaUrl(): string {
  const url = process.env.ORCH_TEST_CHROMA_URL;
  if (!url)
    expect.fail(
      'ORCH_TEST_CHROMA_URL is not set (test/servers.setup.mjs starts Chroma through scripts/servers/chroma.sh).',
    );
  return url;
}

/** `http://127.0.0.1:PORT` as the adapter's own scheme. */
export function chromaStoreUrl(): string {
  const u = new URL(chromaUrl());
  return `${u.protocol === 'https:' ? 'chromadb+https' : 'chromadb'}://${u.host}`;
}

export function chromaHostPort(): { host: string; port: number } {
  const u = new URL(chromaUrl());
  return { host: u.hostname, port: Number(u.port) };
}
