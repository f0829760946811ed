import { describe, expect, it } from 'vitest';
import { QueuedRecordingStore } from './helpers/recording-sql-store.js';

/** Let the base's bookkeeping run until it waits on the engine again. */
const settle = async () => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

describe('SqlStoreBase on a pipelined engine', () => {
  it('hands statements issued together to the engine before the first is answered', async () => {
    const store = new QueuedRecordingStore(true);
    await store.connect();
    const done = store.transaction(async (tx) => {
      await Promise.all([
        tx.execute('INSERT 1'),
        tx.execute('INSERT 2'),
        tx.executeMany('INSERT m', [[1], [2]]),
      ]);
    });
    await settle();
    expect(store.unanswered).toEqual(['BEGIN IMMEDIATE']);
    await store.answer();
    await settle();
    expect(store.unanswered).toEqual(['INSERT 1', 'INSERT 2', 'ATOMIC INSERT m x2']);
    await store.answer();
    await settle();
    expect(store.unanswered).toEqual(['COMMIT']);
    await store.answer();
    await done;
  });

  it('holds each statement until the previous one is answered when the engine does not pipeline', async () => {
    const store = new QueuedRecordingStore(false);
    await store.connect();
    const done = store.transaction(async (tx) => {
      await Promise.all([tx.execute('INSERT 1'), tx.execute('INSERT 2')]);
    });
    await settle();
    expect(store.unanswered).toEqual(['BEGIN IMMEDIATE']);
    await store.answer();
    await settle();
    expect(store.unanswered).toEqual(['INSERT 1']);
    for (let i = 0; i < 3; i++) {
      await store.answer();
      await settle();
    }
    await done;
    expect(store.statements()).toEqual(['BEGIN IMMEDIATE', 'INSERT 1', 'INSERT 2', 'COMMIT']);
  });

  it('keeps a savepoint whole: statements issued beside it wait until it ends', async () => {
    const store = new QueuedRecordingStore(true);
    await store.connect();
    const done = store.transaction(async (tx) => {
      await Promise.all([
        tx.transaction(async (sp) => {
          await sp.execute('IN SAVEPOINT');
        }),
        tx.execute('AFTER SAVEPOINT'),
      ]);
    });
    for (let i = 0; i < 6; i++) {
      await settle();
      await store.answer();
    }
    await done;
    expect(store.statements()).toEqual([
      'BEGIN IMMEDIATE',
      'SAVEPOINT orch_sp_2',
      'IN SAVEPOINT',
      'RELEASE SAVEPOINT orch_sp_2',
      'AFTER SAVEPOINT',
      'COMMIT',
    ]);
  });

  it('reports a failed statement to its caller, and the transaction rolls back', async () => {
    const store = new QueuedRecordingStore(true);
    await store.connect();
    store.failing.add('INSERT bad');
    const done = store
      .transaction(async (tx) => {
        await Promise.all([tx.execute('INSERT ok'), tx.execute('INSERT bad'), tx.execute('INSERT later')]);
      })
      .catch((e: unknown) => e);
    for (let i = 0; i < 4; i++) {
      await settle();
      await store.answer();
    }
    const err = await done;
    expect((err as Error).message).toContain('INSERT bad');
    expect(store.statements()).toEqual([
      'BEGIN IMMEDIATE',
      'INSERT ok',
      'INSERT bad',
      'INSERT later',
      'ROLLBACK',
    ]);
  });
});
