import { describe, expect, it } from 'vitest';
import {
  AdapterBase,
  KNOWN_ADAPTER_PACKAGES,
  registerAdapter,
  unregisterAdapter,
} from '../src/adapter-kit.js';
import { createAdapter, isOrchError, listSchemes, OrchError, type VectorStore } from '../src/index.js';

class FakeVectorForRegistry extends AdapterBase {
  readonly kind = 'vector' as const;
  readonly scheme = 'regtest';
  connects = 0;
  protected async doConnect() {
    this.connects++;
  }
  protected async doClose() {}
  protected async doHealth() {
    return {};
  }
}

async function rejection(p: Promise<unknown>): Promise<OrchError> {
  try {
    await p;
  } catch (err) {
    if (isOrchError(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('createAdapter', () => {
  it('rejects an unknown scheme with ORCH_ADAPTER_NOT_FOUND naming the registered schemes', async () => {
    registerAdapter({
      name: 'registry-test',
      schemes: ['regtest'],
      kind: 'vector',
      create: () => new FakeVectorForRegistry(),
    });
    try {
      const err = await rejection(createAdapter('vector', 'nosuch://x'));
      expect(err.code).toBe('ORCH_ADAPTER_NOT_FOUND');
      expect(err.message).toContain('regtest:');
      expect(err.message).toContain('nosuch:');
      expect(err.details.registered).toEqual(listSchemes('vector'));
    } finally {
      unregisterAdapter('registry-test');
    }
  });

  it('names the package to install for a known scheme and never prints the password', async () => {
    // Every known package is in this workspace, so the test maps a scheme to one that is not
    // installed anywhere: what a user sees before `npm install @orch/adapter-neo4j`.
    const known = KNOWN_ADAPTER_PACKAGES as Record<string, string>;
    known['neo4j-test'] = '@orch/adapter-not-installed';
    try {
      const err = await rejection(createAdapter('graph', 'neo4j-test://u:secret@h'));
      expect(err.code).toBe('ORCH_ADAPTER_NOT_FOUND');
      expect(err.message).toContain(
        '@orch/adapter-not-installed is not installed (npm install @orch/adapter-not-installed)',
      );
      expect(err.details.package).toBe('@orch/adapter-not-installed');
      expect(err.message).not.toContain('secret');
      expect(JSON.stringify(err)).not.toContain('secret');
      expect(String(err.stack)).not.toContain('secret');
    } finally {
      delete known['neo4j-test'];
    }
  });

  it('creates and connects a registered adapter', async () => {
    registerAdapter({
      name: 'registry-test',
      schemes: ['regtest'],
      kind: 'vector',
      create: () => new FakeVectorForRegistry(),
    });
    try {
      const store = (await createAdapter(
        'vector',
        'regtest://anything',
      )) as unknown as FakeVectorForRegistry & VectorStore;
      expect(store.connects).toBe(1);
      await store.connect();
      expect(store.connects).toBe(1);
      await store.close();
      expect((await store.health()).status).toBe('unhealthy');
      expect(await rejection(store.connect())).toMatchObject({ code: 'ORCH_CLOSED' });
    } finally {
      unregisterAdapter('registry-test');
    }
  });

  it('refuses a second package claiming a taken scheme', () => {
    registerAdapter({
      name: 'registry-test',
      schemes: ['regtest'],
      kind: 'vector',
      create: () => new FakeVectorForRegistry(),
    });
    try {
      expect(() =>
        registerAdapter({
          name: 'other',
          schemes: ['regtest'],
          kind: 'vector',
          create: () => new FakeVectorForRegistry(),
        }),
      ).toThrowError(expect.objectContaining({ code: 'ORCH_CONFLICT' }));
    } finally {
      unregisterAdapter('registry-test');
    }
  });

  it('rejects a store kind mismatch and unknown kinds', async () => {
    registerAdapter({
      name: 'registry-test',
      schemes: ['regtest'],
      kind: 'graph',
      create: () => new FakeVectorForRegistry(),
    });
    try {
      expect((await rejection(createAdapter('graph', 'regtest://x'))).code).toBe('ORCH_INVALID_CONFIG');
      expect((await rejection(createAdapter('relational' as 'graph', 'regtest://x'))).code).toBe(
        'ORCH_INVALID_INPUT',
      );
    } finally {
      unregisterAdapter('registry-test');
    }
  });

  it('keeps the registry on globalThis so two copies of core share it', () => {
    const registry = (globalThis as Record<symbol, { entries: Map<string, unknown> }>)[
      Symbol.for('orch.registry')
    ];
    registerAdapter({
      name: 'registry-test',
      schemes: ['regtest'],
      kind: 'vector',
      create: () => new FakeVectorForRegistry(),
    });
    try {
      expect(registry?.entries.has('vector:regtest')).toBe(true);
    } finally {
      unregisterAdapter('registry-test');
    }
  });

  it('maps every published scheme to a package', () => {
    for (const scheme of [
      'memory',
      'sqlite',
      'libsql',
      'chromadb',
      'pinecone',
      'neo4j',
      'bolt+s',
      'postgres',
    ]) {
      expect(KNOWN_ADAPTER_PACKAGES[scheme]).toMatch(/^@orch\/adapter-/);
    }
  });
});

describe('OrchError', () => {
  it('scrubs credentials from the message and the cause', () => {
    const cause = new Error('connect to postgres://app:hunter22@db:5432/x failed');
    const err = new OrchError('ORCH_CONNECTION_FAILED', `failed: ${cause.message}`, {
      cause,
      kind: 'operational',
    });
    expect(err.message).not.toContain('hunter22');
    expect((err.cause as Error).message).not.toContain('hunter22');
    expect(err.retriable).toBe(true);
    expect(isOrchError(err, 'ORCH_CONNECTION_FAILED')).toBe(true);
    expect(isOrchError(err, 'ORCH_TIMEOUT')).toBe(false);
    expect(isOrchError(new Error('x'))).toBe(false);
  });
});

describe('redaction', () => {
  it('hides passwords with unencoded special characters and scrubs details', async () => {
    const { parseStoreUrl, redact } = await import('../src/adapter-kit.js');
    expect(redact('postgres://orch:Tk123abc#Pw!@db.example/x')).not.toContain('Tk123abc');
    let message = '';
    try {
      parseStoreUrl('postgres://orch:Tk123abc#Pw!@db example/x');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('not a valid URL');
    expect(message).not.toContain('Tk123abc');
    const err = new OrchError('ORCH_NOT_FOUND', 'missing', {
      details: { missing: ['postgres://u:pw-in-details@h/db'] },
    });
    expect(JSON.stringify(err)).not.toContain('pw-in-details');
  });
});
