import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN_CLASS = 'orch.testservers.Neo4jLauncher';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The JDK scripts/servers/neo4j.sh uses for a line: the `java` on PATH for 5.26, Temurin 25 for 2026.x. */
function javaFor(line: '5' | '2026'): string {
  return line === '2026' ? '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java' : 'java';
}

/**
 * A Neo4j of this test's own (its own data directory and port), for tests that stop and restart
 * the server: the shared ones from scripts/servers/neo4j.sh must stay up for every other test.
 * It runs the script's own launcher and the jars the script fetched (the global setup has run the
 * script, so they are there) with the script's JVM flags, the password the tests know.
 */
export class PrivateNeo4j {
  readonly dir = mkdtempSync(join(tmpdir(), 'orch-neo4j-'));
  readonly password = process.env.ORCH_TEST_NEO4J_PASSWORD ?? 'orch-test-password';
  readonly user = process.env.ORCH_TEST_NEO4J_USER ?? 'neo4j';
  #child: ChildProcess | undefined;
  #log = '';
  port = 0;

  constructor(readonly line: '5' | '2026' = '5') {}

  get url(): string {
    return `bolt://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.#log;
  }

  async start(): Promise<void> {
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
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
