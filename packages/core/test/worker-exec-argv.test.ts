import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../src/adapter-kit.js';

describe('workerExecArgv', () => {
  it('drops entry-point-only flags and keeps the rest', () => {
    expect(
      workerExecArgv([
        '--input-type=module',
        '--conditions=dev',
        '-e',
        'code()',
        '--input-type',
        'commonjs',
        '--print=1',
        '--enable-source-maps',
      ]),
    ).toEqual(['--conditions=dev', '--enable-source-maps']);
  });

  it('lets a worker start from a file under `node --input-type=module -e`', () => {
    // The inherited flag kills the worker before it runs; this is the failure the helper exists for.
    const dir = mkdtempSync(join(tmpdir(), 'orch-worker-'));
    const workerFile = join(dir, 'worker.mjs');
    writeFileSync(
      workerFile,
      "import { parentPort } from 'node:worker_threads'; parentPort.postMessage('up');",
    );
    const script = `
      import { Worker } from 'node:worker_threads';
      const url = new URL(${JSON.stringify(pathToFileURL(workerFile).href)});
      const run = (execArgv) => new Promise((resolve) => {
        const w = new Worker(url, execArgv ? { execArgv } : {});
        w.once('message', (m) => { resolve(m); w.terminate(); });
        w.once('error', (e) => resolve(e.code));
      });
      const { workerExecArgv } = await import(${JSON.stringify(new URL('../dist/adapter-kit.js', import.meta.url).href)});
      console.log(JSON.stringify([await run(undefined), await run(workerExecArgv())]));
    `;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual(['ERR_INPUT_TYPE_NOT_ALLOWED', 'up']);
  });
});
