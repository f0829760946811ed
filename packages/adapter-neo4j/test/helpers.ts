import {
  type AddressInfo,
  connect,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { inspect } from 'node:util';
import { expect } from 'vitest';

/** One Neo4j line the tests run against, from the variables the global setup (or the caller) set. */
export interface Neo4jLine {
  /** `5.26` or `2026.08`, for test names. */
  readonly name: string;
  /** `bolt://127.0.0.1:PORT` as the script prints it. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

export const LINES = [
  { name: '5.26', urlVar: 'ORCH_TEST_NEO4J_URL' },
  { name: '2026.08', urlVar: 'ORCH_TEST_NEO4J_2026_URL' },
] as const;

export function neo4jLine(name: (typeof LINES)[number]['name']): Neo4jLine {
  const spec = LINES.find((l) => l.name === name)!;
  const url = process.env[spec.urlVar];
  const user = process.env.ORCH_TEST_NEO4J_USER;
  const password = process.env.ORCH_TEST_NEO4J_PASSWORD;
  if (!url || !user || !password)
    expect.fail(
      `${spec.urlVar}, ORCH_TEST_NEO4J_USER and ORCH_TEST_NEO4J_PASSWORD must be set (the global setup starts Neo4j through scripts/servers/neo4j.sh).`,
    );
  const u = new URL(url);
  return { name, url, host: u.hostname, port: Number(u.port), user, password };
}

/** A store config for a line: `scheme://host:port` with the credentials as options. */
export function storeConfig(
  line: Neo4jLine,
  scheme = 'bolt',
  extra: Record<string, unknown> = {},
): { url: string } & Record<string, unknown> {
  return {
    url: `${scheme}://${line.host}:${line.port}`,
    username: line.user,
    password: line.password,
    ...extra,
  };
}

/** The error a promise rejects with (the test fails if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!outcome) expect.fail('expected a rejection');
  return outcome as Error & Record<string, unknown>;
}

/** Every text an error or report shows: message, stack, JSON, inspect (with its cause). */
export function texts(value: unknown): string {
  return [
    JSON.stringify(value),
    inspect(value, { depth: 8 }),
    value instanceof Error ? `${value.message}\n${value.stack}` : '',
  ].join('\n');
}

let seq = 0;
/** A name no other test (or run) uses. */
export const unique = (prefix: string) => `${prefix}_${process.pid}_${Date.now().toString(36)}_${seq++}`;

/**
 * A TCP proxy in front of a real Neo4j that keeps what clients send, to see which Bolt messages
 * a driver used (a routing driver asks for a routing table with ROUTE; a direct one never does).
 */
export class BoltProxy {
  readonly sent: Buffer[] = [];
  connections = 0;
  #server: NetServer | undefined;
  #sockets = new Set<Socket>();
  port = 0;

  constructor(
    readonly targetHost: string,
    readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    const server = createNetServer((client) => {
      this.connections++;
      const upstream = connect(this.targetPort, this.targetHost);
      this.#sockets.add(client);
      this.#sockets.add(upstream);
      client.on('data', (d: Buffer) => {
        this.sent.push(Buffer.from(d));
        upstream.write(d);
      });
      upstream.on('data', (d: Buffer) => client.write(d));
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end);
      upstream.on('close', end);
      client.on('error', end);
      upstream.on('error', end);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** True when some client sent a Bolt ROUTE message (a struct of 3 fields, signature 0x66). */
  get sawRoute(): boolean {
    return Buffer.concat(this.sent).includes(Buffer.from([0xb3, 0x66]));
  }

  /** True when the bytes sent contain this text (UTF-8). */
  sawText(text: string): boolean {
    return Buffer.concat(this.sent).includes(Buffer.from(text, 'utf8'));
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
