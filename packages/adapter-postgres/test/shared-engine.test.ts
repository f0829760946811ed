import { createAdapter, sharesEngine } from '@orch/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import '../src/index.js';
import { toTextArrayLiteral } from '../src/conversion.js';
import { serverUrl } from './server.js';

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

describe('the operational store and pgvector on one database', () => {
  it('share an engine: pgvector writes inside an operational transaction commit and roll back with it', async () => {
    const ops = await createAdapter('operational', serverUrl());
    const vectors = await createAdapter('vector', serverUrl());
    expect(sharesEngine(ops, vectors)).toBe(true);
    expect(ops.engineKey).not.toContain('password');
    const name = unique('joined');
    await vectors.ensureCollection(name, { dimension: 2 });
    await ops.transaction(async () => {
      await vectors.upsert(name, [{ id: 'kept', vector: [1, 0], document: 'a "quoted" \\ {doc}' }]);
      // Inside the transaction the vector store reads through it and sees its own write.
      expect(await vectors.count(name)).toBe(1);
    });
    const aborted = await ops
      .transaction(async () => {
        await vectors.upsert(name, [{ id: 'gone', vector: [0, 1] }]);
        await vectors.delete(name, { ids: ['kept'] });
        throw new Error('abort');
      })
      .catch((e: unknown) => e);
    expect((aborted as Error).message).toBe('abort');
    const [kept] = await vectors.get(name, ['kept', 'gone']);
    expect(kept?.id).toBe('kept');
    expect(kept?.document).toBe('a "quoted" \\ {doc}');
    expect(await vectors.count(name)).toBe(1);
    await vectors.dropCollection(name);
    await Promise.all([ops.close(), vectors.close()]);
  });

  it('does not share across databases, users or an injected client', async () => {
    const base = new URL(serverUrl());
    const ops = await createAdapter('operational', serverUrl());
    const other = new URL(base);
    other.pathname = '/postgres_other_db';
    const elsewhere = await createAdapter('vector', other.href, { lazy: true });
    const otherUser = await createAdapter(
      'vector',
      { url: serverUrl(), username: 'someone_else' },
      { lazy: true },
    );
    expect(sharesEngine(ops, otherUser)).toBe(false);
    expect(sharesEngine(ops, elsewhere)).toBe(false);
    const pool = new pg.Pool({ connectionString: serverUrl() });
    const injected = await createAdapter('operational', { scheme: 'postgres', client: pool });
    expect(injected.engineKey).toBeUndefined();
    await Promise.all([ops.close(), elsewhere.close(), otherUser.close(), injected.close()]);
    await pool.end();
  });

  it('writes text arrays as the array literals PostgreSQL reads back unchanged', async () => {
    const items = ['plain', 'with "quotes"', 'back\\slash', '{braces}, commas', '', null];
    const client = new pg.Client({ connectionString: serverUrl() });
    await client.connect();
    const { rows } = await client.query('SELECT $1::text[] AS a', [toTextArrayLiteral(items)]);
    expect(rows[0].a).toEqual(items);
    await client.end();
  });
});
