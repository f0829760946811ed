import { isOrchError, type OperationalStore, type OrchError, type SqlValue } from '@orch/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let tableCounter = 0;

/** Focused checks of the operational contract, shared by the embedded and remote tests. */
export function contractTests(
  name: string,
  open: () => Promise<OperationalStore>,
  reopen?: () => Promise<OperationalStore>,
): void {
  describe(`${name}: operational contract`, () => {
    let store: OperationalStore;
    let t: string;
    beforeEach(async () => {
      store = await open();
      t = `t_${process.pid}_${Date.now()}_${tableCounter++}`;
      await store.execute(
        `CREATE TABLE ${t} (id INTEGER PRIMARY KEY, v TEXT UNIQUE, flag INTEGER, at TEXT, data BLOB)`,
      );
    });
    afterEach(async () => {
      if (!store.closed) {
        await store.execute(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
        await store.close();
      }
    });
    const ids = async (s = store) =>
      (await s.query<{ id: number }>(`SELECT id FROM ${t} ORDER BY id`)).map((r) => r.id);

    it('binds booleans, Dates and bytes; returns RETURNING rows and changes', async () => {
      const r = await store.execute(`INSERT INTO ${t} (v, flag, at, data) VALUES (?, ?, ?, ?)`, [
        'a',
        true,
        new Date('2026-01-02T00:00:00Z'),
        new Uint8Array([7, 8]),
      ]);
      expect(r.changes).toBe(1);
      expect(r.lastInsertId).toBe(1);
      const [row] = await store.query<{ flag: number; at: string; data: Uint8Array }>(
        `SELECT flag, at, data FROM ${t}`,
      );
      expect(row!.flag).toBe(1);
      expect(row!.at).toBe('2026-01-02T00:00:00.000Z');
      expect([...row!.data]).toEqual([7, 8]);
      expect(Object.keys(row!)).toEqual(['flag', 'at', 'data']);
      expect(await store.query(`INSERT INTO ${t} (v) VALUES (?) RETURNING id, v`, ['b'])).toEqual([
        { id: 2, v: 'b' },
      ]);
      expect((await store.execute(`INSERT INTO ${t} (v) VALUES (?) RETURNING id`, ['c'])).changes).toBe(1);
      expect((await store.execute(`UPDATE ${t} SET flag = 0`)).changes).toBe(3);
    });

    it('a transaction that throws leaves no row', async () => {
      const boom = new Error('boom');
      await expect(
        store.transaction(async (tx) => {
          await tx.execute(`INSERT INTO ${t} (id) VALUES (1)`);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await ids()).toEqual([]);
    });

    if (reopen) {
      it('a committed transaction is there after close and reopen', async () => {
        await store.transaction(async (tx) => {
          await tx.execute(`INSERT INTO ${t} (id) VALUES (1)`);
          await tx.execute(`INSERT INTO ${t} (id) VALUES (2)`);
        });
        await store.close();
        store = await reopen();
        expect(await ids()).toEqual([1, 2]);
      });
    }

    it('nests savepoints without deadlock or leak', async () => {
      await store.transaction(async (tx) => {
        await tx.execute(`INSERT INTO ${t} (id) VALUES (1)`);
        await expect(
          tx.transaction(async (sp) => {
            await sp.execute(`INSERT INTO ${t} (id) VALUES (2)`);
            throw new Error('inner');
          }),
        ).rejects.toThrow('inner');
        await tx.transaction(async (sp) =>
          sp.transaction(async (sp2) => sp2.execute(`INSERT INTO ${t} (id) VALUES (3)`)),
        );
        await store.execute(`INSERT INTO ${t} (id) VALUES (4)`);
      });
      expect(await ids()).toEqual([1, 3, 4]);
      await store.transaction(async (tx) => tx.execute(`INSERT INTO ${t} (id) VALUES (5)`));
      expect(await ids()).toEqual([1, 3, 4, 5]);
    });

    it('executeMany and batch are atomic', async () => {
      expect(
        (
          await store.executeMany(
            `INSERT INTO ${t} (id, v) VALUES (?, ?)`,
            Array.from({ length: 1200 }, (_, i) => [i + 1, `v${i}`]),
          )
        ).changes,
      ).toBe(1200);
      await expect(
        store.executeMany(`INSERT INTO ${t} (id, v) VALUES (?, ?)`, [
          [5000, 'new'],
          [5001, 'v1'],
        ]),
      ).rejects.toMatchObject({ code: 'ORCH_CONSTRAINT_VIOLATION' });
      await expect(
        store.batch([
          { sql: `INSERT INTO ${t} (id, v) VALUES (?, ?)`, params: [6000, 'x'] },
          { sql: `INSERT INTO ${t} (id, v) VALUES (?, ?)`, params: [6001, 'v2'] },
        ]),
      ).rejects.toMatchObject({ code: 'ORCH_CONSTRAINT_VIOLATION' });
      expect((await ids()).length).toBe(1200);
    });

    it('rejects lone UTF-16 surrogates in string parameters before they reach libsql', async () => {
      for (const bad of ['\ud800', 'x\udfffy', 'end \ud83d']) {
        await expect(store.execute(`INSERT INTO ${t} (v) VALUES (?)`, [bad])).rejects.toMatchObject({
          code: 'ORCH_INVALID_INPUT',
        });
        await expect(
          store.executeMany(`INSERT INTO ${t} (v) VALUES (?)`, [['fine'], [bad]]),
        ).rejects.toMatchObject({ code: 'ORCH_INVALID_INPUT' });
        await expect(store.query(`SELECT id FROM ${t} WHERE v = ?`, [bad])).rejects.toMatchObject({
          code: 'ORCH_INVALID_INPUT',
        });
      }
      expect(await ids()).toEqual([]);
    });

    it('names the broken constraint in details, with the engine code', async () => {
      const child = `${t}_child`;
      await store.execute(`ALTER TABLE ${t} ADD COLUMN n INTEGER CHECK (n IS NULL OR n > 0)`);
      await store.execute(
        `CREATE TABLE ${child} (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES ${t} (id))`,
      );
      try {
        await store.execute(`INSERT INTO ${t} (id, v) VALUES (1, 'one')`);
        const cases: [string, SqlValue[], string, string[] | undefined][] = [
          [`INSERT INTO ${t} (id, v) VALUES (?, ?)`, [1, 'other'], 'unique', [`${t}.id`]],
          [`INSERT INTO ${t} (id, v) VALUES (?, ?)`, [2, 'one'], 'unique', [`${t}.v`]],
          [`INSERT INTO ${child} (id, parent) VALUES (?, ?)`, [1, null], 'not_null', [`${child}.parent`]],
          [`INSERT INTO ${child} (id, parent) VALUES (?, ?)`, [1, 99], 'foreign_key', undefined],
          [`UPDATE ${t} SET n = ? WHERE id = 1`, [-5], 'check', undefined],
        ];
        for (const [sql, params, constraint, fields] of cases) {
          const err = (await store.execute(sql, params).catch((e: unknown) => e)) as OrchError;
          expect(isOrchError(err, 'ORCH_CONSTRAINT_VIOLATION'), sql).toBe(true);
          expect(err.details.constraint, sql).toBe(constraint);
          expect(err.details.fields, sql).toEqual(fields);
          expect(String(err.details.driverCode), sql).toMatch(/^SQLITE_CONSTRAINT/);
        }
      } finally {
        await store.execute(`DROP TABLE IF EXISTS ${child}`);
      }
    });

    it('maps errors without parameter values', async () => {
      await store.execute(`INSERT INTO ${t} (id, v) VALUES (1, ?)`, ['private-value-42']);
      const err = await store
        .execute(`INSERT INTO ${t} (id, v) VALUES (2, ?)`, ['private-value-42'])
        .catch((e: unknown) => e);
      expect(isOrchError(err, 'ORCH_CONSTRAINT_VIOLATION')).toBe(true);
      expect((err as Error).message).not.toContain('private-value-42');
      const syntax = await store.query('SELEC 1').catch((e: unknown) => e);
      expect(isOrchError(syntax, 'ORCH_QUERY_FAILED')).toBe(true);
      expect((await store.health()).status).toBe('healthy');
    });
  });
}
