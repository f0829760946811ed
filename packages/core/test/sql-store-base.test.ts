import { describe, expect, it } from 'vitest';
import { isOrchError } from '../src/index.js';
import { PooledRecordingStore, RecordingSqlStore } from './helpers/recording-sql-store.js';

const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
};

describe('SqlStoreBase transaction hooks', () => {
  it('opens, commits and nests through the hooks, with the dialect BEGIN and generated savepoint names', async () => {
    const store = new RecordingSqlStore();
    await store.transaction(async (tx) => {
      await tx.execute('INSERT 1');
      await tx.transaction(async (sp) => {
        await sp.execute('INSERT 2');
      });
    });
    expect(store.statements()).toEqual([
      'BEGIN IMMEDIATE',
      'INSERT 1',
      'SAVEPOINT orch_sp_2',
      'INSERT 2',
      'RELEASE SAVEPOINT orch_sp_2',
      'COMMIT',
    ]);
  });

  it('rolls a failed savepoint back alone and a failed transaction as a whole', async () => {
    const store = new RecordingSqlStore();
    await expect(
      store.transaction(
        async (tx) => {
          await tx
            .transaction(async () => {
              throw new Error('inner');
            })
            .catch(() => undefined);
          await tx.execute('INSERT kept');
          throw new Error('outer');
        },
        { readOnly: true },
      ),
    ).rejects.toThrow('outer');
    expect(store.statements()).toEqual([
      'BEGIN DEFERRED',
      'SAVEPOINT orch_sp_2',
      'ROLLBACK TO SAVEPOINT orch_sp_2',
      'RELEASE SAVEPOINT orch_sp_2',
      'INSERT kept',
      'ROLLBACK',
    ]);
  });

  it('rolls back after a failed COMMIT and maps the driver error with its operation', async () => {
    const store = new RecordingSqlStore();
    store.failing.add('COMMIT');
    const err = await rejection(store.transaction(async (tx) => tx.execute('INSERT 1')));
    expect(isOrchError(err, 'ORCH_QUERY_FAILED')).toBe(true);
    expect((err as { details: Record<string, unknown> }).details.operation).toBe('commit');
    expect(store.statements()).toEqual(['BEGIN IMMEDIATE', 'INSERT 1', 'COMMIT', 'ROLLBACK']);
    store.failing.clear();
    await store.execute('INSERT after');
    expect(store.statements().at(-1)).toBe('INSERT after');
  });

  it('retries a callback that failed with a retriable error, as many times as asked', async () => {
    const store = new RecordingSqlStore();
    let attempts = 0;
    const result = await store.transaction(
      async (tx) => {
        attempts++;
        if (attempts < 3) store.busy.add('COMMIT');
        else store.busy.clear();
        await tx.execute(`INSERT attempt ${attempts}`);
        return attempts;
      },
      { retries: 5 },
    );
    expect(result).toBe(3);
    expect(store.statements().filter((s) => s === 'ROLLBACK')).toHaveLength(2);
    expect(store.statements().slice(-3)).toEqual(['BEGIN IMMEDIATE', 'INSERT attempt 3', 'COMMIT']);

    let tries = 0;
    store.busy.add('COMMIT');
    const err = await rejection(
      store.transaction(
        async () => {
          tries++;
        },
        { retries: 2 },
      ),
    );
    expect(isOrchError(err, 'ORCH_BUSY')).toBe(true);
    expect(tries).toBe(3);
  });

  it('rejects bad retries and never retries a non-retriable failure', async () => {
    const store = new RecordingSqlStore();
    const err = await rejection(store.transaction(async () => 1, { retries: -1 }));
    expect(isOrchError(err, 'ORCH_INVALID_INPUT')).toBe(true);
    let attempts = 0;
    await expect(
      store.transaction(
        async () => {
          attempts++;
          throw new Error('not retriable');
        },
        { retries: 3 },
      ),
    ).rejects.toThrow('not retriable');
    expect(attempts).toBe(1);
  });
});

describe('SqlStoreBase on a pool', () => {
  it('pins one connection per transaction, runs root statements on any connection, releases after commit', async () => {
    const store = new PooledRecordingStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = store.transaction(async (tx) => {
      await tx.execute('A1');
      await gate;
      await tx.transaction((sp) => sp.execute('A2'));
    });
    const second = store.transaction(async (tx) => {
      await tx.execute('B1');
    });
    await second; // the second transaction did not wait for the first: each has its own connection
    await store.execute('ROOT');
    release();
    await first;
    const on = (sql: string) => store.calls.find((c) => c.sql === sql)?.connection;
    expect(on('A1')).toBe('c1');
    expect(on('A2')).toBe('c1');
    expect(on('B1')).toBe('c2');
    expect(on('ROOT')).toBeUndefined();
    expect(store.calls.filter((c) => c.sql === 'COMMIT').map((c) => c.connection)).toEqual(['c2', 'c1']);
    expect(store.released).toEqual([
      { connection: 'c2', broken: false },
      { connection: 'c1', broken: false },
    ]);
  });

  it('marks a connection broken when even ROLLBACK failed', async () => {
    const store = new PooledRecordingStore();
    store.failing.add('ROLLBACK');
    await expect(
      store.transaction(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(store.released).toEqual([{ connection: 'c1', broken: true }]);
  });
});

describe('SqlStoreBase plain reads', () => {
  it('offers reads outside a transaction to driverConcurrentQuery so they need not queue behind one', async () => {
    class ReaderStore extends RecordingSqlStore {
      readonly fastReads: string[] = [];
      protected override get concurrentReads() {
        return true;
      }
      protected override async driverConcurrentQuery(sql: string) {
        if (!sql.startsWith('SELECT')) return undefined;
        this.fastReads.push(sql);
        return [{ reader: true }];
      }
    }
    const store = new ReaderStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tx = store.transaction(async (t) => {
      await t.execute('INSERT in tx');
      await gate;
    });
    await new Promise((r) => setTimeout(r, 5));
    // The transaction holds the connection; a plain read still answers at once through the reader.
    expect(await store.query('SELECT 1')).toEqual([{ reader: true }]);
    // Inside the transaction's own context a read joins it instead (it must see its writes).
    release();
    await tx;
    await store.transaction(async (t) => {
      expect(await t.query('SELECT in tx')).toEqual([{ sql: 'SELECT in tx' }]);
    });
    // A statement the reader declines runs in order on the main connection.
    expect(await store.query('PRAGMA x')).toEqual([{ sql: 'PRAGMA x' }]);
    expect(store.fastReads).toEqual(['SELECT 1']);
  });

  it('keeps reads and writes in call order on a store without read connections', async () => {
    const store = new RecordingSqlStore();
    // Before and after connecting: neither the lazy connect nor a read may let a later write overtake it.
    for (const round of [1, 2]) {
      const read = store.query(`SELECT ${round}`);
      const write = store.execute(`INSERT ${round}`);
      const readAgain = store.query(`SELECT again ${round}`);
      await Promise.all([read, write, readAgain]);
    }
    expect(store.statements()).toEqual([
      'SELECT 1',
      'INSERT 1',
      'SELECT again 1',
      'SELECT 2',
      'INSERT 2',
      'SELECT again 2',
    ]);
  });
});
