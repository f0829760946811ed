import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const NEEDED = ['ORCH_TEST_NEO4J_URL', 'ORCH_TEST_NEO4J_2026_URL'] as const;

// Start both Neo4j lines (5.26 LTS and the 2026.x CalVer line) through the project's script when
// their URLs are not set, so `pnpm --filter @orch/adapter-neo4j test` works alone. The servers
// stay up for the next run (a cached start takes seconds; `bash scripts/servers/neo4j.sh stop`).
export function setup(): void {
  if (NEEDED.every((k) => process.env[k])) return;
  const script = fileURLToPath(new URL('../../../scripts/servers/neo4j.sh', import.meta.url));
  const out = execFileSync('bash', [script, 'start', 'all'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (const line of out.split('\n')) {
    const m = /^(ORCH_TEST_[A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m && !process.env[m[1]!]) process.env[m[1]!] = m[2]!;
  }
  const missing = NEEDED.filter((k) => !process.env[k]);
  if (missing.length > 0) throw new Error(`neo4j.sh start printed no ${missing.join(', ')}:\n${out}`);
}
