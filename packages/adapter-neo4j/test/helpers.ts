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
