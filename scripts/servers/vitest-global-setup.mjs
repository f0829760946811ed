// A vitest globalSetup that starts the test servers of scripts/servers/*.sh a package needs.
//
// Either name the servers in ORCH_TEST_SERVERS and point globalSetup at this file:
//   // packages/<pkg>/vitest.config.ts
//   process.env.ORCH_TEST_SERVERS ??= 'chroma';            // or 'postgres,neo4j', 'neo4j:5', ...
//   export default defineConfig({ test: { globalSetup: ['../../scripts/servers/vitest-global-setup.mjs'] } });
// or write a one-line setup file of the package's own and point globalSetup at that:
//   // packages/<pkg>/test/servers.setup.ts
//   import { serversSetup } from '../../../scripts/servers/vitest-global-setup.mjs';
//   export default serversSetup('postgres', 'neo4j');
//
// Names: sqld, chroma, postgres, neo4j (both lines), neo4j:5, neo4j:2026, or any other <name> with a
// scripts/servers/<name>.sh that prints ORCH_TEST_<NAME>_URL. For each server whose URL variables
// are not all set already (e.g. by scripts/test.sh, which starts every server first) it takes the
// URLs from `<name>.sh status` if the server is up, else runs `<name>.sh start`; the KEY=VALUE lines
// go into process.env, which the test workers inherit (they start after globalSetup). The teardown
// stops only the servers this setup started itself; ones it found running are left running.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPTS = dirname(fileURLToPath(import.meta.url));

/** @type {Record<string, { script: string, arg?: string, vars: string[] }[]>} */
const UNITS = {
  'neo4j:5': [{ script: 'neo4j', arg: '5', vars: ['ORCH_TEST_NEO4J_URL'] }],
  'neo4j:2026': [{ script: 'neo4j', arg: '2026', vars: ['ORCH_TEST_NEO4J_2026_URL'] }],
  postgres: [{ script: 'postgres', vars: ['ORCH_TEST_POSTGRES_URL', 'ORCH_TEST_POSTGRES_PASSWORD_URL'] }],
};
UNITS.neo4j = [...UNITS['neo4j:5'], ...UNITS['neo4j:2026']];
const unitsOf = (name) =>
  UNITS[name] ?? [{ script: name, vars: [`ORCH_TEST_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`] }];

/** Runs `bash <script>.sh <cmd> [arg]`; stderr goes to ours, stdout is returned. */
function run(script, cmd, arg) {
  const args = [join(SCRIPTS, `${script}.sh`), cmd, ...(arg ? [arg] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn('bash', args, { stdio: ['ignore', 'pipe', cmd === 'status' ? 'ignore' : 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

function exportLines(out) {
  for (const line of out.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) process.env[m[1]] = m[2];
  }
}

/** A globalSetup function that starts the named servers and returns the teardown. */
export function serversSetup(...names) {
  return async function setup() {
    const unknown = names
      .flatMap((n) => String(n).split(/[\s,]+/))
      .filter(Boolean)
      .map((n) => n.split(':')[0]);
    for (const n of unknown)
      if (!existsSync(join(SCRIPTS, `${n}.sh`))) throw new Error(`no scripts/servers/${n}.sh`);
    const units = [
      ...new Map(
        names
          .flatMap((n) => String(n).split(/[\s,]+/))
          .filter(Boolean)
          .flatMap(unitsOf)
          .map((u) => [`${u.script}:${u.arg ?? ''}`, u]),
      ).values(),
    ];
    const needed = units.filter((u) => u.vars.some((v) => !process.env[v]));
    // One call per script: two neo4j lines become `neo4j.sh start all` (they start in parallel).
    const byScript = new Map();
    for (const u of needed) byScript.set(u.script, [...(byScript.get(u.script) ?? []), u]);
    const started = []; // [script, arg] pairs this setup started
    const results = await Promise.all(
      [...byScript].map(async ([script, us]) => {
        const toStart = [];
        for (const u of us) {
          const status = await run(script, 'status', u.arg);
          if (status.code === 0) exportLines(status.out);
          else toStart.push(u.arg);
        }
        if (toStart.length === 0) return null;
        const arg = toStart.length > 1 ? 'all' : toStart[0]; // undefined for one-server scripts
        const res = await run(script, 'start', arg);
        if (res.code !== 0)
          return `${script}.sh start${arg ? ` ${arg}` : ''} failed (exit ${res.code}); see .test-servers/${script}/`;
        started.push([script, arg]);
        exportLines(res.out);
        return null;
      }),
    );
    const teardown = async () => {
      await Promise.all(started.map(([script, arg]) => run(script, 'stop', arg)));
    };
    const errors = results.filter(Boolean);
    const missing = units.flatMap((u) => u.vars).filter((v) => !process.env[v]);
    if (errors.length || missing.length) {
      await teardown();
      throw new Error(
        [...errors, ...(missing.length ? [`not set after start: ${missing.join(', ')}`] : [])].join('\n'),
      );
    }
    return teardown;
  };
}

/** The default export reads the names from ORCH_TEST_SERVERS (comma or space separated). */
export default function setup() {
  return serversSetup(process.env.ORCH_TEST_SERVERS ?? '')();
}
