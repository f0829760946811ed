import { createAdapter, isOrchError } from '@orch/core';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { sqliteUrl, tempDir } from './helpers.js';

const tmp = tempDir('orch-sqlite-group-');
afterAll(() => tmp.cleanup());

describe('concurrent transactions on one file', () => {
  for (const mode of ['worker', 'inline'] as const) {
    it(`each commit or fail alone, in order, when 64 run at once (${mode})`, async () => {
      const url = sqliteUrl(tmp.file(`group-${mode}.db`), `mode=${mode}`);
      const store = await createAdapter('operational', url);
      await store.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, caller INTEGER NOT NULL UNIQUE)');
      await store.execute('CREATE TABLE log (caller INTEGER NOT NULL)');
      const settled = await Promise.allSettled(
        Array.from({ length: 64 }, (_, i) =>
          store.transaction(async (tx) => {
            await tx.execute('INSERT INTO log (caller) VALUES (?)', [i]);
            // Caller 13 collides with caller 12 and must roll back alone, its log row with it.
            await tx.execute('INSERT INTO t (caller) VALUES (?)', [i === 13 ? 12 : i]);
            // Each sees the rows of those before it (serial order), never a later one's.
            const [row] = await tx.query<{ n: number }>('SELECT count(*) AS n FROM t WHERE caller > ?', [i]);
            expect(row!.n).toBe(0);
            return i;
          }),
        ),
      );
      const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [[i, s.reason]] : []));
      expect(failed.map(([i]) => i)).toEqual([13]);
      expect(isOrchError(failed[0]![1], 'ORCH_CONSTRAINT_VIOLATION')).toBe(true);
      const callers = (await store.query<{ caller: number }>('SELECT caller FROM t ORDER BY id')).map(
        (r) => r.caller,
      );
      expect(callers).toEqual(Array.from({ length: 64 }, (_, i) => i).filter((i) => i !== 13));
      const logged = await store.query<{ n: number }>('SELECT count(*) AS n FROM log');
      expect(logged).toEqual([{ n: 63 }]);
      // A fresh connection sees every acknowledged write: they were committed before the callers resumed.
      const other = await createAdapter('operational', url);
      expect(await other.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 63 }]);
      await Promise.all([store.close(), other.close()]);
    });
  }
});
