import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter, type VectorStore } from '@orch/core';
import { Pinecone } from '@pinecone-database/pinecone';
import { inject } from 'vitest';
import type { PineconeStoreOptions } from '../src/index.js';
import '../src/index.js';
import { EMULATOR_API_KEY } from './global-setup.js';

export { EMULATOR_API_KEY };

/** The emulator started by test/global-setup.ts (or named by ORCH_TEST_PINECONE_EMULATOR_URL). */
export function emulatorUrl(): string {
  return inject('pineconeEmulatorUrl');
}

/** A unique, valid Pinecone index name. */
export function uniqueIndex(prefix = 'ap'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** A pinecone: store on the emulator (options override the defaults). */
export function openStore(
  url: string,
  options: Partial<PineconeStoreOptions> & { controllerHostUrl?: string } = {},
): Promise<VectorStore> {
  return createAdapter('vector', {
    url,
    apiKey: EMULATOR_API_KEY,
    controllerHostUrl: emulatorUrl(),
    maxRetries: 0,
    ...options,
  });
}

/** The official client on the emulator, without the adapter. */
export function rawClient(controllerHostUrl = emulatorUrl(), apiKey = EMULATOR_API_KEY): Pinecone {
  return new Pinecone({ apiKey, controllerHostUrl, maxRetries: 0 });
}

export const SERVERLESS = { serverless: { cloud: 'aws', region: 'us-east-1' } } as const;

/** One request the proxy saw. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly bodyBytes: number;
  readonly body: unknown;
  /** The status the proxy answered with. */
  status: number;
}

/** An injected failure: answer `status` (instead of forwarding) to the next `times` matching requests. */
export interface Fault {
  /** The status to answer with; 0 forwards the request after `delayMs` instead. */
  readonly status: number;
  readonly delayMs?: number;
  times: number;
  readonly match?: (method: string, path: string) => boolean;
  readonly headers?: Record<string, string>;
}

export interface FaultProxy {
  readonly url: string;
  readonly seen: SeenRequest[];
  readonly faults: Fault[];
  /** The most data-plane upserts that were in flight at once. */
  readonly maxUpsertsInFlight: () => number;
  close(): Promise<void>;
}

/**
 * Test infrastructure, not a mock: a tiny HTTP proxy in front of the emulator that forwards every
 * request unchanged (Host header included, so the index hosts the emulator hands out point back
 * at the proxy) and records it, except that it can answer a planned status (429, 503 …) to
 * chosen requests first. The service's rate limits and outages cannot be provoked otherwise.
 */
export async function startProxy(target = emulatorUrl()): Promise<FaultProxy> {
  const upstream = new URL(target);
  const seen: SeenRequest[] = [];
  const faults: Fault[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = req.url ?? '/';
      let body: unknown;
      try {
        body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
      } catch {
        body = undefined;
      }
      const entry: SeenRequest = {
        method: req.method ?? 'GET',
        path,
        bodyBytes: raw.length,
        body,
        status: 0,
      };
      seen.push(entry);
      if (path.endsWith('/vectors/upsert')) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        res.on('close', () => inFlight--);
      }
      const fault = faults.find((f) => f.times > 0 && (f.match?.(entry.method, path) ?? true));
      if (fault && fault.status === 0) {
        fault.times--;
        setTimeout(() => forwardRequest(), fault.delayMs ?? 0);
        return;
      }
      if (fault) {
        fault.times--;
        entry.status = fault.status;
        const text = JSON.stringify({ code: 8, message: `injected HTTP ${fault.status}`, details: [] });
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(text);
        return;
      }
      forwardRequest();
      function forwardRequest(): void {
        const forward = request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path,
            headers: { ...req.headers, 'content-length': String(raw.length) },
          },
          (answer) => {
            entry.status = answer.statusCode ?? 0;
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forward.on('error', (err) => {
          entry.status = 502;
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(String(err));
        });
        forward.end(raw);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    faults,
    maxUpsertsInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A pinecone: store on the emulator behind a fresh {@link startProxy}, both closed by the
 * `cleanups` the caller runs after each test.
 */
export async function openViaProxy(
  url: string,
  cleanups: (() => Promise<unknown>)[],
  options: Parameters<typeof openStore>[1] = {},
): Promise<{ store: VectorStore; proxy: FaultProxy }> {
  const proxy = await startProxy();
  // Each proxy is another host: a fresh API key keeps the official client's host cache apart.
  const store = await openStore(url, { controllerHostUrl: proxy.url, ...options });
  cleanups.push(
    () => store.close(),
    () => proxy.close(),
  );
  return { store, proxy };
}

/** The data plane's upsert requests the proxy saw. */
export function upsertsSeen(proxy: FaultProxy): SeenRequest[] {
  return proxy.seen.filter((r) => r.path.endsWith('/vectors/upsert'));
}

/** A {@link Fault} match for the `k`-th data-plane upsert from now on (1-based). */
export function nthUpsert(k: number): NonNullable<Fault['match']> {
  let n = 0;
  return (_, path) => path.endsWith('/vectors/upsert') && ++n === k;
}
