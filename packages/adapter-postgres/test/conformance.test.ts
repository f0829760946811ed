import { createAdapter } from '@orch/core';
import { operationalSuite } from '@orch/testkit';
import { describe, it } from 'vitest';
import '../src/index.js';
import { serverUrl } from './server.js';

operationalSuite({
  name: 'postgres',
  create: () => createAdapter('operational', serverUrl()),
  createFromUrl: (url) => createAdapter('operational', url),
  urlWithPassword: (password) => `postgres://orch_testkit:${password}@127.0.0.1:9/orch_testkit`,
  describe,
  it,
});
