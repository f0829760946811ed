import { createAdapter } from '@orch/core';
import { vectorSuite } from '@orch/testkit';
import { describe, it } from 'vitest';
import '../src/index.js';
import { chromaStoreUrl } from './helpers.js';

// Every vector conformance test against the real Chroma server: filters (every fixture, checked
// against core's reference evaluator), scores per metric, batches, validation, lifecycle, redaction.
vectorSuite({
  name: 'chromadb (server)',
  create: () => createAdapter('vector', chromaStoreUrl()),
  createFromUrl: (url) => createAdapter('vector', url),
  // The real server with basic-auth credentials (it accepts any): the store connects, and neither
  // health() nor any error may show the password.
  urlWithPassword: (password) =>
    chromaStoreUrl().replace('://', `://orch_testkit:${encodeURIComponent(password)}@`),
  describe,
  it,
});
