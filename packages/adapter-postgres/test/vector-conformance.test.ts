import { createAdapter } from '@orch/core';
import { vectorSuite } from '@orch/testkit';
import { describe, it } from 'vitest';
import '../src/index.js';
import { passwordUrl, serverUrl } from './server.js';

vectorSuite({
  name: 'pgvector',
  create: () => createAdapter('vector', serverUrl()),
  createFromUrl: (url) => createAdapter('vector', url),
  createWithPassword: (password) => {
    const url = new URL(passwordUrl());
    url.password = encodeURIComponent(password);
    return createAdapter('vector', url.toString());
  },
  describe,
  it,
});
