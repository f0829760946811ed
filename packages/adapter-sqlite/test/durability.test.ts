import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createAdapter } from '@orch/core';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { sqliteUrl, tempDir } from './helpers.js';

const tmp = tempDir('orch-sqlite-durability-');
afterAll(() => tmp.cleanup());
const WRITER = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url));

interface Child {
  readonly proc: ChildProcess;
  readonly acks: string[];
  readonly exited: Promise<number | null>;
  /** Resolves once `n` acks were printed. */
  waitForAcks(n: number): Promise<void>;
}

function startWriter(file: string, prefix: string, count: number, query = ''): Child {
  const proc = spawn(process.execPath, [WRITER, file, prefix, String(count), query], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks: string[] = [];
  let buffer = '';
  let stderr = '';
  const waiters: { n: number; resolve: () => void }[] = [];
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('ack ')) acks.push(line.slice(4));
    for (const w of waiters.splice(0)) (acks.length >= w.n ? w.resolve : () => waiters.push(w))();
  });
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  void exited.then((code) => {
    if (code !== 0 && code !== null) console.error(`writer ${prefix} exited ${code}: ${stderr}`);
  });
  return {
    proc,
    acks,
    exited,
    waitForAcks: (n) =>
      new Promise<void>((resolve, reject) => {
        if (acks.length >= n) return resolve();
        waiters.push({ n, resolve });
        void exited.then(() =>
          acks.length >= n
            ? resolve()
            : reject(new Error(`writer exited after ${acks.length} acks: ${stderr}`)),
        );
      }),
  };
}

describe('durability', () => {
  for (const query of ['', 'mode=inline', 'synchronous=normal']) {
    it(`every acknowledged commit survives SIGKILL and the file passes integrity_check (${query || 'worker'})`, async () => {
      const file = tmp.file(`crash-${query || 'worker'}.db`);
      const child = startWriter(file, 'c', 1_000_000, query);
      // Kill mid-run, while commits are streaming.
      await child.waitForAcks(150);
      child.proc.kill('SIGKILL');
      await child.exited;
      const acked = [...child.acks];
      expect(acked.length).toBeGreaterThanOrEqual(150);

      const store = await createAdapter('operational', sqliteUrl(file));
      const [integrity] = await store.query<{ integrity_check: string }>('PRAGMA integrity_check');
      expect(integrity!.integrity_check).toBe('ok');
      const present = new Set((await store.query<{ id: string }>('SELECT id FROM acks')).map((r) => r.id));
      const missing = acked.filter((id) => !present.has(id));
      expect(missing).toEqual([]);
      // Transactions are all-or-nothing: every ack row has its three items, none are orphaned.
      const [orphans] = await store.query<{ n: number }>(
        'SELECT count(*) AS n FROM acks a WHERE (SELECT count(*) FROM items i WHERE i.ack_id = a.id) <> 3',
      );
      expect(orphans!.n).toBe(0);
      await store.close();
    }, 60_000);
  }

  it('two processes writing the same file concurrently lose nothing', async () => {
    const file = tmp.file('two-processes.db');
    // Create the schema first so both writers start on a WAL file.
    const setup = await createAdapter('operational', sqliteUrl(file));
    await setup.execute('CREATE TABLE IF NOT EXISTS acks (id TEXT PRIMARY KEY, payload TEXT NOT NULL)');
    await setup.execute(
      'CREATE TABLE IF NOT EXISTS items (ack_id TEXT NOT NULL REFERENCES acks(id), n INTEGER NOT NULL)',
    );
    await setup.close();
    const a = startWriter(file, 'a', 300);
    const b = startWriter(file, 'b', 300, 'mode=inline');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    expect(a.acks.length).toBe(300);
    expect(b.acks.length).toBe(300);
    const store = await createAdapter('operational', sqliteUrl(file));
    expect(await store.query('SELECT count(*) AS n FROM acks')).toEqual([{ n: 600 }]);
    expect(await store.query('SELECT count(*) AS n FROM items')).toEqual([{ n: 1800 }]);
    const [integrity] = await store.query<{ integrity_check: string }>('PRAGMA integrity_check');
    expect(integrity!.integrity_check).toBe('ok');
    await store.close();
  }, 120_000);
});
