// A Neo4j of a test's own (its own data directory and port), for tests that stop, restart or
// empty the server: the shared ones from scripts/servers/neo4j.sh must stay up for every other
// test file. It runs the launcher and the jars neo4j.sh fetched (so `neo4j.sh start` must have
// run once: the packages' vitest setups do that) with neo4j.sh's JVM flags and the password the
// tests know. Types: throwaway-neo4j.d.mts.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, stopChild } from './test-process.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN_CLASS = 'orch.testservers.Neo4jLauncher';

/** The JDK neo4j.sh uses for a line: the `java` on PATH for 5.26, Temurin 25 for 2026.x. */
function javaFor(line) {
  return line === '2026' ? '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java' : 'java';
}

export class ThrowawayNeo4j {
  dir = mkdtempSync(join(tmpdir(), 'orch-neo4j-'));
  password = process.env.ORCH_TEST_NEO4J_PASSWORD ?? 'orch-test-password';
  user = process.env.ORCH_TEST_NEO4J_USER ?? 'neo4j';
  port = 0;
  #child;
  #log = '';

  constructor(line = '5') {
    this.line = line;
  }

  get url() {
    return `bolt://127.0.0.1:${this.port}`;
  }

  get log() {
    return this.#log;
  }

  async start() {
    const base = join(ROOT, '.test-servers/neo4j', this.line);
    const jar = join(base, 'target/launcher.jar');
    if (!existsSync(jar))
      throw new Error(
        `${jar} is missing: run \`bash scripts/servers/neo4j.sh start\` once (it builds the launcher).`,
      );
    const jars = readdirSync(join(base, 'lib'))
      .filter((f) => f.endsWith('.jar'))
      .sort()
      .map((f) => join(base, 'lib', f));
    if (this.port === 0) this.port = await freePort();
    const flags = [
      '-Xms128m',
      '-Xmx512m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '--add-opens',
      'java.base/java.nio=ALL-UNNAMED',
      '--add-opens',
      'java.base/java.lang=ALL-UNNAMED',
      '--add-opens',
      'java.base/sun.nio.ch=ALL-UNNAMED',
      ...(this.line === '2026'
        ? ['--enable-native-access=ALL-UNNAMED', '--sun-misc-unsafe-memory-access=allow']
        : []),
    ];
    const child = spawn(
      javaFor(this.line),
      [...flags, '-cp', [jar, ...jars].join(':'), MAIN_CLASS, join(this.dir, 'data'), String(this.port)],
      { env: { ...process.env, ORCH_NEO4J_PASSWORD: this.password }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    let ready = false;
    child.stdout?.on('data', (d) => {
      this.#log += String(d);
      if (this.#log.includes('ORCH_NEO4J_READY')) ready = true;
    });
    child.stderr?.on('data', (d) => {
      this.#log += String(d);
    });
    const started = Date.now();
    // The READY line comes after the password is set (Bolt accepts connections before that).
    while (Date.now() - started < 120_000) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`neo4j exited during start-up:\n${this.#log.slice(-4000)}`);
      if (ready) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.stop();
    throw new Error(`neo4j did not get ready within 120 s:\n${this.#log.slice(-4000)}`);
  }

  /** SIGTERM (the launcher shuts the DBMS down cleanly), SIGKILL after 30 s; resolves once the process is gone. */
  async stop() {
    const child = this.#child;
    this.#child = undefined;
    await stopChild(child, 30_000);
  }

  async dispose() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
