import { describe, expect, it } from 'vitest';
import { numberPlaceholders, postgresDialect, sqliteDialect } from '../src/adapter-kit.js';

describe('numberPlaceholders', () => {
  it('numbers ? outside literals, quoted identifiers and comments', () => {
    expect(
      numberPlaceholders(
        `SELECT ? AS a, '?' AS "q?", ? -- what?\n FROM t /* ? */ WHERE x = 'it''s ?' AND y = ?`,
      ),
    ).toBe(`SELECT $1 AS a, '?' AS "q?", $2 -- what?\n FROM t /* ? */ WHERE x = 'it''s ?' AND y = $3`);
    expect(numberPlaceholders('SELECT ?', (n) => `:p${n}`)).toBe('SELECT :p1');
  });
});

describe('built-in dialects', () => {
  it('sqlite keeps ? and needs no row or named locks', () => {
    expect(sqliteDialect.placeholders('SELECT ?')).toBe('SELECT ?');
    expect(sqliteDialect.forUpdate).toBe('');
    expect(sqliteDialect.transactionLock(1)).toBeUndefined();
    expect(sqliteDialect.begin({})).toBe('BEGIN IMMEDIATE');
    expect(sqliteDialect.begin({ readOnly: true })).toBe('BEGIN DEFERRED');
    expect(sqliteDialect.jsonText('payload', 'kind')).toBe(`json_extract(payload, '$.kind')`);
  });

  it('postgres numbers placeholders, locks rows and takes advisory locks', () => {
    expect(postgresDialect.placeholders('SELECT ? WHERE a = ?')).toBe('SELECT $1 WHERE a = $2');
    expect(postgresDialect.forUpdate).toBe(' FOR UPDATE');
    expect(postgresDialect.transactionLock(42)).toBe('SELECT pg_advisory_xact_lock(42)');
    expect(postgresDialect.begin({ isolation: 'serializable', readOnly: true })).toBe(
      'BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY',
    );
    expect(postgresDialect.jsonText('payload', 'kind')).toBe(`(CAST(payload AS jsonb) ->> 'kind')`);
  });

  it('both write the same upsert clause and refuse identifiers that are not plain', () => {
    for (const dialect of [sqliteDialect, postgresDialect]) {
      expect(dialect.upsert(['session_id', 'key'], ['value'])).toBe(
        ' ON CONFLICT (session_id, key) DO UPDATE SET value = excluded.value',
      );
      expect(dialect.upsert(['id'], [])).toBe(' ON CONFLICT (id) DO NOTHING');
      expect(() => dialect.upsert(['id); DROP TABLE t; --'], [])).toThrow(/plain SQL identifier/);
      expect(() => dialect.jsonText('payload', "x') OR 1=1 --")).toThrow(/plain JSON key/);
      expect(dialect.returning('id')).toBe(' RETURNING id');
    }
  });
});
