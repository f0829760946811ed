import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { GroupCommitRecordingStore } from './helpers/recording-sql-store.js';

describe('group commit', () => {
  it('runs concurrent transactions in savepoints of one transaction and commits once', async () => {
    const store = new GroupCommitRecordingStore();
    const results = await Promise.all(
      [1, 2, 3].map((i) =>
        store.transaction(async (tx) => {
          expect(tx.depth).toBe(1);
          await tx.execute(`INSERT ${i}`);
          return i;
        }),
      ),
    );
    expect(results).toEqual([1, 2, 3]);
    expect(store.statements()).toEqual([
      'BEGIN IMMEDIATE',
      'SAVEPOINT orch_group',
      'INSERT 1',
      'RELEASE SAVEPOINT orch_group',
      'SAVEPOINT orch_group',
      'INSERT 2',
      'RELEASE SAVEPOINT orch_group',
      'SAVEPOINT orch_group',
      'INSERT 3',
      'RELEASE SAVEPOINT orch_group',
      'COMMIT',
    ]);
  });

  it('runs each callback in its own caller’s async context, not the first caller’s', async () => {
    const store = new GroupCommitRecordingStore();
    const request = new AsyncLocalStorage<string>();
    const seen = await Promise.all(
      ['r1', 'r2', 'r3'].map((id) =>
        request.run(id, () =>
          store.transaction(async (tx) => {
            await tx.execute(`INSERT ${id}`);
            return request.getStore();
          }),
        ),
      ),
    );
    expect(seen).toEqual(['r1', 'r2', 'r3']);
    expect(store.statements().filter((s) => s === 'COMMIT')).toHaveLength(1);
  });

  it('rolls a failed member back alone; the others commit', async () => {
    const store = new GroupCommitRecordingStore();
    const settled = await Promise.allSettled(
      [1, 2, 3].map((i) =>
        store.transaction(async (tx) => {
          await tx.execute(`INSERT ${i}`);
          if (i === 2) throw new Error('member 2 fails');
        }),
      ),
    );
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(store.statements()).toContain('ROLLBACK TO SAVEPOINT orch_group');
    expect(store.statements().filter((s) => s === 'COMMIT')).toHaveLength(1);
  });

  it('acknowledges nobody when the shared COMMIT fails, and the store stays usable', async () => {
    const store = new GroupCommitRecordingStore();
    store.failing.add('COMMIT');
    const settled = await Promise.allSettled(
      [1, 2].map((i) => store.transaction((tx) => tx.execute(`INSERT ${i}`))),
    );
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(store.statements().slice(-2)).toEqual(['COMMIT', 'ROLLBACK']);
    store.failing.delete('COMMIT');
    await store.transaction((tx) => tx.execute('INSERT after'));
    expect(store.statements().slice(-5)).toEqual([
      'BEGIN IMMEDIATE',
      'SAVEPOINT orch_group',
      'INSERT after',
      'RELEASE SAVEPOINT orch_group',
      'COMMIT',
    ]);
  });

  it('fails only the transaction whose BEGIN failed; the next one begins again', async () => {
    const store = new GroupCommitRecordingStore();
    store.failing.add('BEGIN IMMEDIATE');
    const first = store.transaction((tx) => tx.execute('INSERT 1'));
    await expect(first).rejects.toThrow('BEGIN');
    store.failing.delete('BEGIN IMMEDIATE');
    await store.transaction((tx) => tx.execute('INSERT 2'));
    expect(store.statements()).toContain('INSERT 2');
    expect(store.statements()).not.toContain('INSERT 1');
  });

  it('starts a new group for a transaction that begins differently', async () => {
    const store = new GroupCommitRecordingStore();
    await Promise.all([
      store.transaction((tx) => tx.execute('INSERT a')),
      store.transaction((tx) => tx.query('SELECT b'), { readOnly: true }),
      store.transaction((tx) => tx.execute('INSERT c')),
    ]);
    const begins = store.statements().filter((s) => s.startsWith('BEGIN') || s === 'COMMIT');
    expect(begins).toEqual([
      'BEGIN IMMEDIATE',
      'COMMIT',
      'BEGIN DEFERRED',
      'COMMIT',
      'BEGIN IMMEDIATE',
      'COMMIT',
    ]);
  });
});
