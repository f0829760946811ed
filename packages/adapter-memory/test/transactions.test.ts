import { createAdapter, isOrchError, type OperationalStore } from '@orch/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import '../src/index.js';

let store: OperationalStore;

beforeEach(async () => {
  store = await createAdapter('operational', 'memory:');
  await store.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)');
});
afterEach(() => store.close());

const ids = async () => (await store.query<{ id: number }>('SELECT id FROM t ORDER BY id')).map((r) => r.id);

describe('SqlStoreBase semantics on sql.js', () => {
  it('commits, rolls back on throw and rethrows the same error', async () => {
    await store.transaction(async (tx) => {
      await tx.execute('INSERT INTO t (id, v) VALUES (?, ?)', [1, 'a']);
    });
    const boom = new Error('boom');
    await expect(
      store.transaction(async (tx) => {
        await tx.execute('INSERT INTO t (id, v) VALUES (?, ?)', [2, 'b']);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await ids()).toEqual([1]);
  });

  it('nests with savepoints: an inner rollback keeps the outer work', async () => {
    await store.transaction(async (tx) => {
      await tx.execute('INSERT INTO t (id, v) VALUES (1, ?)', ['a']);
      await expect(
        tx.transaction(async (sp) => {
          expect(sp.depth).toBe(2);
          await sp.execute('INSERT INTO t (id, v) VALUES (2, ?)', ['b']);
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      await tx.transaction(async (sp) => {
        await sp.execute('INSERT INTO t (id, v) VALUES (3, ?)', ['c']);
      });
    });
    expect(await ids()).toEqual([1, 3]);
  });

  it('lets store calls inside a callback join the transaction instead of deadlocking', async () => {
    await expect(
      store.transaction(async () => {
        await store.execute('INSERT INTO t (id, v) VALUES (1, ?)', ['a']);
        await store.transaction(async () => {
          await store.execute('INSERT INTO t (id, v) VALUES (2, ?)', ['b']);
        });
        expect(await ids()).toEqual([1, 2]);
        throw new Error('undo all');
      }),
    ).rejects.toThrow('undo all');
    expect(await ids()).toEqual([]);
  });

  it('does not let outside work see or join an open transaction', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const tx = store.transaction(async (t) => {
      await t.execute('INSERT INTO t (id, v) VALUES (1, ?)', ['a']);
      await gate;
      throw new Error('rollback');
    });
    const outside = store.execute('INSERT INTO t (id, v) VALUES (2, ?)', ['b']);
    release();
    await expect(tx).rejects.toThrow('rollback');
    await outside;
    expect(await ids()).toEqual([2]);
  });

  it('serializes concurrent read-modify-write transactions without losing updates', async () => {
    await store.execute('INSERT INTO t (id, v) VALUES (1, ?)', ['0']);
    await Promise.all(
      Array.from({ length: 50 }, () =>
        store.transaction(async (tx) => {
          const [row] = await tx.query<{ v: string }>('SELECT v FROM t WHERE id = 1');
          await tx.execute('UPDATE t SET v = ? WHERE id = 1', [String(Number(row!.v) + 1)]);
        }),
      ),
    );
    expect((await store.query<{ v: string }>('SELECT v FROM t'))[0]!.v).toBe('50');
  });

  it('rejects a transaction handle used after the transaction ended', async () => {
    let leaked: Parameters<Parameters<OperationalStore['transaction']>[0]>[0] | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.query('SELECT 1')).rejects.toMatchObject({ code: 'ORCH_CLOSED' });
  });

  it('maps a unique violation and keeps the transaction usable', async () => {
    await store.transaction(async (tx) => {
      await tx.execute('INSERT INTO t (id, v) VALUES (1, ?)', ['a']);
      const err = await tx.execute('INSERT INTO t (id, v) VALUES (2, ?)', ['a']).catch((e: unknown) => e);
      expect(isOrchError(err, 'ORCH_CONSTRAINT_VIOLATION')).toBe(true);
      await tx.execute('INSERT INTO t (id, v) VALUES (3, ?)', ['c']);
    });
    expect(await ids()).toEqual([1, 3]);
  });

  it('makes executeMany and batch atomic', async () => {
    const err = await store
      .executeMany('INSERT INTO t (id, v) VALUES (?, ?)', [
        [1, 'a'],
        [2, 'a'],
      ])
      .catch((e: unknown) => e);
    expect(isOrchError(err, 'ORCH_CONSTRAINT_VIOLATION')).toBe(true);
    await expect(
      store.batch([
        { sql: 'INSERT INTO t (id, v) VALUES (5, ?)', params: ['e'] },
        { sql: 'INSERT INTO nope VALUES (1)' },
      ]),
    ).rejects.toMatchObject({ code: 'ORCH_QUERY_FAILED' });
    expect(await ids()).toEqual([]);
    const result = await store.executeMany('INSERT INTO t (id, v) VALUES (?, ?)', [
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(result.changes).toBe(2);
  });

  it('rejects undefined and NaN parameters before anything runs', async () => {
    await expect(
      store.execute('INSERT INTO t (id, v) VALUES (?, ?)', [1, undefined as unknown as null]),
    ).rejects.toMatchObject({
      code: 'ORCH_INVALID_INPUT',
    });
    await expect(
      store.execute('INSERT INTO t (id, v) VALUES (?, ?)', [Number.NaN, 'x']),
    ).rejects.toMatchObject({
      code: 'ORCH_INVALID_INPUT',
    });
    expect(await ids()).toEqual([]);
  });

  it('refuses work after close and reports unhealthy', async () => {
    expect((await store.health()).status).toBe('healthy');
    await store.close();
    await store.close();
    await expect(store.query('SELECT 1')).rejects.toMatchObject({ code: 'ORCH_CLOSED' });
    expect(await store.health()).toMatchObject({ status: 'unhealthy', error: { code: 'ORCH_CLOSED' } });
  });
});
