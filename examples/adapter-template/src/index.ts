import { defineAdapter, registerAdapter, storeOptionsShape, z } from '@orch/core/adapter-kit';
import { TemplateClient, TemplateGraphClient } from './client.js';
import { TemplateGraphStore } from './template-graph-store.js';
import { TemplateVectorStore } from './template-vector-store.js';

export { TemplateClient, TemplateGraphClient } from './client.js';
export { TemplateGraphStore } from './template-graph-store.js';
export { TemplateVectorStore } from './template-vector-store.js';

/**
 * The options this adapter accepts besides the URL, validated before `create` runs: a misspelt
 * key or a wrong type is ORCH_INVALID_CONFIG naming the field, so `create` never hand-casts.
 */
const templateOptions = z
  .object({
    ...storeOptionsShape,
    // Accept an injected driver client as well as a URL, as every adapter must.
    client: z
      .union([z.instanceof(TemplateClient), z.instanceof(TemplateGraphClient)], {
        error: 'must be a TemplateClient (vector) or a TemplateGraphClient (graph)',
      })
      .optional(),
  })
  .strict();

/** What this package registers: the `template:` scheme for vector and graph stores. */
export const templateAdapter = defineAdapter({
  name: 'orch-adapter-template',
  schemes: ['template'],
  kind: ['vector', 'graph'],
  options: templateOptions,
  create({ kind, options: { client } }) {
    if (kind === 'graph') {
      if (client instanceof TemplateClient) throw new TypeError('a graph store needs a TemplateGraphClient');
      return new TemplateGraphStore(client ? { client } : {});
    }
    if (client instanceof TemplateGraphClient) throw new TypeError('a vector store needs a TemplateClient');
    return new TemplateVectorStore(client ? { client } : {});
  },
});

/** Registers `template:` (importing the package already does; bundlers may drop that side effect). */
export function register(): void {
  registerAdapter(templateAdapter);
}

register();
