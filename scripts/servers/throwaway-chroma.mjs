// A Chroma server of a test's own (its own data directory and port), for tests that stop and
// restart the server: the shared one from scripts/servers/chroma.sh must stay up for the others.
// Started the way chroma.sh starts it, from chroma.sh's venv (so `chroma.sh start` must have run
// once: the packages' vitest setups do that). Types: throwaway-chroma.d.mts.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, stopChild } from './test-process.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The venv chroma.sh installs (chromadb 1.5.9, the Rust server's Python binding). */
const PYTHON = join(ROOT, '.test-servers/chroma/venv/bin/python');

async function heartbeat(url) {
  try {
    const response = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

export class ThrowawayChroma {
  dir = mkdtempSync(join(tmpdir(), 'orch-chroma-'));
  port = 0;
  #child;
  #log = '';

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  get log() {
    return this.#log;
  }

  async start() {
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
  async stop() {
    const child = this.#child;
    this.#child = undefined;
    await stopChild(child, 10_000);
  }

  async dispose() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
