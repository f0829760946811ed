import { createAdapter } from '@orch/core';
import { operationalSuite } from '@orch/testkit';
import { describe, it } from 'vitest';
import '../src/index.js';
import { passwordUrl, serverUrl } from './server.js';

/** The password-protected role's URL with another password: the real server refuses it. */
function withPassword(password: string): string {
  const url = new URL(passwordUrl());
  url.password = encodeURIComponent(password);
  return url.toString();
}

operationalSuite({
  name: 'postgres',
  create: () => createAdapter('operational', serverUrl()),
  createFromUrl: (url) => createAdapter('operational', url),
  createWithPassword: (password) => createAdapter('operational', withPassword(password)),
  describe,
  it,
});
