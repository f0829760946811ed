import { createAdapter } from '@orch/core';
import { graphSuite, operationalSuite, vectorSuite } from '@orch/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('orch-libsql-conformance-');
afterAll(() => tmp.cleanup());
let n = 0;

operationalSuite({
  name: 'libsql embedded (file:)',
  describe,
  it,
  create: () => createAdapter('operational', `file://${tmp.file(`c-${n++}.db`)}`),
});
operationalSuite({
  name: 'libsql embedded (file:, inline)',
  describe,
  it,
  create: () => createAdapter('operational', `file://${tmp.file(`c-${n++}.db`)}?mode=inline`),
});
operationalSuite({
  name: 'libsql embedded (:memory:)',
  describe,
  it,
  create: () => createAdapter('operational', 'file::memory:'),
});

vectorSuite({
  name: 'libsql vector (file:)',
  describe,
  it,
  create: () => createAdapter('vector', `file://${tmp.file(`v-${n++}.db`)}`),
});
graphSuite({
  name: 'libsql graph (file:, inline)',
  describe,
  it,
  create: () => createAdapter('graph', `file://${tmp.file(`g-${n++}.db`)}?mode=inline`),
});

const remote = process.env.ORCH_TEST_SQLD_URL;
if (remote) {
  operationalSuite({
    name: 'libsql remote (sqld)',
    describe,
    it,
    create: () => createAdapter('operational', remote),
    createWithPassword: (password) => createAdapter('operational', { url: remote, authToken: password }),
  });
  // One sqld database serves every test, so each store gets its own tables.
  vectorSuite({
    name: 'libsql vector remote (sqld)',
    describe,
    it,
    create: () => createAdapter('vector', { url: remote, tablePrefix: `v${n++}_${process.pid}` }),
  });
  graphSuite({
    name: 'libsql graph remote (sqld)',
    describe,
    it,
    create: () => createAdapter('graph', { url: remote, tablePrefix: `g${n++}_${process.pid}` }),
  });
} else {
  describe('libsql remote (sqld) conformance', () => {
    it('needs ORCH_TEST_SQLD_URL (npm test starts sqld; alone: bash scripts/sqld.sh start)', () => {
      expect.fail('ORCH_TEST_SQLD_URL is not set: remote suites are never skipped.');
    });
  });
}
