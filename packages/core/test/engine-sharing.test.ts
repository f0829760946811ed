import { describe, expect, it } from 'vitest';
import { joinedTransaction } from '../src/adapter-kit.js';
import { sharesEngine } from '../src/index.js';
import { KeyedRecordingStore, RecordingSqlStore } from './helpers/recording-sql-store.js';

describe('stores that share one engine', () => {
  it('run a call made inside another store’s transaction in that transaction', async () => {
    const a = new KeyedRecordingStore('db:1');
    const b = new KeyedRecordingStore('db:1');
    expect(sharesEngine(a, b)).toBe(true);
    await a.transaction(async (tx) => {
      await tx.execute('INSERT a');
      await b.execute('INSERT b');
      await b.query('SELECT b');
    });
    // Everything ran on a's connection, inside its one transaction; b's engine saw nothing.
    expect(a.statements()).toEqual(['BEGIN IMMEDIATE', 'INSERT a', 'INSERT b', 'SELECT b', 'COMMIT']);
    expect(b.statements()).toEqual([]);
  });

  it('turn a transaction of the joining store into a savepoint that rolls back alone', async () => {
    const a = new KeyedRecordingStore('db:1');
    const b = new KeyedRecordingStore('db:1');
    await a.transaction(async () => {
      await b
        .transaction(async (tx) => {
          await tx.execute('INSERT b');
          throw new Error('b fails');
        })
        .catch(() => undefined);
      await b.executeMany('INSERT many', [[1], [2]]);
    });
    expect(a.statements()).toEqual([
      'BEGIN IMMEDIATE',
      'SAVEPOINT orch_sp_2',
      'INSERT b',
      'ROLLBACK TO SAVEPOINT orch_sp_2',
      'RELEASE SAVEPOINT orch_sp_2',
      'SAVEPOINT orch_sp_2',
      'INSERT many',
      'INSERT many',
      'RELEASE SAVEPOINT orch_sp_2',
      'COMMIT',
    ]);
    expect(b.statements()).toEqual([]);
  });

  it('roll the joined work back with the transaction', async () => {
    const a = new KeyedRecordingStore('db:1');
    const b = new KeyedRecordingStore('db:1');
    await expect(
      a.transaction(async () => {
        await b.execute('INSERT b');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(a.statements()).toEqual(['BEGIN IMMEDIATE', 'INSERT b', 'ROLLBACK']);
  });

  it('do not join once the transaction has ended, nor across different keys or no key', async () => {
    const a = new KeyedRecordingStore('db:1');
    const b = new KeyedRecordingStore('db:1');
    const other = new KeyedRecordingStore('db:2');
    const plain = new RecordingSqlStore();
    let later: Promise<unknown> | undefined;
    await a.transaction(async () => {
      await other.execute('INSERT other');
      await plain.execute('INSERT plain');
      // Started inside, run after the commit: on b's own engine, not on the ended transaction.
      later = new Promise((resolve) => setTimeout(resolve, 5)).then(() => b.execute('INSERT late'));
    });
    await later;
    expect(a.statements()).toEqual(['BEGIN IMMEDIATE', 'COMMIT']);
    expect(other.statements()).toEqual(['INSERT other']);
    expect(plain.statements()).toEqual(['INSERT plain']);
    expect(b.statements()).toEqual(['INSERT late']);
    expect(sharesEngine(a, other)).toBe(false);
    expect(sharesEngine(plain, new RecordingSqlStore())).toBe(false);
  });

  it('keep a store’s own transaction its own, and join symmetrically', async () => {
    const a = new KeyedRecordingStore('db:1');
    const b = new KeyedRecordingStore('db:1');
    await b.transaction(async () => {
      await a.execute('INSERT a in b');
      await b.execute('INSERT b in b');
    });
    expect(b.statements()).toEqual(['BEGIN IMMEDIATE', 'INSERT a in b', 'INSERT b in b', 'COMMIT']);
    expect(joinedTransaction('db:1', a)).toBeUndefined();
    expect(joinedTransaction(undefined, a)).toBeUndefined();
  });
});
