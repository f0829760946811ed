import { createAdapter } from '@orch/core';
import { vectorSuite } from '@orch/testkit';
import { Pinecone } from '@pinecone-database/pinecone';
import { describe, it } from 'vitest';
import { EMULATOR_API_KEY, emulatorUrl } from './helpers.js';

// Every @orch/testkit vector test, through the official client, against the emulator. The suite
// needs collections of different dimensions and metrics in one store, so it runs on
// `mapping=indexes` (one index per collection); the default `namespaces` mapping shares the same
// data path (upsert, query, fetch, delete, count) and is covered by test/namespaces.test.ts.
const url = 'pinecone://otk?mapping=indexes';

vectorSuite({
  name: 'pinecone (emulator, mapping=indexes)',
  describe,
  it,
  create: () =>
    createAdapter('vector', {
      url,
      apiKey: EMULATOR_API_KEY,
      controllerHostUrl: emulatorUrl(),
      maxRetries: 0,
    }),
  // The emulator refuses every key but its own with 401, as the service does.
  createWithPassword: (password) =>
    createAdapter('vector', { url, apiKey: password, controllerHostUrl: emulatorUrl(), maxRetries: 0 }),
  // Pinecone is eventually consistent (capabilities.eventualConsistency is true); the emulator
  // applies every write before it answers, so here reads are checked at once, without polling.
  eventualConsistency: false,
});

// The same suite with a caller's own Pinecone client injected: the adapter then sees only the
// client's error classes (no instrumented fetch), and must never close or reconfigure it.
vectorSuite({
  name: 'pinecone (emulator, mapping=indexes, injected client)',
  describe,
  it,
  create: () =>
    createAdapter('vector', {
      url: 'pinecone://otj?mapping=indexes',
      client: new Pinecone({ apiKey: EMULATOR_API_KEY, controllerHostUrl: emulatorUrl(), maxRetries: 0 }),
    }),
  createWithPassword: (password) =>
    createAdapter('vector', {
      url: 'pinecone://otj?mapping=indexes',
      client: new Pinecone({ apiKey: password, controllerHostUrl: emulatorUrl(), maxRetries: 0 }),
    }),
  eventualConsistency: false,
});
