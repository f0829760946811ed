import { createAdapter } from '@orch/core';
import { graphSuite, operationalSuite, vectorSuite } from '@orch/testkit';
import { describe, it } from 'vitest';
import '../src/index.js';

// The memory stores are the reference implementation: they must pass every suite as they are.
operationalSuite({
  name: 'memory',
  create: () => createAdapter('operational', 'memory:'),
  createFromUrl: (url) => createAdapter('operational', url),
  urlWithPassword: (password) => `memory://orch:${password}@localhost/db`,
  describe,
  it,
});

vectorSuite({
  name: 'memory',
  create: () => createAdapter('vector', 'memory:'),
  createFromUrl: (url) => createAdapter('vector', url),
  urlWithPassword: (password) => `memory://orch:${password}@localhost/db`,
  describe,
  it,
});

graphSuite({
  name: 'memory',
  create: () => createAdapter('graph', 'memory:'),
  createFromUrl: (url) => createAdapter('graph', url),
  urlWithPassword: (password) => `memory://orch:${password}@localhost/db`,
  describe,
  it,
});
