// Exact vector search of the sqlite: adapter through its scan worker: what users get from a URL,
// writes by another process, and queries inside a transaction of the same file.
import { execFileSync } from 'node:child_process';
import { createAdapter, type VectorStore } from '@orch/core';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { sqliteUrl, tempDir } from './helpers.js';

const tmp = tempDir('orch-sqlite-scan-');
afterAll(() => tmp.cleanup());

const DIM = 8;
const unit = (i: number) =>
  Array.from({ length: DIM }, (_, j) => (j === i % DIM ? 1 : 0.01 * ((i * 7 + j) % 5)));
const details = async (store: VectorStore) => (await store.health()).details;

/** Upsert from a separate Node process (its own orch, its own connections). */
function upsertFromAnotherProcess(file: string, records: unknown[]): void {
  const script = `
    const { createAdapter } = await import('@orch/core');
    await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
    const store = await createAdapter('vector', ${JSON.stringify(sqliteUrl(file))});
    await store.upsert('tasks', ${JSON.stringify(records)});
    await store.close();`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('..', import.meta.url),
    stdio: 'pipe',
  });
}

describe('exact search through the scan worker (sqlite:)', () => {
  it('answers from the worker and sees another process’s writes at once', async () => {
    const file = tmp.file('scan.db');
    const store = await createAdapter('vector', sqliteUrl(file));
    await store.ensureCollection('tasks', { dimension: DIM, metric: 'cosine' });
    await store.upsert(
      'tasks',
      Array.from({ length: 40 }, (_, i) => ({ id: `t${i}`, vector: unit(i), metadata: { i } })),
    );
    const target = Array.from({ length: DIM }, (_, j) => (j === 3 ? -1 : 0.5));
    const before = await store.query('tasks', { vector: target, topK: 3 });
    expect(before.map((m) => m.id)).not.toContain('outsider');
    expect(await details(store)).toMatchObject({ exactSearch: 'scan worker', scannedQueries: 1 });

    upsertFromAnotherProcess(file, [{ id: 'outsider', vector: target, metadata: { i: -1 } }]);
    const after = await store.query('tasks', { vector: target, topK: 3, filter: { i: { $lt: 0 } } });
    expect(after.map((m) => m.id)).toEqual(['outsider']);
    expect(after[0]!.distance).toBeCloseTo(0, 6);
    expect((await store.query('tasks', { vector: target, topK: 1 }))[0]!.id).toBe('outsider');
    expect((await details(store)).scannedQueries).toBe(3);
    await store.close();
  });

  it('inside a transaction on the same file, sees that transaction’s own writes (SQL path)', async () => {
    const file = tmp.file('tx.db');
    const url = sqliteUrl(file);
    const ops = await createAdapter('operational', url);
    const store = await createAdapter('vector', url);
    await store.ensureCollection('tasks', { dimension: DIM, metric: 'l2' });
    await store.upsert('tasks', [{ id: 'a', vector: unit(0) }]);
    const far = unit(5).map((x) => x * 50);
    await expect(
      ops.transaction(async () => {
        await store.upsert('tasks', [{ id: 'pending', vector: far }]);
        expect((await store.query('tasks', { vector: far, topK: 1 }))[0]!.id).toBe('pending');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await store.query('tasks', { vector: far, topK: 5 })).map((m) => m.id)).toEqual(['a']);
    await store.close();
    await ops.close();
  });
});

describe('?vector_index=hnsw', () => {
  it('turns on the approximate index for unfiltered queries; other values are refused', async () => {
    const file = tmp.file('hnsw.db');
    const store = await createAdapter('vector', sqliteUrl(file, 'vector_index=hnsw'));
    await store.ensureCollection('tasks', { dimension: DIM, metric: 'cosine' });
    await store.upsert('tasks', [{ id: 'a', vector: unit(1) }]);
    expect((await store.query('tasks', { vector: unit(1), topK: 1 }))[0]!.id).toBe('a');
    expect(await details(store)).toMatchObject({
      exactSearch: 'scan worker',
      approximateIndex: 'hnsw (unfiltered queries, collections of 10000+ records)',
    });
    await store.close();
    const exact = await createAdapter('vector', sqliteUrl(file));
    expect((await details(exact)).approximateIndex).toBeUndefined();
    await exact.close();
    await expect(createAdapter('vector', sqliteUrl(file, 'vector_index=annoy'))).rejects.toMatchObject({
      code: 'ORCH_INVALID_CONFIG',
    });
  });
});
