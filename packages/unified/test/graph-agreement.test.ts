import { sharesEngine } from '@orch/core';
import { describe, expect, it } from 'vitest';
import { AsyncRepositoryFactory, DEPENDS_ON, TASK_LABEL } from '../src/index.js';
import { BACKENDS, type FaultyManager, faultyManagers } from './helpers/faulty-manager.js';

// Every kind of task write, through every entry point, leaves the graph and the vector store
// agreeing with the task rows: the same tasks, titles and statuses, and exactly the dependency
// edges of task_dependencies. On the in-memory stores and on one embedded SQLite file.

const setup = faultyManagers('agreement');
type Setup = FaultyManager;

/** What the rows say, and what the graph and vector stores mirror of it (read behind the faults). */
async function snapshot({ m, graph, vector }: Setup) {
  const rows = await m.operational.query<{
    id: string;
    title: string;
    status: string;
    parent_id: string | null;
  }>('SELECT id, title, status, parent_id FROM tasks ORDER BY id');
  const deps = await m.operational.query<{ task_id: string; depends_on_id: string }>(
    'SELECT task_id, depends_on_id FROM task_dependencies ORDER BY task_id, depends_on_id',
  );
  const nodes = (await graph.findNodes({ label: TASK_LABEL })).sort((a, b) => a.id.localeCompare(b.id));
  const edges: string[] = [];
  for (const node of nodes) {
    for (const e of await graph.getEdges(node.id, { direction: 'out', types: [DEPENDS_ON] }))
      edges.push(`${e.from}->${e.to}`);
  }
  const ids = rows.map((r) => r.id);
  const info = await vector.describeCollection('tasks');
  const records =
    info && ids.length ? await vector.get('tasks', ids, { vectors: false, metadata: true }) : [];
  return {
    rows: rows.map((r) => ({ id: r.id, title: r.title, status: r.status, parentId: r.parent_id })),
    graph: nodes.map((n) => ({
      id: n.id,
      title: n.properties.title,
      status: n.properties.status,
      parentId: n.properties.parentId ?? null,
    })),
    rowEdges: deps.map((d) => `${d.task_id}->${d.depends_on_id}`),
    graphEdges: edges.sort(),
    vector: records
      .map((r) => ({ id: r.id, status: r.metadata?.status }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    vectorCount: info ? await vector.count('tasks') : 0,
  };
}

async function expectAgreement(s: Setup, after: string): Promise<void> {
  const snap = await snapshot(s);
  expect(snap.graph, `graph nodes after ${after}`).toEqual(snap.rows);
  expect(snap.graphEdges, `graph edges after ${after}`).toEqual(snap.rowEdges);
  expect(snap.vector, `vector records after ${after}`).toEqual(
    snap.rows.map((r) => ({ id: r.id, status: r.status })),
  );
  expect(snap.vectorCount, `vector count after ${after}`).toBe(snap.rows.length);
  expect((await s.m.health()).outbox.pending, `outbox after ${after}`).toBe(0);
}

for (const backend of BACKENDS) {
  describe(`the graph and the vector store agree with the task rows on ${backend}`, () => {
    it('after every kind of write, through the manager and its task repository', async () => {
      const s = await setup(backend);
      const { m } = s;
      const tasks = m.tasks;

      await m.createTaskWithEmbeddings({ task: { id: 'root', title: 'Release' } });
      await m.createTaskWithEmbeddings({ task: { id: 'a', title: 'Design', parentId: 'root' } });
      await m.createTaskWithEmbeddings({
        task: { id: 'b', title: 'Build', parentId: 'root' },
        relationships: [{ to: 'a', type: 'depends_on' }],
      });
      await m.createTaskWithEmbeddings({
        task: { id: 'c', title: 'Test', parentId: 'root' },
        relationships: [{ from_id: 'c', to_id: 'b', type: 'depends_on' }],
      });
      // An edge that starts at another task: root gets a dependency from this call.
      await m.createTaskWithEmbeddings({
        task: { id: 'e', title: 'Ship', parentId: 'root' },
        relationships: [{ from: 'root', to: '$self', type: 'depends_on' }],
      });
      await expectAgreement(s, 'createTaskWithEmbeddings');

      await tasks.create({ id: 'd', title: 'Docs', parentId: 'root' });
      await expectAgreement(s, 'tasks.create (embedded from its text)');

      await m.updateTask('a', { title: 'Design the schema', status: 'active' });
      await expectAgreement(s, 'updateTask');

      await tasks.update('b', { title: 'Build it' });
      await tasks.modify('b', (t) => ({ priority: t.priority + 1, status: 'ready' }));
      await expectAgreement(s, 'tasks.update and tasks.modify');

      await tasks.addDependencies('d', ['a', 'b']);
      await tasks.addDependency('c', 'a');
      await expectAgreement(s, 'addDependencies');

      await tasks.removeDependency('d', 'b');
      await expectAgreement(s, 'removeDependency');

      await tasks.update('a', { status: 'completed' });
      await tasks.cancel('b', { reason: 'not needed' });
      await tasks.archive('d');
      await expectAgreement(s, 'status changes (complete, cancel, archive)');

      await tasks.update('d', { parentId: 'a' });
      await expectAgreement(s, 'moving a task to another parent');

      const factory = new AsyncRepositoryFactory(m);
      const viaFactory = await factory.createTaskRepository();
      expect(viaFactory).toBe(m.tasks);
      await viaFactory.update('c', { title: 'Test everything' });
      await expectAgreement(s, 'a write through AsyncRepositoryFactory(manager)');

      // b and c depend on a, outside a's subtree (a and d): by force, they lose those edges.
      await m.deleteTask('a', { force: true });
      await expectAgreement(s, 'deleteTask (a subtree, with a dependent outside it)');

      await tasks.delete('c');
      await expectAgreement(s, 'tasks.delete');

      // b was cancelled (archived): the only finished task left, with nothing depending on it.
      const removed = await tasks.cleanup({ olderThan: new Date(Date.now() + 60_000) });
      expect(removed).toBe(1);
      await expectAgreement(s, 'tasks.cleanup');
      expect((await snapshot(s)).rows.map((r) => r.id)).toEqual(['e', 'root']);
      expect((await snapshot(s)).graphEdges).toEqual(['root->e']);
    });

    it('after writes made while the stores were down, once the outbox has replayed', async () => {
      const s = await setup(backend);
      const { m, vectorFault, graphFault } = s;
      await m.createTaskWithEmbeddings({ task: { id: 'x', title: 'x' } });
      await m.createTaskWithEmbeddings({
        task: { id: 'y', title: 'y' },
        relationships: [{ to: 'x', type: 'depends_on' }],
      });
      vectorFault.down();
      graphFault.down();
      const r = await m.updateTask('y', { status: 'active' });
      expect(r.pending.sort()).toEqual(['graph', 'vector']);
      await m.tasks.removeDependency('y', 'x');
      await m.tasks.addDependency('x', 'y');
      await m.tasks.create({ id: 'z', title: 'z' });
      await m.tasks.delete('z');
      vectorFault.up();
      graphFault.up();
      const report = await m.syncPending({ force: true });
      expect(report).toMatchObject({ pending: 0, failures: [] });
      await expectAgreement(s, 'replaying writes made while the stores were down');
      expect((await snapshot(s)).graphEdges).toEqual(['x->y']);
    });

    it('inside a caller’s transaction: nothing reaches the mirror before the commit, nor after a rollback', async () => {
      const s = await setup(backend);
      const { m } = s;
      await m.createTaskWithEmbeddings({ task: { id: 'p', title: 'before' } });
      // Rolled back: the mirror must not show the change.
      await m.operational
        .transaction(async () => {
          await m.tasks.update('p', { title: 'rolled back' });
          throw new Error('abort');
        })
        .catch(() => undefined);
      await expectAgreement(s, 'a rolled-back transaction');
      expect((await s.graph.getNode('p'))?.properties.title).toBe('before');
      // Committed: a store on the operational store's engine was written inside the transaction;
      // the change waits for the replay on the others, which then carries it over.
      const joined = (['graph', 'vector'] as const).filter((t) =>
        sharesEngine(m.operational, t === 'graph' ? s.graph : s.vector),
      );
      const inside = await m.operational.transaction(() => m.updateTask('p', { title: 'committed' }));
      expect(inside.pending.sort()).toEqual(['graph', 'vector'].filter((t) => !joined.includes(t as never)));
      expect(inside.applied.sort()).toEqual(joined);
      expect(inside.errors).toEqual([]);
      if (joined.includes('graph')) expect((await s.graph.getNode('p'))?.properties.title).toBe('committed');
      await m.syncPending();
      await expectAgreement(s, 'a committed transaction');
      expect((await s.graph.getNode('p'))?.properties.title).toBe('committed');
    });
  });
}
