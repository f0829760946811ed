import { createAdapter } from '@orch/core';
import { describe, expect, it } from 'vitest';
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
} else {
  describe('libsql remote (sqld)', () => {
    it('needs ORCH_TEST_SQLD_URL (npm test starts sqld; alone: bash scripts/sqld.sh start)', () => {
      expect.fail(
        'ORCH_TEST_SQLD_URL is not set: start the server with `bash scripts/sqld.sh start` and export the line it prints. Remote tests are never skipped.',
      );
    });
  });
}
