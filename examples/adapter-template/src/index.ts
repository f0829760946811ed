import { type AdapterRegistration, registerAdapter } from '@orch/core';
import { TemplateClient, TemplateGraphClient } from './client.js';
import { TemplateGraphStore } from './template-graph-store.js';
import { TemplateVectorStore } from './template-vector-store.js';

export { TemplateClient, TemplateGraphClient } from './client.js';
export { TemplateGraphStore } from './template-graph-store.js';
export { TemplateVectorStore } from './template-vector-store.js';

/** What this package registers: the `template:` scheme for vector and graph stores. */
export const templateAdapter: AdapterRegistration = {
  name: 'orch-adapter-template',
  schemes: ['template'],
  kind: ['vector', 'graph'],
  create({ kind, config }) {
    // Accept an injected driver client as well as a URL, as every adapter must.
    const client = config.client;
    if (kind === 'graph') {
      if (client !== undefined && !(client instanceof TemplateGraphClient)) {
        throw new TypeError('config.client must be a TemplateGraphClient');
      }
      return new TemplateGraphStore(client ? { client } : {});
    }
    if (client !== undefined && !(client instanceof TemplateClient)) {
      throw new TypeError('config.client must be a TemplateClient');
    }
    return new TemplateVectorStore(client ? { client } : {});
  },
};

/** Registers `template:` (importing the package already does; bundlers may drop that side effect). */
export function register(): void {
  registerAdapter(templateAdapter);
}

register();
