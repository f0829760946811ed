import { Pinecone } from '@pinecone-database/pinecone';
import { type PineconeEmulator, startPineconeEmulator } from '../src/index.js';

export const SERVERLESS = { serverless: { cloud: 'aws', region: 'us-east-1' } } as const;

export interface Harness {
  emulator: PineconeEmulator;
  pc: Pinecone;
}

/** Starts an emulator on a free port and an official client pointed at it (no retries). */
export async function startHarness(apiKey = 'test-key'): Promise<Harness> {
  const emulator = await startPineconeEmulator();
  const pc = new Pinecone({ apiKey, controllerHostUrl: emulator.url, maxRetries: 0 });
  return { emulator, pc };
}

/** Calls the emulator without the client (for what the client validates away before sending). */
export async function raw(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; apiKey?: string | null } = {},
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.apiKey !== null) headers['Api-Key'] = init.apiKey ?? 'test-key';
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
