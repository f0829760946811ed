import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Until the shared scripts/servers global setup lands: start Chroma through the project's script
// when ORCH_TEST_CHROMA_URL is not set, so `pnpm --filter @orch/adapter-chromadb test` works alone.
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
