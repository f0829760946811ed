import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The built CLI: the tests run what users run. */
export const CLI = join(APP_DIR, 'dist', 'cli.js');

/** A fresh home, config dir and data dir per test: nothing of the machine's own orch data is touched. */
export function sandbox(): {
  root: string;
  dataDir: string;
  env: Record<string, string>;
  cleanup: () => void;
} {
  const root = mkdtempSync(join(tmpdir(), 'orch-app-'));
  const dataDir = join(root, 'data');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: join(root, 'home'),
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_DATA_HOME: join(root, 'xdg-data'),
    ORCH_DATA_DIR: dataDir,
    ORCH_LOG_LEVEL: 'warn',
    NO_COLOR: '1',
  };
  return { root, dataDir, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface ToolOutcome {
  readonly isError: boolean;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tool results are JSON checked field by field in the tests
  readonly data: any;
}

export interface McpHarness {
  readonly client: Client;
  readonly stderr: () => string;
  call(name: string, args?: Record<string, unknown>): Promise<ToolOutcome>;
  /** Like call, but fails the test unless the tool succeeded. */
  // biome-ignore lint/suspicious/noExplicitAny: see ToolOutcome.data
  ok(name: string, args?: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}

/** Spawn `node dist/cli.js serve` and connect the SDK's client to it over stdio. */
export async function startServer(env: Record<string, string>, cwd = APP_DIR): Promise<McpHarness> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'serve'],
    env,
    cwd,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'orch-test', version: '1.0.0' });
  await client.connect(transport);
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<ToolOutcome> => {
    const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 });
    const content = r.content as { type: string; text?: string }[];
    const text = content.map((c) => c.text ?? '').join('\n');
    return { isError: r.isError === true, text, data: r.structuredContent };
  };
  return {
    client,
    stderr: () => stderr,
    call,
    ok: async (name, args) => {
      const r = await call(name, args);
      if (r.isError) throw new Error(`${name} failed: ${r.text}`);
      return r.data;
    },
    close: () => client.close(),
  };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built CLI to completion. */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  cwd = APP_DIR,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
