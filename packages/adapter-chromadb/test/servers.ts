import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The venv scripts/servers/chroma.sh installs (chromadb 1.5.9, the Rust server's Python binding). */
const PYTHON = join(ROOT, '.test-servers/chroma/venv/bin/python');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function heartbeat(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(1000) });
    return r.ok;
  } catch {
    return false;
  }
}

/**
 * A Chroma server of this test's own (its own data directory and port), for tests that stop and
 * restart the server: the shared one from scripts/servers/chroma.sh must stay up for the others.
 * Started the way the script starts it, from the script's venv.
 */
export class PrivateChroma {
  readonly dir = mkdtempSync(join(tmpdir(), 'orch-chroma-'));
  #child: ChildProcess | undefined;
  #log = '';
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!existsSync(PYTHON))
      throw new Error(
        `${PYTHON} is missing: run \`bash scripts/servers/chroma.sh start\` once (it installs Chroma).`,
      );
    if (this.port === 0) this.port = await freePort();
    const config = join(this.dir, 'chroma.yaml');
    writeFileSync(
      config,
      `port: ${this.port}\nlisten_address: "127.0.0.1"\npersist_path: "${join(this.dir, 'data')}"\nallow_reset: true\n`,
    );
    const child = spawn(
      PYTHON,
      ['-c', 'import sys, chromadb_rust_bindings as b; b.cli(["chroma", "run", sys.argv[1]])', config],
      { env: { ...process.env, RUST_LOG: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    child.stdout?.on('data', (d) => {
      this.#log += String(d);
    });
    child.stderr?.on('data', (d) => {
      this.#log += String(d);
    });
    const started = Date.now();
    // A busy port makes the server exit 0: only a heartbeat from our live child counts.
    while (Date.now() - started < 30_000) {
      if (child.exitCode !== null) throw new Error(`chroma exited during start-up:\n${this.#log}`);
      if (await heartbeat(this.url)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.stop();
    throw new Error(`chroma did not answer within 30 s:\n${this.#log}`);
  }

  /** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

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
