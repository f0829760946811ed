// A password-protected PostgreSQL cluster of a test's own, which it may stop and start at will
// (the shared server of scripts/servers/postgres.sh must stay up for every other test file).
// Uses the same Debian binaries as postgres.sh (ORCH_PG_BIN overrides the directory). Types:
// throwaway-postgres.d.mts.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './test-process.mjs';

const BIN = process.env.ORCH_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** initdb refuses to run as root: run the server binaries as the `postgres` user then. */
function run(args) {
  const argv = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...args] : args;
  const out = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`${args.join(' ')} failed: ${out.stderr || out.stdout}`);
}

/** Create and start a cluster with scram-sha-256 authentication over TCP. */
export async function createThrowawayCluster() {
  const dir = mkdtempSync(join(tmpdir(), 'orch-pg-'));
  chmodSync(dir, 0o777);
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
  const data = join(dir, 'data');
  run([
    join(BIN, 'initdb'),
    '-D',
    data,
    '-U',
    'postgres',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    `--pwfile=${pwfile}`,
  ]);
  const port = await freePort();
  const log = join(dir, 'server.log');
  const pgCtl = (action) =>
    run([
      join(BIN, 'pg_ctl'),
      '-D',
      data,
      '-l',
      log,
      '-w',
      ...(action === 'start'
        ? ['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`]
        : ['-m', 'fast']),
      action,
    ]);
  pgCtl('start');
  return {
    port,
    password,
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => pgCtl('stop'),
    start: () => pgCtl('start'),
    destroy: () => {
      if (existsSync(join(data, 'postmaster.pid'))) {
        try {
          pgCtl('stop');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
