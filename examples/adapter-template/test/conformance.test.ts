import { createAdapter, listSchemes } from '@orch/core';
import { vectorSuite } from '@orch/testkit';
import { describe, expect, it } from 'vitest';
import { TemplateClient } from '../src/index.js';

describe('registration', () => {
  it('registers template: on import and is created by URL', async () => {
    expect(listSchemes('vector')).toContain('template');
    const store = await createAdapter('vector', 'template://local');
    expect(store.scheme).toBe('template');
    await store.close();
  });

  it('never closes an injected client', async () => {
    const client = new TemplateClient();
    const store = await createAdapter('vector', { scheme: 'template', client });
    await store.close();
    expect((await client.ping()).version).toBe('1.0.0');
  });
});

vectorSuite({
  name: 'template',
  create: () => createAdapter('vector', 'template://local'),
  createFromUrl: (url) => createAdapter('vector', url),
  urlWithPassword: (password) => `template://orch:${password}@localhost`,
  describe,
  it,
});
