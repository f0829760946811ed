import { createAdapter, isOrchError } from '@orch/core';
import { parseStoreUrl } from '@orch/core/adapter-kit';
import { mapSqliteError, sharedStoreRefs } from '@orch/sql-stores/sqlite-family';
import { afterAll, describe, expect, it } from 'vitest';
import { LibsqlEmbeddedStore } from '../src/index.js';
import { resolveLibsqlOptions } from '../src/options.js';

const mapLibsqlError = (err: unknown, sql: string) => mapSqliteError(err, { operation: 'execute', sql });

import { contractTests } from './contract.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const file = tmp.file('embedded.db');

contractTests(
  'libsql embedded file (worker thread)',
  () => createAdapter('operational', `file://${file}`),
  () => createAdapter('operational', `file://${file}`),
);
const inlineFile = tmp.file('embedded-inline.db');
contractTests(
  'libsql embedded file (inline)',
  () => createAdapter('operational', `file://${inlineFile}?mode=inline`),
  () => createAdapter('operational', `file://${inlineFile}?mode=inline`),
);
contractTests('libsql embedded :memory:', () => createAdapter('operational', 'file::memory:'));

describe('libsql embedded threads', () => {
  it('files run in a worker thread by default and keep the event loop responsive', async () => {
    const store = (await createAdapter(
      'operational',
      `file://${tmp.file('slow.db')}`,
    )) as LibsqlEmbeddedStore;
    expect(store.mode).toBe('worker');
    let maxGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    await store.query(
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT count(*) AS n FROM c',
      [2_000_000],
    );
    const took = performance.now() - started;
    clearInterval(timer);
    await store.close();
    if (took > 100) expect(maxGap).toBeLessThan(100);
    const memory = (await createAdapter('operational', 'file::memory:')) as LibsqlEmbeddedStore;
    expect(memory.mode).toBe('inline');
    await memory.close();
  });
});

describe('libsql vector and graph stores on one file', () => {
  it('share one operational store (one writer) and see the same data', async () => {
    const path = tmp.file('shared.db');
    const vectors = await createAdapter('vector', `file://${path}`);
    const graph = await createAdapter('graph', `file://${path}?mode=inline`);
    expect(sharedStoreRefs()[`libsql:${path}`]).toBe(2);
    await vectors.ensureCollection('tasks', { dimension: 2 });
    await vectors.upsert('tasks', [{ id: 'a', vector: [1, 0] }]);
    await graph.upsertNodes([{ id: 'a' }, { id: 'b' }]);
    await graph.upsertEdges([{ from: 'a', to: 'b', type: 'NEXT' }]);
    expect((await vectors.query('tasks', { vector: [1, 0], topK: 1 }))[0]?.id).toBe('a');
    await vectors.close();
    expect(sharedStoreRefs()[`libsql:${path}`]).toBe(1);
    expect((await graph.shortestPath('a', 'b'))?.nodes).toEqual(['a', 'b']);
    await graph.close();
    expect(sharedStoreRefs()[`libsql:${path}`]).toBeUndefined();
  });

  it('validate options like the sqlite adapter: a non-string tablePrefix is refused', async () => {
    for (const kind of ['vector', 'graph'] as const) {
      const err = await createAdapter(kind, { url: `file://${tmp.file('p.db')}`, tablePrefix: 7 }).catch(
        (e: unknown) => e,
      );
      expect(isOrchError(err, 'ORCH_INVALID_CONFIG')).toBe(true);
      expect((err as Error).message).toContain('tablePrefix');
    }
  });
});

describe('libsql URLs and errors', () => {
  it('file: URLs open embedded files; libsql://host is remote; no host is rejected', () => {
    expect(resolveLibsqlOptions(parseStoreUrl('file:///var/tmp/a.db'), {})).toMatchObject({
      mode: 'embedded',
      settings: { path: '/var/tmp/a.db' },
    });
    expect(resolveLibsqlOptions(parseStoreUrl('file:rel.db'), {}).settings).toMatchObject({
      path: `${process.cwd()}/rel.db`,
    });
    expect(resolveLibsqlOptions(parseStoreUrl('file::memory:'), {}).settings).toMatchObject({
      path: ':memory:',
    });
    const remote = resolveLibsqlOptions(parseStoreUrl('libsql://db-org.turso.io?authToken=tok-abc-123'), {});
    expect(remote).toMatchObject({
      mode: 'remote',
      settings: { url: 'libsql://db-org.turso.io', authToken: 'tok-abc-123' },
    });
    expect(
      resolveLibsqlOptions(parseStoreUrl('libsql://127.0.0.1:8080'), { tls: false }).settings,
    ).toMatchObject({ url: 'libsql://127.0.0.1:8080?tls=0' });
    expect(() => resolveLibsqlOptions(parseStoreUrl('libsql:///x.db'), {})).toThrow(
      expect.objectContaining({ code: 'ORCH_INVALID_URL' }),
    );
  });

  it('registers libsql: and file:, not http:', async () => {
    const store = await createAdapter('operational', `file://${tmp.file('reg.db')}`);
    expect(store).toBeInstanceOf(LibsqlEmbeddedStore);
    await store.close();
    await expect(createAdapter('operational', 'http://127.0.0.1:1')).rejects.toMatchObject({
      code: 'ORCH_ADAPTER_NOT_FOUND',
    });
  });

  it('maps busy, connection and auth failures; never shows the token', async () => {
    const busy = mapLibsqlError(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }), 'x');
    expect(busy.code).toBe('ORCH_BUSY');
    expect(busy.retriable).toBe(true);
    expect(mapLibsqlError(Object.assign(new Error('refused'), { code: 'SERVER_ERROR' }), 'x').code).toBe(
      'ORCH_CONNECTION_FAILED',
    );
    const token = 'super-secret-token-xyz';
    const err = await createAdapter('operational', {
      url: 'libsql://127.0.0.1:59999?tls=0',
      authToken: token,
    }).catch((e: unknown) => e);
    expect(isOrchError(err, 'ORCH_CONNECTION_FAILED')).toBe(true);
    expect(JSON.stringify((err as Error).message)).not.toContain(token);
    expect(String((err as Error).stack)).not.toContain(token);
    const inUrl = await createAdapter(
      'operational',
      `libsql://127.0.0.1:59999?tls=0&authToken=${token}`,
    ).catch((e: unknown) => e);
    expect(isOrchError(inUrl)).toBe(true);
    expect((inUrl as Error).message).not.toContain(token);
  });
});
