import { createAdapter, listSchemes } from '@orch/core';
import { graphSuite, vectorSuite } from '@orch/testkit';
import { describe, expect, it } from 'vitest';
import { TemplateClient, TemplateGraphClient } from '../src/index.js';

describe('registration', () => {
  it('registers template: on import and is created by URL', async () => {
    expect(listSchemes('vector')).toContain('template');
    const store = await createAdapter('vector', 'template://local');
    expect(store.scheme).toBe('template');
    await store.close();
  });

  it('registers template: for graphs too', async () => {
    expect(listSchemes('graph')).toContain('template');
    const graph = await createAdapter('graph', 'template://local');
    expect(graph.kind).toBe('graph');
    await graph.close();
  });

  it('never closes an injected graph client', async () => {
    const client = new TemplateGraphClient();
    const graph = await createAdapter('graph', { scheme: 'template', client });
    await graph.upsertNodes([{ id: 'kept' }]);
    await graph.close();
    expect((await client.getVertices(['kept'])).map((v) => v.id)).toEqual(['kept']);
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

graphSuite({
  name: 'template',
  create: () => createAdapter('graph', 'template://local'),
  createFromUrl: (url) => createAdapter('graph', url),
  urlWithPassword: (password) => `template://orch:${password}@localhost`,
  describe,
  it,
});
