import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import '@orch/adapter-sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { UnifiedDatabaseManager } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'orch-unified-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = fileURLToPath(new URL('./fixtures/crash-after-commit.mjs', import.meta.url));

/**
 * Run the crash fixture on `file` (see fixtures/crash-after-commit.mjs for the two modes), check
 * it died by SIGKILL at the first vector or graph write, and open the file again.
 */
async function crashThenReopen(file: string, mode: 'separate' | 'joined'): Promise<UnifiedDatabaseManager> {
  const child = spawn(process.execPath, [fixture, file, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, s) => resolve(s)),
  );
  expect(err).toBe('');
  expect(signal).toBe('SIGKILL');
  expect(out).toContain('crashing');
  expect(out).not.toContain('unreachable');
  const url = `sqlite:///${file}`;
  return UnifiedDatabaseManager.open({
    config: { databases: { operational: { url }, vector: { url }, graph: { url } } },
    env: {},
    backgroundSync: false,
  });
}

describe('UnifiedDatabaseManager on the embedded SQLite stores', () => {
  it('with no config at all, keeps all three stores in one file under ORCH_DATA_DIR', async () => {
    const dataDir = join(dir, 'default');
    await using m = await UnifiedDatabaseManager.open({ env: { ORCH_DATA_DIR: dataDir } });
    expect([m.operational.scheme, m.vector?.scheme, m.graph?.scheme]).toEqual(['sqlite', 'sqlite', 'sqlite']);
    await m.migrate();
    const r = await m.createTaskWithEmbeddings({
      task: { id: 'embedded', title: 'one file for everything' },
    });
    expect(r.pending).toEqual([]);
    expect((await m.searchSimilarTasks('one file', { topK: 1 })).map((h) => h.task.id)).toEqual(['embedded']);
    expect((await m.graph!.getNode('embedded'))?.labels).toEqual(['Task']);
    expect((await m.health()).status).toBe('healthy');
  });

  it('works with no configuration and no other call: open(), then write', async () => {
    // The data directory comes from the environment, as it would for a user.
    const saved = process.env.ORCH_DATA_DIR;
    process.env.ORCH_DATA_DIR = join(dir, 'two-liner');
    try {
      const db = await UnifiedDatabaseManager.open();
      const { task, pending } = await db.createTaskWithEmbeddings({ task: { title: 'x' } });
      expect(task.title).toBe('x');
      expect(pending).toEqual([]);
      expect((await db.graph!.getNode(task.id))?.properties.title).toBe('x');
      await db.close();
    } finally {
      if (saved === undefined) delete process.env.ORCH_DATA_DIR;
      else process.env.ORCH_DATA_DIR = saved;
    }
  });

  it('never silently uses the current directory', async () => {
    const xdg = join(dir, 'xdg');
    await using m = await UnifiedDatabaseManager.open({ env: { XDG_DATA_HOME: xdg }, backgroundSync: false });
    const health = await m.health();
    expect(JSON.stringify(health.stores.operational?.details)).toContain(join(xdg, 'orch'));
  });

  it('converges after the process is killed between the operational commit and the vector write', async () => {
    await using m = await crashThenReopen(join(dir, 'crash.db'), 'separate');
    expect((await m.operational.query<{ id: string }>('SELECT id FROM tasks')).map((r) => r.id)).toEqual([
      'dependency',
    ]);
    expect((await m.health()).outbox.pending).toBe(1);
    expect(await m.vector!.describeCollection('tasks')).toBeNull();
    const report = await m.syncPending({ force: true });
    expect(report).toMatchObject({ pending: 0, failures: [] });
    expect((await m.vector!.get('tasks', ['dependency'])).map((r) => r.id)).toEqual(['dependency']);
    expect(await m.graph!.getNode('dependency')).not.toBeNull();
  });

  it('loses a write killed inside its one transaction whole when the stores share the file', async () => {
    await using m = await crashThenReopen(join(dir, 'crash-joined.db'), 'joined');
    // The row, its outbox entry and the mirror writes were one transaction: none of it is there.
    expect(await m.operational.query('SELECT id FROM tasks')).toEqual([]);
    expect((await m.health()).outbox.pending).toBe(0);
    expect(await m.graph!.getNode('dependency')).toBeNull();
    const info = await m.vector!.describeCollection('tasks');
    if (info) expect(await m.vector!.get('tasks', ['dependency'])).toEqual([]);
  });

  it('commits a task with its embedding and two edges in three messages to the writer', async () => {
    const url = `sqlite:///${join(dir, 'messages.db')}`;
    await using m = await UnifiedDatabaseManager.open({
      config: { databases: { operational: { url }, vector: { url }, graph: { url } } },
      env: {},
      backgroundSync: false,
    });
    await m.migrate();
    const vector = () => Array.from({ length: 8 }, (_, i) => i + 1);
    for (const id of ['a', 'b', 'warm'])
      await m.createTaskWithEmbeddings({ task: { id, title: id }, embedding: { vector: vector() } });
    const original = Worker.prototype.postMessage;
    let posts = 0;
    Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: never) {
      posts++;
      return original.call(this, message, transfer);
    };
    try {
      await m.createTaskWithEmbeddings({
        task: { id: 't', title: 't' },
        embedding: { vector: vector() },
        relationships: [
          { from: 't', to: 'a', type: 'depends_on' },
          { from: 't', to: 'b', type: 'depends_on' },
        ],
      });
    } finally {
      Worker.prototype.postMessage = original;
    }
    // The row with its checks and read-back; the node rows, edges and vector together; the commit.
    expect(posts).toBe(3);
    expect((await m.graph!.getEdges('t', { direction: 'out' })).map((e) => e.to)).toEqual(['a', 'b']);
    expect(await m.vector!.get('tasks', ['t'])).toHaveLength(1);
  });

  it('migrates safely from two processes at once', () => {
    const file = join(dir, 'race.db');
    const script = `
      import '@orch/adapter-sqlite';
      import { createAdapter } from '@orch/core';
      import { migrate } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const store = await createAdapter('operational', ${JSON.stringify(`sqlite:///${file}`)});
      const r = await migrate(store);
      console.log(JSON.stringify(r));
      await store.close();`;
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const c = spawn(process.execPath, ['--input-type=module', '-e', script], {
          cwd: fileURLToPath(new URL('..', import.meta.url)),
        });
        let o = '';
        let e = '';
        c.stdout.on('data', (d) => {
          o += d;
        });
        c.stderr.on('data', (d) => {
          e += d;
        });
        c.on('exit', (code) => (code === 0 ? resolve(o.trim()) : reject(new Error(e))));
      });
    return Promise.all([run(), run(), run()]).then((outputs) => {
      const results = outputs.map((o) => JSON.parse(o) as { applied: number[]; version: number });
      expect(results.every((r) => r.version === 1)).toBe(true);
      expect(results.flatMap((r) => r.applied)).toEqual([1]);
    });
  });
});
