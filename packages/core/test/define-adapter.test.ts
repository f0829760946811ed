import { describe, expect, it } from 'vitest';
import {
  AdapterBase,
  defineAdapter,
  registerAdapter,
  storeOptionsShape,
  unregisterAdapter,
  z,
} from '../src/adapter-kit.js';
import { createAdapter, isOrchError, loadAdapters, parseConfig } from '../src/index.js';

class OptionsEcho extends AdapterBase {
  readonly kind = 'graph' as const;
  constructor(
    readonly scheme: string,
    readonly batchSize: number,
  ) {
    super();
  }
  protected async doConnect() {}
  protected async doClose() {}
  protected async doHealth() {
    return { batchSize: this.batchSize };
  }
}

const echoAdapter = defineAdapter({
  name: 'define-adapter-test',
  schemes: ['echo'],
  kind: 'graph',
  options: z.object({ ...storeOptionsShape, batchSize: z.number().int().positive().default(100) }).strict(),
  create: ({ scheme, options }) => new OptionsEcho(scheme, options.batchSize),
});

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (isOrchError(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
};

describe('defineAdapter', () => {
  it('hands create the validated options with defaults applied', async () => {
    registerAdapter(echoAdapter);
    try {
      const a = (await createAdapter('graph', 'echo://x')) as unknown as OptionsEcho;
      expect(a.batchSize).toBe(100);
      const b = (await createAdapter('graph', {
        url: 'echo://x',
        batchSize: 7,
        timeoutMs: 50,
      })) as unknown as OptionsEcho;
      expect(b.batchSize).toBe(7);
    } finally {
      unregisterAdapter('define-adapter-test');
    }
  });

  it('refuses invalid and misspelt options with ORCH_INVALID_CONFIG naming each field, never its value', async () => {
    registerAdapter(echoAdapter);
    try {
      const err = await errorOf(
        createAdapter('graph', {
          url: 'echo://x',
          batchSize: -3,
          batchsize: 4,
          password: 12345678 as unknown as string,
        }),
      );
      expect(err.code).toBe('ORCH_INVALID_CONFIG');
      const paths = (err.details.issues as { path: string }[]).map((i) => i.path).sort();
      expect(paths).toEqual(['(root)', 'batchSize', 'password']);
      expect(err.message).toContain('define-adapter-test');
      expect(err.message).toContain('batchsize');
      expect(err.message).not.toContain('12345678');
    } finally {
      unregisterAdapter('define-adapter-test');
    }
  });

  it('a registration object in config adapters or loadAdapters registers without an import', async () => {
    const config = parseConfig(
      { databases: { graph: { url: 'echo://x' } }, adapters: [echoAdapter] },
      { env: {} },
    );
    expect(config.adapters).toEqual([echoAdapter]);
    try {
      await loadAdapters(config.adapters);
      const store = await createAdapter('graph', config.databases.graph!);
      expect((await store.health()).details).toEqual({ batchSize: 100 });
      unregisterAdapter('define-adapter-test');
      const again = await createAdapter('graph', 'echo://y', { adapters: [echoAdapter] });
      expect(again.scheme).toBe('echo');
    } finally {
      unregisterAdapter('define-adapter-test');
    }
    expect(() => parseConfig({ databases: {}, adapters: [{ name: 'x' }] }, { env: {} })).toThrow(
      /registration object/,
    );
  });

  it('tells "not installed" from "installed but broken" without reading error messages', async () => {
    const missing = await errorOf(loadAdapters(['orch-adapter-that-does-not-exist']));
    expect(missing.code).toBe('ORCH_ADAPTER_NOT_FOUND');
    expect(missing.message).toContain('module not found');
    expect(missing.details.package).toBe('orch-adapter-that-does-not-exist');
  });
});
