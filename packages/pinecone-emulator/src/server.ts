import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configureIndex, createIndex, deleteIndex, indexModel, requireIndex } from './control-plane.js';
import * as data from './data-plane.js';
import { badRequest, EmulatorApiError, notEmulated, notFound, type Plane } from './errors.js';
import { LIMITS } from './metadata.js';
import { type EmulatedIndex, EmulatorState } from './state.js';

/** The API version this emulator implements (what `@pinecone-database/pinecone` 8.2.0 sends). */
export const PINECONE_API_VERSION = '2026-04';

/** The path under which each index's data plane is served: `${url}/__index/${name}`. */
export const INDEX_PATH_PREFIX = '/__index/';

/** Options of {@link startPineconeEmulator}. */
export interface PineconeEmulatorOptions {
  /** TCP port; `0` (the default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  readonly host?: string;
  /**
   * When set, only this API key is accepted (any other answers 401). By default any non-empty
   * `Api-Key` header is accepted; a missing one always answers 401.
   */
  readonly apiKey?: string;
}

/** A running emulator. */
export interface PineconeEmulator {
  /** Base URL, e.g. `http://127.0.0.1:5080`: pass it as the client's `controllerHostUrl`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The interface it listens on. */
  readonly host: string;
  /** The data-plane host of an index (what `describeIndex(name).host` returns for this URL). */
  indexHost(name: string): string;
  /** Deletes every index (and its records), e.g. between tests. */
  reset(): void;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Bodies are read up to this size so that an over-limit request still gets its 400 answer. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

const ROOT_DATA_PATHS = [
  '/vectors/',
  '/query',
  '/describe_index_stats',
  '/namespaces',
  '/records/',
  '/bulk/',
];
const NOT_EMULATED_CONTROL = [
  { prefix: '/collections', feature: 'Collections' },
  { prefix: '/backups', feature: 'Backups' },
  { prefix: '/restore-jobs', feature: 'Restore jobs' },
  { prefix: '/indexes/create-for-model', feature: 'Indexes with integrated embedding (create-for-model)' },
  { prefix: '/embed', feature: 'Inference (embed)' },
  { prefix: '/rerank', feature: 'Inference (rerank)' },
  { prefix: '/models', feature: 'Inference models' },
  { prefix: '/assistant', feature: 'Pinecone Assistant' },
  { prefix: '/admin', feature: 'The Admin API' },
];

interface Reply {
  readonly status: number;
  readonly body?: unknown;
}

class RequestContext {
  constructor(
    readonly req: IncomingMessage,
    readonly url: URL,
    readonly baseUrl: string,
  ) {}

  /** The data-plane host of an index as seen by this request's client. */
  indexHost(name: string): string {
    return `${this.baseUrl}${INDEX_PATH_PREFIX}${encodeURIComponent(name)}`;
  }
}

/**
 * Starts a strict local emulator of Pinecone's REST API (control plane and data plane, API version
 * 2026-04) on one HTTP port. Each index's data plane is served under `${url}/__index/${name}`, which is
 * the `host` that `describeIndex` returns, so the official client finds it by itself.
 *
 * @example
 * ```ts
 * import { Pinecone } from '@pinecone-database/pinecone';
 * import { startPineconeEmulator } from '@orch/pinecone-emulator';
 *
 * const emulator = await startPineconeEmulator();
 * const pc = new Pinecone({ apiKey: 'test-key', controllerHostUrl: emulator.url, maxRetries: 0 });
 * await pc.createIndex({ name: 'docs', dimension: 3, metric: 'cosine', spec: { serverless: { cloud: 'aws', region: 'us-east-1' } } });
 * const index = pc.index({ name: 'docs' });
 * await index.upsert({ records: [{ id: 'a', values: [1, 0, 0], metadata: { tag: 'x' } }] });
 * const { matches } = await index.query({ vector: [1, 0, 0], topK: 1 });
 * console.log(matches[0]?.id); // 'a'
 * await emulator.close();
 * ```
 */
export async function startPineconeEmulator(
  options: PineconeEmulatorOptions = {},
): Promise<PineconeEmulator> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new RangeError(`port must be an integer between 0 and 65535, got ${requestedPort}`);
  }
  if (options.apiKey !== undefined && options.apiKey.length === 0) {
    throw new RangeError('apiKey must not be empty');
  }
  const state = new EmulatorState();
  let fallbackBase = '';
  const server: Server = createServer((req, res) => {
    void handle(state, options.apiKey, fallbackBase, req, res);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  fallbackBase = url;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return {
    url,
    port,
    host,
    indexHost: (name) => `${url}${INDEX_PATH_PREFIX}${encodeURIComponent(name)}`,
    reset: () => state.indexes.clear(),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** `http://` + the request's Host header when it is a plain host[:port], else the listening URL. */
function baseUrlOf(req: IncomingMessage, fallback: string): string {
  const hostHeader = req.headers.host;
  if (hostHeader && /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(hostHeader)) {
    return `http://${hostHeader}`;
  }
  return fallback;
}

async function handle(
  state: EmulatorState,
  apiKey: string | undefined,
  fallbackBase: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let plane: Plane = 'control';
  try {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    plane = url.pathname.startsWith(INDEX_PATH_PREFIX) || isRootDataPath(url.pathname) ? 'data' : 'control';
    const body = await readBody(req);
    checkApiKey(req, apiKey);
    const context = new RequestContext(req, url, baseUrlOf(req, fallbackBase));
    const reply = plane === 'data' ? routeData(state, context, body) : routeControl(state, context, body);
    send(res, reply.status, reply.body);
  } catch (error) {
    if (error instanceof EmulatorApiError) {
      send(res, error.status, error.body(plane));
    } else {
      const message = error instanceof Error ? error.message : String(error);
      const internal = new EmulatorApiError(500, 'INTERNAL', `Internal emulator error: ${message}`);
      send(res, 500, internal.body(plane));
    }
  }
}

/** Decodes a path segment; a malformed escape names no index, so it is a 404 rather than a crash. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw notFound(`Malformed path segment: ${segment}`);
  }
}

function isRootDataPath(pathname: string): boolean {
  return ROOT_DATA_PATHS.some((prefix) => pathname === prefix || pathname.startsWith(prefix));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status, { 'content-length': '0', 'x-pinecone-api-version': PINECONE_API_VERSION });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-pinecone-api-version': PINECONE_API_VERSION,
  });
  res.end(text);
}

function checkApiKey(req: IncomingMessage, apiKey: string | undefined): void {
  const header = req.headers['api-key'];
  const provided = Array.isArray(header) ? header[0] : header;
  if (!provided) {
    throw new EmulatorApiError(401, 'UNAUTHENTICATED', 'API key is missing: pass it in the Api-Key header.');
  }
  if (apiKey !== undefined && provided !== apiKey) {
    throw new EmulatorApiError(401, 'UNAUTHENTICATED', 'Invalid API key.');
  }
}

/**
 * Reads a request body. Over 2 MB it answers the service's 400 ("Request size NMB exceeds the maximum
 * supported size of 2MB"), after draining the body so the client receives the answer.
 */
async function readBody(req: IncomingMessage): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'DELETE' || req.method === 'HEAD') {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= LIMITS.maxRequestBytes) chunks.push(chunk);
    else if (size > DRAIN_LIMIT_BYTES) {
      req.destroy();
      break;
    }
  }
  if (size > LIMITS.maxRequestBytes) {
    const megabytes = Math.ceil(size / (1024 * 1024));
    throw badRequest(`Request size ${megabytes}MB exceeds the maximum supported size of 2MB`);
  }
  if (size === 0) return {};
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`Failed to parse the request body as JSON: ${(error as Error).message}`);
  }
}

function methodNotAllowed(method: string | undefined, path: string): EmulatorApiError {
  return new EmulatorApiError(405, 'INVALID_ARGUMENT', `Method ${method} is not allowed on ${path}`);
}

function routeControl(state: EmulatorState, context: RequestContext, body: unknown): Reply {
  const { pathname } = context.url;
  const method = context.req.method;
  for (const { prefix, feature } of NOT_EMULATED_CONTROL) {
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) throw notEmulated(feature);
  }
  if (pathname === '/indexes') {
    if (method === 'GET') {
      const indexes = [...state.indexes.values()].map((index) =>
        indexModel(index, context.indexHost(index.config.name)),
      );
      return { status: 200, body: { indexes } };
    }
    if (method === 'POST') {
      const index = createIndex(state, body);
      return { status: 201, body: indexModel(index, context.indexHost(index.config.name)) };
    }
    throw methodNotAllowed(method, pathname);
  }
  const match = /^\/indexes\/([^/]+)(\/.*)?$/.exec(pathname);
  if (match) {
    const name = decodeSegment(match[1]!);
    if (match[2] === '/backups') throw notEmulated('Backups');
    if (match[2] !== undefined) throw notFound(`No route for ${pathname}`);
    if (method === 'GET') {
      return { status: 200, body: indexModel(requireIndex(state, name), context.indexHost(name)) };
    }
    if (method === 'DELETE') {
      deleteIndex(state, name);
      return { status: 202 };
    }
    if (method === 'PATCH') {
      const index = configureIndex(state, name, body);
      return { status: 202, body: indexModel(index, context.indexHost(name)) };
    }
    throw methodNotAllowed(method, pathname);
  }
  throw notFound(`No route for ${method} ${pathname}`);
}

function routeData(state: EmulatorState, context: RequestContext, body: unknown): Reply {
  const { pathname } = context.url;
  if (!pathname.startsWith(INDEX_PATH_PREFIX)) {
    throw notFound(
      `${pathname} is a data-plane route: this emulator serves each index's data plane under ` +
        `${context.baseUrl}${INDEX_PATH_PREFIX}<index name>, the host describeIndex returns ` +
        "(build the client's index with pc.index({ name }) and no host, or use that host).",
    );
  }
  const rest = pathname.slice(INDEX_PATH_PREFIX.length);
  const slash = rest.indexOf('/');
  const name = decodeSegment(slash === -1 ? rest : rest.slice(0, slash));
  const route = slash === -1 ? '/' : rest.slice(slash);
  const index: EmulatedIndex | undefined = state.indexes.get(name);
  if (!index) throw notFound(`Index ${name} not found.`);
  const method = context.req.method;
  const params = context.url.searchParams;
  const post = (handler: (index: EmulatedIndex, body: Record<string, unknown>) => unknown): Reply => {
    if (method !== 'POST') throw methodNotAllowed(method, route);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest('The request body must be a JSON object');
    }
    return { status: 200, body: handler(index, body as Record<string, unknown>) };
  };
  const get = (handler: (index: EmulatedIndex, params: URLSearchParams) => unknown): Reply => {
    if (method !== 'GET') throw methodNotAllowed(method, route);
    return { status: 200, body: handler(index, params) };
  };
  switch (route) {
    case '/vectors/upsert':
      return post(data.upsert);
    case '/query':
      return post(data.query);
    case '/vectors/fetch':
      return get(data.fetch);
    case '/vectors/fetch_by_metadata':
      return post(data.fetchByMetadata);
    case '/vectors/delete':
      return post(data.remove);
    case '/vectors/update':
      return post(data.update);
    case '/vectors/list':
      return get(data.list);
    case '/describe_index_stats':
      return method === 'GET' ? get((i) => data.describeIndexStats(i, {})) : post(data.describeIndexStats);
    default:
      break;
  }
  if (route.startsWith('/namespaces')) throw notEmulated('The namespaces API');
  if (route.startsWith('/records/'))
    throw notEmulated('Records with integrated embedding (upsert/search records)');
  if (route.startsWith('/bulk/')) throw notEmulated('Bulk imports');
  throw notFound(`No route for ${method} ${route}`);
}
