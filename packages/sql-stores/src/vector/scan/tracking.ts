/**
 * The change table of a records table: the rowid of every updated or deleted row, appended by two
 * triggers, whatever connection or process wrote (inserts need no entry: a new row's rowid is
 * above every live one). The scan worker reads it to bring its cached vectors up to date without
 * reloading them; {@link pruneChangesSql} keeps it bounded (a cache that fell further behind
 * reloads in full).
 */
export function changesTable(records: string): string {
  return `${records}_changes`;
}

/** How many change entries are kept: a cache more changes behind than this reloads in full. */
export const CHANGES_KEPT = 50_000;

/** DDL, idempotent: the change table and the triggers that fill it. */
export function trackingSchema(records: string): string[] {
  const changes = changesTable(records);
  return [
    `CREATE TABLE IF NOT EXISTS ${changes} (seq INTEGER PRIMARY KEY, rid INTEGER NOT NULL)`,
    `CREATE TRIGGER IF NOT EXISTS ${records}_updated AFTER UPDATE ON ${records} BEGIN
       INSERT INTO ${changes} (rid) VALUES (old.rowid);
       INSERT INTO ${changes} (rid) SELECT new.rowid WHERE new.rowid <> old.rowid;
     END`,
    `CREATE TRIGGER IF NOT EXISTS ${records}_deleted AFTER DELETE ON ${records} BEGIN
       INSERT INTO ${changes} (rid) VALUES (old.rowid);
     END`,
  ];
}

/** Drop the entries older than the newest {@link CHANGES_KEPT} (never the newest one). */
export function pruneChangesSql(records: string): string {
  const changes = changesTable(records);
  return `DELETE FROM ${changes} WHERE seq <= (SELECT max(seq) FROM ${changes}) - ${CHANGES_KEPT}`;
}
