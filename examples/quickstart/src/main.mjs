// A task orchestrator's three stores, in memory: run with `pnpm start` from the repository root.
import '@orch/adapter-memory';
import { createAdapter, isOrchError } from '@orch/core';

const operational = await createAdapter('operational', 'memory:');
const vector = await createAdapter('vector', 'memory:');
const graph = await createAdapter('graph', 'memory:');

try {
  await operational.execute(
    'CREATE TABLE tasks (id TEXT PRIMARY KEY, title TEXT NOT NULL, status TEXT NOT NULL)',
  );
  const tasks = [
    { id: 'design', title: 'Design the schema', status: 'completed', vector: [0.9, 0.1, 0] },
    { id: 'migrate', title: 'Write the migrations', status: 'active', vector: [0.8, 0.3, 0.1] },
    { id: 'docs', title: 'Document the API', status: 'ready', vector: [0.1, 0.2, 0.9] },
  ];

  // One transaction: either every task row is written or none is.
  await operational.transaction(async (tx) => {
    for (const t of tasks)
      await tx.execute('INSERT INTO tasks (id, title, status) VALUES (?, ?, ?)', [t.id, t.title, t.status]);
  });

  await vector.ensureCollection('tasks', { dimension: 3, metric: 'cosine' });
  await vector.upsert(
    'tasks',
    tasks.map((t) => ({ id: t.id, vector: t.vector, metadata: { status: t.status }, document: t.title })),
  );

  await graph.upsertNodes(tasks.map((t) => ({ id: t.id, labels: ['Task'], properties: { title: t.title } })));
  await graph.upsertEdges([
    { from: 'migrate', to: 'design', type: 'DEPENDS_ON' },
    { from: 'docs', to: 'migrate', type: 'DEPENDS_ON' },
  ]);

  const similar = await vector.query('tasks', {
    vector: [0.85, 0.2, 0],
    topK: 2,
    filter: { status: { $ne: 'completed' } },
  });
  console.log('Open tasks most like "schema work":');
  for (const hit of similar)
    console.log(`  ${hit.id.padEnd(8)} score ${hit.score.toFixed(3)}  ${hit.document}`);

  const chain = await graph.shortestPath('docs', 'design', { types: ['DEPENDS_ON'] });
  console.log(`Dependency chain from docs to design: ${chain?.nodes.join(' -> ')}`);

  const rows = await operational.query(
    'SELECT status, COUNT(*) AS n FROM tasks GROUP BY status ORDER BY status',
  );
  console.log('Tasks by status:', rows.map((r) => `${r.status}=${r.n}`).join(', '));

  // Bad input gets a typed error, never a silent partial write.
  try {
    await vector.upsert('tasks', [{ id: 'bad', vector: [1, Number.NaN, 0] }]);
  } catch (err) {
    if (!isOrchError(err)) throw err;
    console.log(`Rejected a NaN vector: ${err.code}`);
  }
} finally {
  await Promise.all([operational.close(), vector.close(), graph.close()]);
}
