import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Pinecone } from '@pinecone-database/pinecone';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVERLESS } from './helpers.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
};
// The bin is the built file the package publishes (test/global-setup.ts builds it).
const bin = join(packageDir, manifest.bin['orch-pinecone-emulator']!);
const run = promisify(execFile);
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Spawns the bin and resolves with the URL it prints on its first stdout line. */
function startCli(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, url: line.trim() }));
  });
}

describe('orch-pinecone-emulator CLI', () => {
  it('starts on the requested host and port, prints its URL and serves the official client', async () => {
    const { child, url } = await startCli(['--port', '0', '--host', '127.0.0.1']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const pc = new Pinecone({ apiKey: 'cli-key', controllerHostUrl: url, maxRetries: 0 });
    await pc.createIndex({ name: 'cli-index', dimension: 2, metric: 'euclidean', spec: SERVERLESS });
    const index = pc.index({ name: 'cli-index' });
    await index.upsert({
      records: [
        { id: 'near', values: [1, 1] },
        { id: 'far', values: [5, 5] },
      ],
    });
    const { matches } = await index.query({ vector: [1, 2], topK: 2 });
    expect(matches.map((m) => [m.id, m.score])).toEqual([
      ['near', 1],
      ['far', 25],
    ]);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('enforces --api-key', async () => {
    const { url } = await startCli(['--port', '0', '--api-key', 'only-this']);
    const res = await fetch(`${url}/indexes`, { headers: { 'Api-Key': 'other' } });
    expect(res.status).toBe(401);
    const ok = await fetch(`${url}/indexes`, { headers: { 'Api-Key': 'only-this' } });
    expect(await ok.json()).toEqual({ indexes: [] });
  });

  it('prints usage for --help and exits 2 on bad arguments', async () => {
    const help = await run(process.execPath, [bin, '--help']);
    expect(help.stdout).toContain('Usage: orch-pinecone-emulator');
    const bad = await run(process.execPath, [bin, '--port', 'abc']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad).toMatchObject({ code: 2 });
    const unknown = await run(process.execPath, [bin, '--bogus']).catch((e: { code: number }) => e);
    expect(unknown).toMatchObject({ code: 2 });
  });

  it('exits 1 with a message when the port is taken', async () => {
    const { url } = await startCli(['--port', '0']);
    const port = new URL(url).port;
    const clash = await run(process.execPath, [bin, '--port', port]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(clash).toMatchObject({ code: 1 });
    expect((clash as { stderr: string }).stderr).toContain('could not start');
  });
});
