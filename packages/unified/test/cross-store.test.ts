import { type GraphStore, isOrchError, type OrchErrorCode, type VectorStore } from '@orch/core';
import { describe, expect, it } from 'vitest';
import type { UnifiedDatabaseManager } from '../src/index.js';
import { BACKENDS, faultyManagers } from './helpers/faulty-manager.js';

/** The same tests on the in-memory stores and on one embedded SQLite file per test. */
const manager = faultyManagers('cross-store');

/** Task ids in each store, read behind the faults. */
async function idsEverywhere(m: UnifiedDatabaseManager, vectorInner: VectorStore, graphInner: GraphStore) {
  const rows = await m.operational.query<{ id: string }>('SELECT id FROM tasks ORDER BY id');
  const operational = rows.map((r) => r.id);
  const info = await vectorInner.describeCollection('tasks');
  const vectorIds = info
    ? (await vectorInner.get('tasks', operational.length ? operational : ['none'], { vectors: false })).map(
        (r) => r.id,
      )
    : [];
  const vectorCount = info ? await vectorInner.count('tasks') : 0;
  const nodes = (await graphInner.findNodes({ label: 'Task' })).map((n) => n.id).sort();
  return { operational, vector: vectorIds.sort(), vectorCount, graph: nodes };
}

for (const backend of BACKENDS) {
  describe(`createTaskWithEmbeddings on ${backend}`, () => {
    it('writes the row, the embedding, the node and the edges, keyed by application ids', async () => {
      const { m } = await manager(backend);
      await m.createTaskWithEmbeddings({ task: { id: 'task2', title: 'Design the schema' } });
      const result = await m.createTaskWithEmbeddings({
        task: { id: 'task1', title: 'Write migrations', type: 'analysis' },
        embedding: {
          vector: Array.from({ length: 384 }, (_, i) => (i === 0 ? 1 : 0)),
          metadata: { source: 'seed' },
        },
        relationships: [{ from_id: 'task1', to_id: 'task2', type: 'depends_on' }],
      });
      expect(result.pending).toEqual([]);
      expect(result.applied.sort()).toEqual(['graph', 'vector']);
      const [stored] = await m.vector!.get('tasks', ['task1']);
      expect(stored?.metadata).toMatchObject({ status: 'created', type: 'analysis', source: 'seed' });
      const edges = await m.graph!.getEdges('task1', { direction: 'out' });
      expect(edges.map((e) => `${e.from}->${e.to}:${e.type}`)).toEqual(['task1->task2:DEPENDS_ON']);
      const deps = await m.operational.query<{ depends_on_id: string }>(
        m.operational.dialect.placeholders('SELECT depends_on_id FROM task_dependencies WHERE task_id = ?'),
        ['task1'],
      );
      expect(deps.map((d) => d.depends_on_id)).toEqual(['task2']);
      expect((await m.health()).outbox.pending).toBe(0);
    });

    it('takes task.dependsOn like depends_on relationships, and still refuses a cycle through the new task', async () => {
      const { m } = await manager(backend);
      await m.createTaskWithEmbeddings({ task: { id: 'base', title: 'base' } });
      await m.createTaskWithEmbeddings({ task: { id: 'mid', title: 'mid', dependsOn: ['base'] } });
      const r = await m.createTaskWithEmbeddings({
        task: { id: 'top', title: 'top', dependsOn: ['mid'] },
        relationships: [{ to: 'base', type: 'depends_on' }],
      });
      expect(r.pending).toEqual([]);
      const deps = await m.operational.query<{ task_id: string; depends_on_id: string }>(
        'SELECT task_id, depends_on_id FROM task_dependencies ORDER BY task_id, depends_on_id',
      );
      expect(deps.map((d) => `${d.task_id}->${d.depends_on_id}`)).toEqual([
        'mid->base',
        'top->base',
        'top->mid',
      ]);
      const edges = await m.graph!.getEdges('top', { direction: 'out' });
      expect(edges.map((e) => `${e.from}->${e.to}:${e.type}`).sort()).toEqual([
        'top->base:DEPENDS_ON',
        'top->mid:DEPENDS_ON',
      ]);
      // An edge into the new task next to one out of it: "base depends on loop" and "loop depends
      // on mid" (which depends on base) close a cycle, refused whole.
      const err = await m
        .createTaskWithEmbeddings({
          task: { id: 'loop', title: 'loop', dependsOn: ['mid'] },
          relationships: [{ from: 'base', to: '$self', type: 'depends_on' }],
        })
        .catch((e: unknown) => e);
      expect(isOrchError(err, 'ORCH_CONFLICT'), String(err)).toBe(true);
      expect((err as { details: { reason: string } }).details.reason).toBe('cycle');
      expect(
        (await m.operational.query<{ id: string }>('SELECT id FROM tasks ORDER BY id')).map((t) => t.id),
      ).toEqual(['base', 'mid', 'top']);
      expect(await m.operational.query('SELECT task_id FROM task_dependencies')).toHaveLength(3);
      expect((await m.health()).outbox.pending).toBe(0);
    });

    it('rejects relationships to unknown tasks and writes nothing', async () => {
      const { m } = await manager(backend);
      const err = await m
        .createTaskWithEmbeddings({
          task: { id: 'a', title: 'A' },
          relationships: [{ to: 'ghost', type: 'depends_on' }],
        })
        .catch((e: unknown) => e);
      expect(isOrchError(err, 'ORCH_NOT_FOUND')).toBe(true);
      expect(await m.operational.query('SELECT id FROM tasks')).toEqual([]);
      expect(await m.vector!.describeCollection('tasks')).toBeNull();
    });

    it('refuses text with a lone surrogate, typed, and writes nothing anywhere', async () => {
      const { m } = await manager(backend);
      for (const input of [
        { task: { title: 'bad \ud800' } },
        { task: { title: 'ok' }, embedding: { text: 'bad \udfff' } },
        { task: { title: 'ok' }, embedding: { metadata: { note: '\ud800' } } },
      ]) {
        const err = await m.createTaskWithEmbeddings(input).catch((e: unknown) => e);
        expect(isOrchError(err, 'ORCH_INVALID_INPUT'), String(err)).toBe(true);
      }
      const t = (await m.createTaskWithEmbeddings({ task: { id: 'fine', title: 'fine' } })).task;
      const err = await m.updateTask(t.id, { description: '\udc00' }).catch((e: unknown) => e);
      expect(isOrchError(err, 'ORCH_INVALID_INPUT')).toBe(true);
      expect((err as { details: { field?: string } }).details.field).toBe('patch.description');
      expect(await m.operational.query('SELECT id, version FROM tasks')).toEqual([
        { id: 'fine', version: 1 },
      ]);
      expect((await m.health()).outbox.pending).toBe(0);
      expect(await m.vector!.count('tasks')).toBe(1);
      expect((await m.graph!.findNodes({ label: 'Task' })).map((n) => n.id)).toEqual(['fine']);
    });

    it('rejects a NaN, float32-overflowing or non-float embedding before writing anything', async () => {
      const { m } = await manager(backend);
      for (const [vector, index] of [
        [[1, Number.NaN], 1],
        [[1, 1e39], 1],
        [new Float64Array([-1e39, 1]), 0],
        [new Int8Array([1, 2]), undefined],
      ] as const) {
        const err = await m
          .createTaskWithEmbeddings({
            task: { title: 'x' },
            embedding: { vector: vector as unknown as number[] },
          })
          .catch((e: unknown) => e);
        expect(isOrchError(err, 'ORCH_INVALID_INPUT'), String(err)).toBe(true);
        expect((err as Error).message).toMatch(/^embedding\.vector/);
        expect((err as { details: { index?: number } }).details.index).toBe(index);
      }
      expect(await m.operational.query('SELECT id FROM tasks')).toEqual([]);
      expect((await m.health()).outbox.pending).toBe(0);
    });

    it('holds a plugged-in embedder to its contract: a bad vector from it fails the call and writes nothing', async () => {
      let next: unknown = [[1, 0, 0]];
      let dimension = 3;
      const embedder = {
        name: 'flaky-model',
        get dimension() {
          return dimension;
        },
        embed: async () => next as number[][],
      };
      const { m } = await manager(backend, { embedder });
      await m.createTaskWithEmbeddings({ task: { id: 'good', title: 'good' } });
      const cases: [unknown, OrchErrorCode, RegExp][] = [
        [[[1, Number.NaN, 0]], 'ORCH_INVALID_INPUT', /"flaky-model".*vector\[1\] is NaN/],
        [[[1, 1e39, 0]], 'ORCH_INVALID_INPUT', /vector\[1\] is 1e\+39/],
        [[[1, 0]], 'ORCH_DIMENSION_MISMATCH', /2 dimensions but declares 3/],
        [[], 'ORCH_INVALID_INPUT', /returned 0 vectors for one text/],
      ];
      for (const [output, code, message] of cases) {
        next = output;
        const err = await m.createTaskWithEmbeddings({ task: { title: 'x' } }).catch((e: unknown) => e);
        expect(isOrchError(err, code), String(err)).toBe(true);
        expect((err as Error).message).toMatch(message);
        // A text query is embedded by the same rules.
        const searched = await m.searchSimilarTasks('x').catch((e: unknown) => e);
        expect(isOrchError(searched, code), String(searched)).toBe(true);
      }
      // A model of another dimension than the collection's is refused before writing too.
      dimension = 4;
      next = [[1, 0, 0, 0]];
      const other = await m.createTaskWithEmbeddings({ task: { title: 'y' } }).catch((e: unknown) => e);
      expect(isOrchError(other, 'ORCH_DIMENSION_MISMATCH'), String(other)).toBe(true);
      expect((other as Error).message).toMatch(
        /"flaky-model" gives 4 dimensions but collection "tasks" has 3/,
      );
      expect(await m.operational.query('SELECT id FROM tasks')).toEqual([{ id: 'good' }]);
      expect((await m.health()).outbox.pending).toBe(0);
      expect(await m.vector!.count('tasks')).toBe(1);
    });

    it('reports pending stores when one is down, then converges after recovery with nothing duplicated or orphaned', async () => {
      const { m, vectorFault, graphFault } = await manager(backend);
      await m.createTaskWithEmbeddings({ task: { id: 't0', title: 'root' } });
      vectorFault.failNext(4);
      graphFault.failNext(2);
      const results = [];
      for (let i = 1; i <= 6; i++) {
        results.push(
          await m.createTaskWithEmbeddings({
            task: { id: `t${i}`, title: `task ${i}` },
            relationships: [{ from: `t${i}`, to: 't0', type: 'depends_on' }],
          }),
        );
      }
      expect(results.some((r) => r.pending.includes('vector'))).toBe(true);
      expect(results.some((r) => r.pending.includes('graph'))).toBe(true);
      expect(results.every((r) => r.errors.every((e) => e.code === 'ORCH_CONNECTION_FAILED'))).toBe(true);
      expect((await m.health()).outbox.pending).toBeGreaterThan(0);
      // Deleting one task while its writes are still pending must not leave an orphan later.
      vectorFault.down();
      graphFault.down();
      await m.deleteTask('t3');
      vectorFault.up();
      graphFault.up();
      const report = await m.syncPending({ force: true });
      expect(report.pending).toBe(0);
      const ids = await idsEverywhere(m, vectorFault.inner as VectorStore, graphFault.inner as GraphStore);
      expect(ids.operational).toEqual(['t0', 't1', 't2', 't4', 't5', 't6']);
      expect(ids.vector).toEqual(ids.operational);
      expect(ids.vectorCount).toBe(ids.operational.length);
      expect(ids.graph).toEqual(ids.operational);
      const edges = await (graphFault.inner as GraphStore).getEdges('t0', { direction: 'in' });
      expect(edges.map((e) => e.from).sort()).toEqual(['t1', 't2', 't4', 't5', 't6']);
    });

    it('replays in the background while the manager is open', async () => {
      const { m, vectorFault } = await manager(backend, { backgroundSync: true, syncIntervalMs: 20 });
      // The first write makes the collection (a fault before it would hit that check instead).
      await m.createTaskWithEmbeddings({ task: { id: 'first', title: 'first' } });
      vectorFault.failNext(1);
      const r = await m.createTaskWithEmbeddings({ task: { id: 'bg', title: 'background' } });
      expect(r.pending).toEqual(['vector']);
      const deadline = Date.now() + 5000;
      while ((await m.health()).outbox.pending > 0 && Date.now() < deadline)
        await new Promise((res) => setTimeout(res, 25));
      expect((await m.health()).outbox.pending).toBe(0);
      expect((await (vectorFault.inner as VectorStore).get('tasks', ['bg'])).map((x) => x.id)).toEqual([
        'bg',
      ]);
    });

    it('leaves a write it is applying to the write: a background tick does not apply it too', async () => {
      const { m, vectorFault } = await manager(backend, { backgroundSync: true, syncIntervalMs: 5 });
      await m.createTaskWithEmbeddings({ task: { id: 'first', title: 'first' } });
      const before = vectorFault.callsOf('upsert');
      // The write's own upsert takes 150 ms: ticks run meanwhile, with its entry committed and due.
      vectorFault.slowWrites(150);
      const r = await m.createTaskWithEmbeddings({ task: { id: 'slow', title: 'slow' } });
      vectorFault.slowWrites(0);
      expect(r.pending).toEqual([]);
      expect(vectorFault.callsOf('upsert') - before).toBe(1);
      expect((await m.health()).outbox.pending).toBe(0);
    });

    it('in strict mode undoes everything and throws when a store is down', async () => {
      const { m, vectorFault, graphFault } = await manager(backend, { strict: true });
      await m.createTaskWithEmbeddings({ task: { id: 'keep', title: 'keep me' } });
      vectorFault.failNext(1);
      const err = await m
        .createTaskWithEmbeddings({ task: { id: 'gone', title: 'undo me' } })
        .catch((e: unknown) => e);
      expect(isOrchError(err, 'ORCH_CONNECTION_FAILED')).toBe(true);
      expect((err as { details: { taskId: string } }).details.taskId).toBe('gone');
      await m.syncPending({ force: true });
      const ids = await idsEverywhere(m, vectorFault.inner as VectorStore, graphFault.inner as GraphStore);
      expect(ids).toEqual({ operational: ['keep'], vector: ['keep'], vectorCount: 1, graph: ['keep'] });
      expect((await m.health()).outbox.pending).toBe(0);
    });

    it('carries updates to the vector metadata and the graph node', async () => {
      const { m } = await manager(backend);
      await m.createTaskWithEmbeddings({
        task: { id: 'u', title: 'old title' },
        embedding: { text: 'old title' },
      });
      await m.updateTask('u', { status: 'active', title: 'new title' });
      const [record] = await m.vector!.get('tasks', ['u']);
      expect(record?.metadata?.status).toBe('active');
      expect((await m.graph!.getNode('u'))?.properties).toMatchObject({
        title: 'new title',
        status: 'active',
      });
      const hits = await m.searchSimilarTasks('old title', { topK: 1, filter: { status: 'active' } });
      expect(hits.map((h) => h.task.id)).toEqual(['u']);
      expect(hits[0]!.task.title).toBe('new title');
    });
  });
}
