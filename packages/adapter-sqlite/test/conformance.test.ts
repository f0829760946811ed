import { createAdapter } from '@orch/core';
import { graphSuite, operationalSuite, vectorSuite } from '@orch/testkit';
import { afterAll, describe, it } from 'vitest';
import '../src/index.js';
import { sqliteUrl, tempDir } from './helpers.js';

const tmp = tempDir('orch-sqlite-conformance-');
afterAll(() => tmp.cleanup());
let n = 0;
const fileUrl = (query = '') => sqliteUrl(tmp.file(`c-${n++}.db`), query);

operationalSuite({
  name: 'sqlite (worker threads)',
  describe,
  it,
  create: () => createAdapter('operational', fileUrl()),
});
operationalSuite({
  name: 'sqlite (inline)',
  describe,
  it,
  create: () => createAdapter('operational', fileUrl('mode=inline')),
});
operationalSuite({
  name: 'sqlite (:memory:)',
  describe,
  it,
  create: () => createAdapter('operational', 'sqlite::memory:'),
});
vectorSuite({
  name: 'sqlite-vec (worker threads)',
  describe,
  it,
  create: () => createAdapter('vector', fileUrl()),
});
graphSuite({
  name: 'sqlite graph (inline)',
  describe,
  it,
  create: () => createAdapter('graph', fileUrl('mode=inline')),
});
