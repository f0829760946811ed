import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The end-to-end session also runs with the vector store on a real Chroma server. Under the root
// test run scripts/servers/chroma.sh has started it already (ORCH_TEST_CHROMA_URL); run alone,
// start it the same way, as packages/adapter-chromadb does. A server that cannot start fails the run.
export function setup(): void {
  if (process.env.ORCH_TEST_CHROMA_URL) return;
  const script = fileURLToPath(new URL('../../../scripts/servers/chroma.sh', import.meta.url));
  const out = execFileSync('bash', [script, 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (const line of out.split('\n')) {
    const m = /^(ORCH_TEST_[A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) process.env[m[1]!] = m[2]!;
  }
  if (!process.env.ORCH_TEST_CHROMA_URL)
    throw new Error(`chroma.sh start printed no ORCH_TEST_CHROMA_URL:\n${out}`);
}
