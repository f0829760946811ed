import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, sandbox } from './helpers.js';

const COMMANDS = [
  'init',
  'serve',
  'demo',
  'tasks',
  'sessions',
  'graph',
  'health',
  'sync',
  'migrate',
  'specialists',
  'specialists list',
  'specialists set',
  'specialists remove',
];

describe('orch --help', () => {
  const box = sandbox();
  afterAll(() => box.cleanup());

  it('documents every command', async () => {
    const top = await runCli(['--help'], box.env);
    expect(top.code).toBe(0);
    for (const c of COMMANDS.filter((x) => !x.includes(' ')))
      expect(top.stdout).toMatch(new RegExp(`\\n  ${c}\\b`));
    expect(top.stdout).toContain('--data-dir');
    const results = await Promise.all(COMMANDS.map((c) => runCli([...c.split(' '), '--help'], box.env)));
    results.forEach((r, i) => {
      expect(r.code, COMMANDS[i]).toBe(0);
      expect(r.stdout).toContain(`Usage: orch ${COMMANDS[i]}`);
    });
    // --help touches no data.
    expect(existsSync(box.dataDir)).toBe(false);
  });
});

describe('orch on the command line', () => {
  const box = sandbox();
  const project = join(box.root, 'project');
  let sessionId: string;
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the CLI, checked field by field
  let tasks: any[];

  beforeAll(async () => {
    mkdirSync(project, { recursive: true });
    const demo = await runCli(['demo', '--project', project], box.env);
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    const out = demo.stdout;
    for (let i = 1; i <= 6; i++) expect(out).toContain(`[${i}/6]`);
    const order = [
      'Plan "Add rate limiting',
      '[6/6]',
      'Find tasks similar',
      'Synthesize the results',
      'Status',
      'Dependency graph (Mermaid)',
      'flowchart TD',
    ].map((s) => out.indexOf(s));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b)); // in this order, ending with status and graph
    expect(out).toMatch(/completed\s*│\s*6\/6\s*│\s*100%/);
    sessionId = /session ([0-9a-f-]{36})/.exec(out)![1]!;
    const listed = await runCli(['tasks', '--json', '--limit', '500'], box.env);
    expect(listed.code).toBe(0);
    tasks = JSON.parse(listed.stdout).tasks;
  });
  afterAll(() => box.cleanup());

  it('keeps the demo data in ORCH_DATA_DIR', () => {
    expect(statSync(join(box.dataDir, 'orch.db')).size).toBeGreaterThan(0);
    expect(readdirSync(project)).toEqual([]);
  });

  it('tasks --json lists every task with filters', async () => {
    expect(tasks).toHaveLength(7);
    expect(tasks.every((t) => t.status === 'completed' && t.session_id === sessionId)).toBe(true);
    const [subtasks, tester, none, roots] = await Promise.all([
      runCli(['tasks', '--json', '--type', 'subtask', '--status', 'completed'], box.env),
      runCli(['tasks', '--json', '--specialist', 'tester'], box.env),
      runCli(['tasks', '--json', '--status', 'failed'], box.env),
      runCli(['tasks', '--roots'], box.env),
    ]);
    expect(JSON.parse(subtasks.stdout).total).toBe(6);
    expect(JSON.parse(tester.stdout).tasks.map((t: { title: string }) => t.title)).toEqual([
      'Test limits and Retry-After',
    ]);
    expect(JSON.parse(none.stdout)).toMatchObject({ total: 0, tasks: [] });
    expect(roots.code).toBe(0);
    expect(roots.stdout).toContain('Add rate limiting to the public REST API');
    expect(roots.stdout).toContain('1–1 of 1');
  });

  it('graph --format svg writes one node per task and one edge per dependency', async () => {
    const file = join(box.root, 'out', 'graph.svg');
    const r = await runCli(['graph', '--session', sessionId, '--format', 'svg', '--output', file], box.env);
    expect(r.code).toBe(0);
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => name === 'g',
    });
    const svg = parser.parse(readFileSync(file, 'utf8')).svg;
    const groups: { class: string; 'data-task-id'?: string; 'data-from'?: string; 'data-to'?: string }[] =
      svg.g;
    const nodes = groups.filter((g) => g.class === 'node').map((g) => g['data-task-id']);
    const edges = groups.filter((g) => g.class === 'edge').map((g) => `${g['data-from']}->${g['data-to']}`);
    const subtasks = tasks.filter((t) => t.type === 'subtask');
    expect(nodes.sort()).toEqual(subtasks.map((t) => t.id).sort());
    expect(groups.filter((g) => g.class === 'cluster').map((g) => g['data-task-id'])).toEqual([
      tasks.find((t) => t.type === 'plan').id,
    ]);
    const id = (title: string) => subtasks.find((t) => t.title === title).id;
    const expected = [
      ['Research rate-limiting strategies', 'Design the limiter'],
      ['Design the limiter', 'Implement the rate-limit middleware'],
      ['Implement the rate-limit middleware', 'Test limits and Retry-After'],
      ['Design the limiter', 'Document the rate limits'],
      ['Implement the rate-limit middleware', 'Review the change'],
      ['Test limits and Retry-After', 'Review the change'],
    ].map(([from, to]) => `${id(from!)}->${id(to!)}`);
    expect(edges.sort()).toEqual(expected.sort());
  });

  it('graph prints Mermaid and DOT', async () => {
    const mermaid = await runCli(['graph', '--project', project], box.env);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout.startsWith('flowchart TD\n')).toBe(true);
    expect(mermaid.stdout.match(/ --> /g)).toHaveLength(6);
    const dot = await runCli(['graph', '--session', sessionId, '-f', 'dot'], box.env);
    expect(dot.stdout).toMatch(/^digraph /);
    expect(dot.stdout.match(/ -> /g)).toHaveLength(6);
  });

  it('health, migrate and sync report in JSON', async () => {
    const health = JSON.parse((await runCli(['health', '--json'], box.env)).stdout);
    expect(health.status).toBe('healthy');
    expect(Object.keys(health.stores).sort()).toEqual(['graph', 'operational', 'vector']);
    expect(health.data).toBe(`embedded SQLite ${join(box.dataDir, 'orch.db')}`);
    const migrate = JSON.parse((await runCli(['migrate', '--json'], box.env)).stdout);
    expect(migrate.applied).toEqual([]);
    expect(migrate.version).toBeGreaterThanOrEqual(1);
    const sync = JSON.parse((await runCli(['sync', '--json'], box.env)).stdout);
    expect(sync).toMatchObject({ pending: 0, failures: [] });
  });

  it('lets users change the specialist roles', async () => {
    const added = await runCli(
      ['specialists', 'set', 'security-auditor', '--category', 'quality', '--json'],
      box.env,
    );
    expect(added.code).toBe(0);
    const removed = await runCli(['specialists', 'remove', 'devops'], box.env);
    expect(removed.code).toBe(0);
    const list = JSON.parse((await runCli(['specialists', 'list', '--json'], box.env)).stdout);
    const names = list.map((s: { name: string }) => s.name);
    expect(names).toContain('security-auditor');
    expect(names).not.toContain('devops'); // not seeded back
  });

  it('fails with readable errors and exit codes', async () => {
    const [unknownCommand, badNumber, badStatus, badFormat, missingTask, noSession, badConfig, jsonError] =
      await Promise.all([
        runCli(['frobnicate'], box.env),
        runCli(['tasks', '--limit', 'lots'], box.env),
        runCli(['tasks', '--status', 'sleeping'], box.env),
        runCli(['graph', '--format', 'png'], box.env),
        runCli(['graph', '--task', 'no-such-task'], box.env),
        runCli(['graph', '--project', join(box.root, 'elsewhere')], box.env),
        runCli(['health', '--config', join(box.root, 'missing.json')], box.env),
        runCli(['tasks', '--json', '--parent', 'x'.repeat(300)], box.env),
      ]);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain("unknown command 'frobnicate'");
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toContain('--limit must be a whole number');
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toContain("'sleeping' is invalid");
    expect(badFormat.code).toBe(2);
    expect(missingTask.code).toBe(1);
    expect(missingTask.stderr).toContain('ORCH_NOT_FOUND: Task "no-such-task" does not exist.');
    expect(missingTask.stderr).not.toMatch(/\n\s+at /);
    expect(noSession.code).toBe(1);
    expect(noSession.stderr).toContain('No session belongs to');
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toContain('ORCH_INVALID_CONFIG');
    expect(jsonError.code).toBe(1);
    expect(JSON.parse(jsonError.stdout).error.code).toBe('ORCH_INVALID_INPUT');
  });
});

describe('where the data lives', () => {
  const box = sandbox();
  afterAll(() => box.cleanup());

  it('defaults to the per-user data directory, never the current directory', async () => {
    const { ORCH_DATA_DIR: _, ...env } = box.env;
    const cwd = join(box.root, 'cwd');
    mkdirSync(cwd);
    const r = await runCli(['health', '--json'], env, cwd);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).data).toBe(`embedded SQLite ${join(env.XDG_DATA_HOME!, 'orch', 'orch.db')}`);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('migrate applies the schema once', async () => {
    const dir = join(box.root, 'migrate-dir');
    const first = await runCli(['migrate', '--json', '--data-dir', dir], box.env);
    expect(first.code).toBe(0);
    const applied = JSON.parse(first.stdout);
    expect(applied.applied.length).toBeGreaterThan(0);
    expect(applied.version).toBe(applied.applied.at(-1));
    const second = JSON.parse((await runCli(['migrate', '--json', '--data-dir', dir], box.env)).stdout);
    expect(second).toMatchObject({ applied: [], version: applied.version });
  });

  it('--data-dir wins over ORCH_DATA_DIR', async () => {
    const dir = join(box.root, 'flag-dir');
    const r = await runCli(['--data-dir', dir, 'health', '--json'], box.env);
    expect(JSON.parse(r.stdout).data).toBe(`embedded SQLite ${join(dir, 'orch.db')}`);
  });

  it('init writes a config file that later commands use', async () => {
    const { ORCH_DATA_DIR: _, ...env } = box.env;
    const dir = join(box.root, 'init-data');
    const init = await runCli(['init', '--data-dir', dir, '--json'], env);
    expect(init.code).toBe(0);
    const written = JSON.parse(init.stdout);
    const path = join(env.XDG_CONFIG_HOME!, 'orch', 'config.json');
    expect(written.path).toBe(path);
    const config = JSON.parse(readFileSync(path, 'utf8'));
    for (const kind of ['operational', 'vector', 'graph'])
      expect(config.databases[kind].url).toBe(`sqlite:///${join(dir, 'orch.db')}`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = await runCli(['init'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--force');
    const health = JSON.parse((await runCli(['health', '--json'], env)).stdout);
    expect(health.data).toBe(`config file ${path}`);

    const servers = await runCli(
      [
        'init',
        '--servers',
        '--vector-url',
        'chromadb://chroma.example:8000',
        '--output',
        join(box.root, 's.json'),
        '--json',
      ],
      env,
    );
    expect(JSON.parse(servers.stdout).databases).toEqual({
      operational: 'postgres://localhost:5432/orch',
      vector: 'chromadb://chroma.example:8000',
      graph: 'neo4j://localhost:7687',
    });
  });
});
