import { randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import '@orch/adapter-neo4j';
import { createAdapter } from '@orch/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpHarness, sandbox, startServer } from './helpers.js';

const TOOLS = [
  'orchestrator_initialize_session',
  'orchestrator_list_sessions',
  'orchestrator_resume_session',
  'orchestrator_plan_task',
  'orchestrator_get_next_task',
  'orchestrator_execute_task',
  'orchestrator_update_task',
  'orchestrator_complete_task',
  'orchestrator_cancel_task',
  'orchestrator_delete_task',
  'orchestrator_query_tasks',
  'orchestrator_find_similar_tasks',
  'orchestrator_get_dependencies',
  'orchestrator_get_status',
  'orchestrator_synthesize_results',
  'orchestrator_health',
];

// Five subtasks: design → implement → tests → review, and design → docs → review. Dependencies are
// given by title and, for the docs task, by id. Weights: moderate 3, complex 5, simple 2, trivial 1.
const PLAN = {
  title: 'Build a CSV export for reports',
  description: 'Users download any report as CSV.',
  subtasks: [
    { title: 'Design the export format', specialist: 'architect', complexity: 'moderate' },
    {
      title: 'Implement the CSV writer',
      specialist: 'implementer',
      complexity: 'complex',
      dependencies: ['Design the export format'],
    },
    {
      title: 'Write the integration tests',
      specialist: 'tester',
      complexity: 'moderate',
      dependencies: ['implement the csv writer'], // titles match case-insensitively
    },
    {
      id: 'csv-docs',
      title: 'Document the export endpoint',
      specialist: 'documenter',
      complexity: 'simple',
      dependencies: ['Design the export format'],
    },
    {
      title: 'Review the export',
      specialist: 'reviewer',
      complexity: 'trivial',
      dependencies: ['Write the integration tests', 'csv-docs'],
    },
  ],
};
const [DESIGN, IMPLEMENT, TESTS, DOCS, REVIEW] = PLAN.subtasks.map((s) => s.title) as [
  string,
  string,
  string,
  string,
  string,
];
const DEPS: Record<string, string[]> = {
  [DESIGN]: [],
  [IMPLEMENT]: [DESIGN],
  [TESTS]: [IMPLEMENT],
  [DOCS]: [DESIGN],
  [REVIEW]: [TESTS, DOCS],
};
const summaryOf = (title: string): string => `Done: ${title.toLowerCase()}.`;

/**
 * Where the stores are: embedded SQLite, or `servers`: the operational store embedded, the
 * vector store on the Chroma test server and the graph on the Neo4j one.
 */
const BACKENDS = ['embedded', 'servers'] as const;

function neo4jUrl(): string {
  const url = new URL(process.env.ORCH_TEST_NEO4J_URL ?? 'bolt://ORCH_TEST_NEO4J_URL-unset');
  url.username = encodeURIComponent(process.env.ORCH_TEST_NEO4J_USER ?? 'neo4j');
  url.password = encodeURIComponent(process.env.ORCH_TEST_NEO4J_PASSWORD ?? '');
  return url.toString();
}

function serversEnv(root: string): Record<string, string> {
  const url = new URL(process.env.ORCH_TEST_CHROMA_URL ?? 'http://ORCH_TEST_CHROMA_URL-unset');
  return {
    ORCH_OPERATIONAL_URL: `sqlite:///${join(root, 'orch.db')}`,
    ORCH_GRAPH_URL: neo4jUrl(),
    ORCH_VECTOR_URL: `chromadb://${url.host}`,
    ORCH_VECTOR_COLLECTION: `orch-app-${randomBytes(6).toString('hex')}`,
  };
}

describe.each(BACKENDS)('a whole session over stdio with the SDK client (%s)', (backend) => {
  const box = sandbox();
  if (backend === 'servers') Object.assign(box.env, serversEnv(box.root));
  const project = join(box.root, 'project');
  let mcp: McpHarness;
  let sessionId: string;
  let parentId: string;
  const idOf = new Map<string, string>();
  const titleOf = new Map<string, string>();
  const completionOrder: string[] = [];
  const detailOf = new Map<string, { uri: string; bytes: number }>();

  beforeAll(async () => {
    mkdirSync(project, { recursive: true });
    mcp = await startServer(box.env);
  });
  afterAll(async () => {
    await mcp?.close();
    if (backend === 'servers') {
      const base = process.env.ORCH_TEST_CHROMA_URL;
      const path = `/api/v2/tenants/default_tenant/databases/default_database/collections/${box.env.ORCH_VECTOR_COLLECTION}`;
      await fetch(`${base}${path}`, { method: 'DELETE' }).catch(() => undefined);
    }
    box.cleanup();
  });

  it('uses the stores it was given', async () => {
    const h = await mcp.ok('orchestrator_health', {});
    expect(h.status).toBe('healthy');
    expect(h.data).toBe(
      backend === 'servers'
        ? 'servers from ORCH_OPERATIONAL_URL, ORCH_VECTOR_URL, ORCH_GRAPH_URL'
        : `embedded SQLite ${join(box.dataDir, 'orch.db')}`,
    );
  });

  it('lists every tool with an object input schema', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
    for (const t of tools) expect(t.inputSchema.type).toBe('object');
    const plan = tools.find((t) => t.name === 'orchestrator_plan_task')!;
    expect(plan.inputSchema.required).toEqual(expect.arrayContaining(['title', 'subtasks']));
    const properties = plan.inputSchema.properties as Record<string, { items: { required: string[] } }>;
    const subtask = properties.subtasks!.items;
    expect(subtask.required).toEqual(expect.arrayContaining(['title', 'specialist', 'complexity']));
  });

  it('initializes a session for the project directory', async () => {
    const r = await mcp.ok('orchestrator_initialize_session', { working_directory: project });
    sessionId = r.session.id;
    expect(typeof sessionId).toBe('string');
    expect(r.resumed).toBe(false);
    expect(r.project_dir).toBe(realpathSync(project));
    expect(r.session.project_dir).toBe(realpathSync(project));
    expect(r.session.status).toBe('active');
    expect(r.health.status).toBe('healthy');
    expect(Object.keys(r.health.stores).sort()).toEqual(['graph', 'operational', 'vector']);
    expect(r.specialists).toEqual(
      expect.arrayContaining(['architect', 'implementer', 'tester', 'reviewer', 'documenter', 'researcher']),
    );
    expect(r.next_steps[0]).toContain('orchestrator_plan_task');
  });

  it('plans a parent and five subtasks with dependencies in one call', async () => {
    const r = await mcp.ok('orchestrator_plan_task', PLAN);
    parentId = r.parent.id;
    expect(r.parent).toMatchObject({
      title: PLAN.title,
      type: 'plan',
      status: 'ready',
      session_id: sessionId,
    });
    expect(r.subtasks).toHaveLength(5);
    for (const [i, s] of r.subtasks.entries()) {
      const given = PLAN.subtasks[i]!;
      expect(s).toMatchObject({
        title: given.title,
        specialist: given.specialist,
        complexity: given.complexity,
        parent_id: parentId,
        session_id: sessionId,
        type: 'subtask',
        status: DEPS[given.title]!.length === 0 ? 'ready' : 'blocked',
      });
      idOf.set(s.title, s.id);
      titleOf.set(s.id, s.title);
    }
    expect(idOf.get(DOCS)).toBe('csv-docs');
    for (const s of r.subtasks) expect(s.depends_on_titles).toEqual(DEPS[s.title]);
    for (const s of r.subtasks) expect(s.depends_on).toEqual(DEPS[s.title]!.map((t) => idOf.get(t)));
    // A topological order, critical work first.
    expect(r.execution_order.map((id: string) => titleOf.get(id))).toEqual([
      DESIGN,
      IMPLEMENT,
      TESTS,
      DOCS,
      REVIEW,
    ]);
    expect(r.critical_path.titles).toEqual([DESIGN, IMPLEMENT, TESTS, REVIEW]);
    expect(r.critical_path.length).toBe(3 + 5 + 3 + 1);
    expect(r.next_tasks.map((t: { title: string }) => t.title)).toEqual([DESIGN]);
    expect(r.pending_sync).toEqual([]);
  });

  it('works through the subtasks: next → execute → complete, in dependency order', async () => {
    for (let round = 0; round < 5; round++) {
      const next = await mcp.ok('orchestrator_get_next_task', { limit: 5 });
      expect(next.tasks.length).toBeGreaterThan(0);
      // Everything offered has all its dependencies completed.
      for (const t of next.tasks) for (const d of DEPS[t.title]!) expect(completionOrder).toContain(d);
      // Along the critical path: the remaining chains are in descending order.
      const remaining = next.tasks.map((t: { remaining_path: number }) => t.remaining_path);
      expect(remaining).toEqual([...remaining].sort((a, b) => b - a));
      const task = next.tasks[0];
      if (round === 1) {
        // After the design, both the implementation and the docs are ready; the implementation leads the longer chain.
        expect(next.tasks.map((t: { title: string }) => t.title)).toEqual([IMPLEMENT, DOCS]);
        expect(next.tasks[0].on_critical_path).toBe(true);
        expect(next.tasks[1].on_critical_path).toBe(false);
        expect(next.tasks[0].remaining_path).toBe(5 + 3 + 1);
        expect(next.tasks[1].remaining_path).toBe(2 + 1);
      }

      const exec = await mcp.ok('orchestrator_execute_task', { task_id: task.id });
      expect(exec.task).toMatchObject({ id: task.id, status: 'active', title: task.title });
      expect(exec.specialist.name).toBe(PLAN.subtasks.find((s) => s.title === task.title)!.specialist);
      expect(exec.instructions).toContain(task.title);
      expect(exec.instructions).toContain(exec.specialist.name);
      expect(exec.instructions).toContain(PLAN.title);
      expect(exec.context.parent).toMatchObject({ id: parentId, title: PLAN.title });
      expect(exec.context.project_dir).toBe(realpathSync(project));
      expect(exec.context.dependencies.map((d: { title: string }) => d.title).sort()).toEqual(
        [...DEPS[task.title]!].sort(),
      );
      for (const d of exec.context.dependencies) {
        expect(d.summary).toBe(summaryOf(d.title));
        expect(d.artifacts.map((a: { uri: string }) => a.uri)).toContain(detailOf.get(d.title)!.uri);
      }

      const detailed = `Detailed work for ${task.title}\n${'x'.repeat(200 * (round + 1))}`;
      const done = await mcp.ok('orchestrator_complete_task', {
        task_id: task.id,
        summary: summaryOf(task.title),
        detailed_work: detailed,
        artifacts: [{ name: 'notes.md', kind: 'markdown', content: `# ${task.title}` }],
      });
      completionOrder.push(task.title);
      expect(done.task).toMatchObject({ id: task.id, status: 'completed' });
      expect(done.summary).toBe(summaryOf(task.title));
      expect(done.artifacts.map((a: { name: string }) => a.name)).toEqual(['detailed_work', 'notes.md']);
      const [work, notes] = done.artifacts;
      expect(work.bytes).toBe(Buffer.byteLength(detailed));
      expect(notes).toMatchObject({ kind: 'markdown', bytes: Buffer.byteLength(`# ${task.title}`) });
      expect(work.uri).toBe(
        `orch://tasks/${encodeURIComponent(task.id)}/artifacts/${encodeURIComponent(work.id)}`,
      );
      // The detailed work is returned by reference only.
      expect(JSON.stringify(done)).not.toContain('x'.repeat(200));
      detailOf.set(task.title, { uri: work.uri, bytes: work.bytes });
      expect(done.progress).toEqual({ completed: round + 1, total: 5, percent: ((round + 1) / 5) * 100 });
      const nowReady = Object.entries(DEPS)
        .filter(([, deps]) => deps.includes(task.title) && deps.every((d) => completionOrder.includes(d)))
        .map(([t]) => t);
      expect(done.unblocked.map((t: { title: string }) => t.title).sort()).toEqual(nowReady.sort());
    }
    expect(completionOrder).toEqual([DESIGN, IMPLEMENT, TESTS, DOCS, REVIEW]);
    const after = await mcp.ok('orchestrator_get_next_task', {});
    expect(after.tasks).toEqual([]);
    expect(after.open_count).toBe(0);
    expect(after.next_step).toContain('orchestrator_synthesize_results');
  });

  it('serves a stored artifact as a resource', async () => {
    const ref = detailOf.get(IMPLEMENT)!;
    const r = await mcp.client.readResource({ uri: ref.uri });
    const text = (r.contents[0] as { text: string }).text;
    expect(text.startsWith(`Detailed work for ${IMPLEMENT}\n`)).toBe(true);
    expect(Buffer.byteLength(text)).toBe(ref.bytes);
  });

  it('finds similar tasks with their outcomes', async () => {
    const r = await mcp.ok('orchestrator_find_similar_tasks', {
      query: 'integration tests for the CSV writer',
      status: ['completed'],
      session_id: sessionId,
      top_k: 3,
    });
    expect(r.results).toHaveLength(3);
    expect(r.results[0].task.title).toBe(TESTS);
    const scores = r.results.map((x: { score: number }) => x.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const hit of r.results) {
      expect(hit.task.status).toBe('completed');
      expect(hit.outcome).toBe(summaryOf(hit.task.title));
      expect(hit.score).toBeGreaterThan(0);
      expect(hit.score).toBeLessThanOrEqual(1);
      expect(hit.artifacts.map((a: { name: string }) => a.name).sort()).toEqual([
        'detailed_work',
        'notes.md',
      ]);
    }
    if (backend === 'servers') {
      // The embeddings really are in Chroma: one per task (the parent and its five subtasks).
      const base = `${process.env.ORCH_TEST_CHROMA_URL}/api/v2/tenants/default_tenant/databases/default_database/collections`;
      const collection = (await (await fetch(`${base}/${box.env.ORCH_VECTOR_COLLECTION}`)).json()) as {
        id: string;
      };
      expect(await (await fetch(`${base}/${collection.id}/count`)).json()).toBe(6);
      // And the dependency graph is in Neo4j: a node per task, an edge per dependency.
      const graph = await createAdapter('graph', neo4jUrl());
      try {
        const ids = [parentId, ...idOf.values()];
        expect((await graph.getNodes(ids)).map((n) => n.id).sort()).toEqual([...ids].sort());
        const review = await graph.getEdges(idOf.get(REVIEW)!, { direction: 'out', types: ['DEPENDS_ON'] });
        expect(review.map((e) => e.to).sort()).toEqual([idOf.get(TESTS), idOf.get(DOCS)].sort());
      } finally {
        await graph.close();
      }
    }
    const top = r.results[0];
    expect(top.related_task_ids.sort()).toEqual([idOf.get(IMPLEMENT), idOf.get(REVIEW)].sort());
  });

  it('answers dependency questions', async () => {
    const r = await mcp.ok('orchestrator_get_dependencies', { task_id: idOf.get(REVIEW) });
    expect(r.depends_on.map((t: { title: string }) => t.title).sort()).toEqual([DOCS, TESTS].sort());
    expect(r.dependents).toEqual([]);
    expect(r.blocked_by).toEqual([]);
    expect(r.blocking).toEqual([]);
    expect(r.plan.parent_id).toBe(parentId);
    expect(r.plan.topological_order.map((t: { title: string }) => t.title)).toEqual([
      DESIGN,
      IMPLEMENT,
      TESTS,
      DOCS,
      REVIEW,
    ]);
    expect(r.plan.critical_path.titles).toEqual([DESIGN, IMPLEMENT, TESTS, REVIEW]);
    // Transitive blockers through the graph store: none left, since everything is completed.
    expect(r.transitive_blockers).toEqual([]);
  });

  it('reports the status of the session', async () => {
    const r = await mcp.ok('orchestrator_get_status', {});
    expect(r.scope).toBe('session');
    expect(r.session.id).toBe(sessionId);
    expect(r.totals).toMatchObject({ total: 6, completed: 5, by_status: { completed: 5, active: 1 } });
    expect(r.plans).toEqual([
      { parent_id: parentId, title: PLAN.title, status: 'active', total: 5, completed: 5, percent: 100 },
    ]);
    expect(r.ready).toEqual([]);
    expect(r.blocked).toEqual([]);
  });

  it('synthesizes the results in dependency order and completes the parent', async () => {
    const r = await mcp.ok('orchestrator_synthesize_results', { parent_task_id: parentId });
    expect(r.complete).toBe(true);
    expect(r.completed_count).toBe(5);
    expect(r.total).toBe(5);
    expect(r.remaining).toEqual([]);
    expect(r.results.map((x: { title: string }) => x.title)).toEqual([
      DESIGN,
      IMPLEMENT,
      TESTS,
      DOCS,
      REVIEW,
    ]);
    for (const [i, x] of r.results.entries()) {
      expect(x.step).toBe(i + 1);
      expect(x.summary).toBe(summaryOf(x.title));
      expect(x.depends_on).toEqual(DEPS[x.title]!.map((t) => idOf.get(t)));
      expect(x.artifacts.map((a: { uri: string }) => a.uri)).toContain(detailOf.get(x.title)!.uri);
    }
    let at = -1;
    for (const title of [DESIGN, IMPLEMENT, TESTS, DOCS, REVIEW]) {
      const i = r.synthesis.indexOf(title);
      expect(i).toBeGreaterThan(at);
      at = i;
    }
    expect(r.parent).toMatchObject({ id: parentId, status: 'completed' });
    expect(r.synthesis_artifact.name).toBe('synthesis');
    const stored = await mcp.client.readResource({ uri: r.synthesis_artifact.uri });
    expect((stored.contents[0] as { text: string }).text).toBe(r.synthesis);
    const status = await mcp.ok('orchestrator_get_status', {});
    expect(status.totals).toMatchObject({ total: 6, completed: 6, percent: 100 });
  });

  it('exposes the task and the session graph as resources', async () => {
    const { resourceTemplates } = await mcp.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      'orch://sessions/{sessionId}/graph',
      'orch://tasks/{taskId}',
      'orch://tasks/{taskId}/artifacts/{artifactId}',
      'orch://tasks/{taskId}/graph',
    ]);
    const task = await mcp.client.readResource({ uri: `orch://tasks/${parentId}` });
    const json = JSON.parse((task.contents[0] as { text: string }).text);
    expect(json).toMatchObject({ id: parentId, status: 'completed', title: PLAN.title });
    expect(json.artifacts.map((a: { name: string }) => a.name)).toEqual(['synthesis']);
    expect(json.artifacts[0].content).toBeUndefined();

    const graph = await mcp.client.readResource({ uri: `orch://sessions/${sessionId}/graph` });
    const mermaid = (graph.contents[0] as { text: string; mimeType: string }).text;
    expect(graph.contents[0]!.mimeType).toBe('text/vnd.mermaid');
    expect(mermaid.startsWith('flowchart TD')).toBe(true);
    expect(mermaid.match(/ --> /g)).toHaveLength(Object.values(DEPS).flat().length); // one arrow per dependency (5)
    for (const title of Object.keys(DEPS)) expect(mermaid).toContain(`["${title}<br/>`);
    const listed = await mcp.client.listResources();
    expect(listed.resources.map((r) => r.uri)).toEqual(
      expect.arrayContaining([`orch://tasks/${parentId}`, `orch://sessions/${sessionId}/graph`]),
    );
  });

  it('finds the session again after a restart, from another working directory', async () => {
    await mcp.close();
    mcp = await startServer(box.env, box.root);
    const r = await mcp.ok('orchestrator_initialize_session', { working_directory: `${project}/` });
    expect(r.resumed).toBe(true);
    expect(r.session.id).toBe(sessionId);
    expect(r.progress).toMatchObject({ total: 6, completed: 6 });
    const listed = await mcp.ok('orchestrator_list_sessions', { working_directory: project });
    expect(listed.total).toBe(1);
    expect(listed.sessions[0]).toMatchObject({ id: sessionId, tasks: { total: 6, completed: 6, open: 0 } });
    expect(mcp.stderr()).not.toMatch(/\n\s+at /); // no stack traces
  });
});
