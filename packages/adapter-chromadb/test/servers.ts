import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export { ThrowawayChroma as PrivateChroma } from '../../../scripts/servers/throwaway-chroma.mjs';

/** What the proxy does with one request: pass it on, or answer it itself. */
export type ProxyDecision =
  | { readonly action: 'forward' }
  | { readonly action: 'respond'; readonly status: number; readonly body?: unknown }
  | { readonly action: 'hang' };

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** The JSON body, parsed (undefined when there was none). */
  readonly body: unknown;
}

/**
 * An HTTP proxy in front of a real Chroma server, for what a bare local Chroma never does: ask
 * for credentials (Chroma is deployed behind an auth proxy), fail with a 5xx, or stall. Every
 * request it sees is recorded; `decide` picks what happens to each.
 */
export class ChromaProxy {
  readonly requests: ProxiedRequest[] = [];
  decide: (req: ProxiedRequest) => ProxyDecision = () => ({ action: 'forward' });
  #server: Server | undefined;
  #hanging = new Set<ServerResponse>();
  port = 0;

  constructor(readonly target: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.#handle(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  #handle(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      body = raw.toString('utf8');
    }
    const seen: ProxiedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body,
    };
    this.requests.push(seen);
    const decision = this.decide(seen);
    if (decision.action === 'hang') {
      this.#hanging.add(res);
      return;
    }
    if (decision.action === 'respond') {
      res.writeHead(decision.status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          decision.body ?? { error: 'ProxyError', message: `proxy answered ${decision.status}` },
        ),
      );
      return;
    }
    const target = new URL(seen.path, this.target);
    const upstream = request(
      target,
      { method: seen.method, headers: { ...req.headers, host: target.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    upstream.end(raw);
  }

  /** Requests to paths that contain `fragment`. */
  to(fragment: string): ProxiedRequest[] {
    return this.requests.filter((r) => r.path.includes(fragment));
  }

  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#hanging.clear();
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
