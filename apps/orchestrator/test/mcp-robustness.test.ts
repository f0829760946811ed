import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, type McpHarness, sandbox, startServer } from './helpers.js';

const sub = (title: string, dependencies: string[] = [], specialist = 'implementer') => ({
  title,
  specialist,
  complexity: 'simple',
  dependencies,
});

describe('malformed and hostile input: MCP errors with codes, the server keeps serving, nothing half-written', () => {
  const box = sandbox();
  const project = join(box.root, 'project');
  let mcp: McpHarness;

  const taskCount = async (): Promise<number> =>
    (await mcp.ok('orchestrator_query_tasks', { limit: 1 })).total;
  const expectError = async (name: string, args: Record<string, unknown>, code: string, pattern?: RegExp) => {
    const r = await mcp.call(name, args);
    expect(r.isError, `${name} should fail: ${r.text.slice(0, 200)}`).toBe(true);
    expect(r.text.startsWith(`${code}: `)).toBe(true);
    expect(r.data.error.code).toBe(code);
    if (pattern) expect(r.text).toMatch(pattern);
    expect(r.text).not.toMatch(/\n\s+at /);
    return r;
  };

  beforeAll(async () => {
    mkdirSync(project, { recursive: true });
    mcp = await startServer(box.env);
  });
  afterAll(async () => {
    await mcp?.close();
    box.cleanup();
  });

  it('needs a session before planning, and an absolute project directory', async () => {
    await expectError(
      'orchestrator_plan_task',
      { title: 'x', subtasks: [sub('a')] },
      'ORCH_INVALID_INPUT',
      /initialize_session/,
    );
    await expectError(
      'orchestrator_initialize_session',
      { working_directory: 'relative/dir' },
      'ORCH_INVALID_INPUT',
      /absolute/,
    );
    await mcp.ok('orchestrator_initialize_session', { working_directory: project });
  });

  it('rejects missing fields, wrong types and unknown keys, naming the field', async () => {
    const missing = await expectError(
      'orchestrator_plan_task',
      { title: 'No subtasks' },
      'ORCH_INVALID_INPUT',
      /subtasks/,
    );
    expect(missing.data.error.details.issues[0].path).toBe('subtasks');
    await expectError(
      'orchestrator_plan_task',
      { title: 42, subtasks: [sub('a')] },
      'ORCH_INVALID_INPUT',
      /title/,
    );
    await expectError(
      'orchestrator_plan_task',
      { title: 'x', subtasks: [{ title: 'a', specialist: 'implementer', complexity: 'enormous' }] },
      'ORCH_INVALID_INPUT',
      /subtasks\.0\.complexity/,
    );
    await expectError('orchestrator_get_next_task', { limit: 'three' }, 'ORCH_INVALID_INPUT', /limit/);
    await expectError('orchestrator_execute_task', {}, 'ORCH_INVALID_INPUT', /task_id/);
    await expectError(
      'orchestrator_complete_task',
      { task_id: 'x', summary: 'y', bogus: true },
      'ORCH_INVALID_INPUT',
      /bogus/,
    );
    await expectError('orchestrator_no_such_tool', {}, 'ORCH_INVALID_INPUT', /Unknown tool/);
    expect(await taskCount()).toBe(0);
  });

  it('answers unknown task ids with ORCH_NOT_FOUND', async () => {
    for (const name of [
      'orchestrator_execute_task',
      'orchestrator_get_dependencies',
      'orchestrator_cancel_task',
      'orchestrator_delete_task',
    ])
      await expectError(name, { task_id: 'no-such-task' }, 'ORCH_NOT_FOUND', /no-such-task/);
    await expectError(
      'orchestrator_complete_task',
      { task_id: 'no-such-task', summary: 's' },
      'ORCH_NOT_FOUND',
    );
    await expectError(
      'orchestrator_synthesize_results',
      { parent_task_id: 'no-such-task' },
      'ORCH_NOT_FOUND',
    );
    await expectError('orchestrator_resume_session', { session_id: 'no-such-session' }, 'ORCH_NOT_FOUND');
    await expect(mcp.client.readResource({ uri: 'orch://tasks/no-such-task' })).rejects.toThrow(
      /ORCH_NOT_FOUND/,
    );
  });

  it('refuses a cycle, an unknown dependency, an unknown role and duplicate titles, writing nothing', async () => {
    const cycle = await expectError(
      'orchestrator_plan_task',
      { title: 'Cyclic', subtasks: [sub('a', ['c']), sub('b', ['a']), sub('c', ['b'])] },
      'ORCH_CONFLICT',
      /cycle/,
    );
    expect(cycle.data.error.details.cycle).toHaveLength(4); // a closed walk of three tasks
    await expectError(
      'orchestrator_plan_task',
      { title: 'Self', subtasks: [sub('a', ['a'])] },
      'ORCH_CONFLICT',
      /cycle/,
    );
    const unknown = await expectError(
      'orchestrator_plan_task',
      { title: 'Unknown dep', subtasks: [sub('a'), sub('b', ['a', 'zzz'])] },
      'ORCH_INVALID_INPUT',
      /zzz/,
    );
    expect(unknown.data.error.details.unknown).toEqual([{ subtask: 'b', dependency: 'zzz' }]);
    await expectError(
      'orchestrator_plan_task',
      { title: 'Unknown role', subtasks: [sub('a', [], 'astronaut')] },
      'ORCH_INVALID_INPUT',
      /astronaut/,
    );
    await expectError(
      'orchestrator_plan_task',
      { title: 'Dup', subtasks: [sub('a'), sub('A ')] },
      'ORCH_INVALID_INPUT',
      /unique/,
    );
    expect(await taskCount()).toBe(0);
  });

  it('refuses a plan whose ids are taken, writing nothing more', async () => {
    await mcp.ok('orchestrator_plan_task', { title: 'First', subtasks: [{ ...sub('a'), id: 'fixed-id' }] });
    expect(await taskCount()).toBe(2);
    await expectError(
      'orchestrator_plan_task',
      { title: 'Second', subtasks: [sub('x'), { ...sub('y'), id: 'fixed-id' }] },
      'ORCH_CONFLICT',
      /fixed-id/,
    );
    expect(await taskCount()).toBe(2);
  });

  it('handles 1 MB strings: too long where the schema caps them, stored whole where it does not', async () => {
    const mb = 'é'.repeat(512 * 1024); // 1 MiB in UTF-8
    await expectError(
      'orchestrator_plan_task',
      { title: mb, subtasks: [sub('a')] },
      'ORCH_INVALID_INPUT',
      /title/,
    );
    const plan = await mcp.ok('orchestrator_plan_task', { title: 'Big output', subtasks: [sub('only')] });
    const id = plan.subtasks[0].id;
    await mcp.ok('orchestrator_execute_task', { task_id: id });
    const done = await mcp.ok('orchestrator_complete_task', {
      task_id: id,
      summary: 'Produced a large file.',
      detailed_work: mb,
    });
    expect(done.artifacts[0].bytes).toBe(1024 * 1024);
    const read = await mcp.client.readResource({ uri: done.artifacts[0].uri });
    expect((read.contents[0] as { text: string }).text).toBe(mb);
    await mcp.ok('orchestrator_health', {});
  });

  it('survives a hundred concurrent calls', async () => {
    const before = await taskCount();
    const calls = Array.from({ length: 100 }, (_, i) => {
      if (i % 4 === 0) return mcp.call('orchestrator_get_status', {});
      if (i % 4 === 1) return mcp.call('orchestrator_execute_task', { task_id: `missing-${i}` });
      if (i % 4 === 2)
        return mcp.call('orchestrator_plan_task', {
          title: `Concurrent ${i}`,
          subtasks: [sub('p'), sub('q', ['p'])],
        });
      return mcp.call('orchestrator_plan_task', {
        title: `Broken ${i}`,
        subtasks: [sub('p', ['q']), sub('q', ['p'])],
      });
    });
    const results = await Promise.all(calls);
    results.forEach((r, i) => {
      if (i % 4 === 0 || i % 4 === 2) expect(r.isError, r.text).toBe(false);
      else expect(r.isError).toBe(true);
      if (i % 4 === 1) expect(r.data.error.code).toBe('ORCH_NOT_FOUND');
      if (i % 4 === 3) expect(r.data.error.code).toBe('ORCH_CONFLICT');
    });
    // 25 good plans of 3 tasks each; the 25 cyclic ones wrote nothing.
    expect(await taskCount()).toBe(before + 25 * 3);
  });

  it("completes a task exactly once when completions race, keeping only the winner's artifacts", async () => {
    const plan = await mcp.ok('orchestrator_plan_task', { title: 'Race', subtasks: [sub('contested')] });
    const id = plan.subtasks[0].id;
    await mcp.ok('orchestrator_execute_task', { task_id: id });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        mcp.call('orchestrator_complete_task', {
          task_id: id,
          summary: `attempt ${i}`,
          detailed_work: `work ${i}`,
        }),
      ),
    );
    const winners = results.filter((r) => !r.isError);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => x.isError)) expect(r.data.error.code).toBe('ORCH_CONFLICT');
    const task = JSON.parse(
      ((await mcp.client.readResource({ uri: `orch://tasks/${id}` })).contents[0] as { text: string }).text,
    );
    expect(task.status).toBe('completed');
    expect(task.result).toBe(winners[0]!.data.summary);
    expect(task.artifacts).toHaveLength(1);
    expect(task.artifacts[0].id).toBe(winners[0]!.data.artifacts[0].id);
  });

  it('guards deletes, cancels and stale updates', async () => {
    const plan = await mcp.ok('orchestrator_plan_task', {
      title: 'Lifecycle',
      subtasks: [sub('base'), sub('top', ['base']), sub('spare')],
    });
    const [base, top, spare] = plan.subtasks.map((s: { id: string }) => s.id);
    await expectError('orchestrator_delete_task', { task_id: base }, 'ORCH_CONFLICT', /top/);
    const archived = await mcp.ok('orchestrator_delete_task', { task_id: spare });
    expect(archived).toMatchObject({ mode: 'archived', task_ids: [spare] });
    const forced = await mcp.ok('orchestrator_delete_task', { task_id: base, force: true });
    expect(forced.dependents_affected.map((t: { id: string }) => t.id)).toEqual([top]);
    await expectError('orchestrator_execute_task', { task_id: top }, 'ORCH_CONFLICT', /blocked/);
    const cancelled = await mcp.ok('orchestrator_cancel_task', { task_id: top, reason: 'no longer needed' });
    expect(cancelled.cancelled).toEqual([expect.objectContaining({ id: top, status: 'archived' })]);
    await expectError('orchestrator_cancel_task', { task_id: top }, 'ORCH_CONFLICT');

    const other = await mcp.ok('orchestrator_plan_task', { title: 'Versions', subtasks: [sub('v')] });
    const v = other.subtasks[0].id;
    const updated = await mcp.ok('orchestrator_update_task', {
      task_id: v,
      priority: 5,
      expected_version: 1,
    });
    expect(updated.task).toMatchObject({ priority: 5, version: 2 });
    await expectError(
      'orchestrator_update_task',
      { task_id: v, priority: 6, expected_version: 1 },
      'ORCH_CONFLICT',
    );
    await expectError(
      'orchestrator_update_task',
      { task_id: v, specialist: 'astronaut' },
      'ORCH_INVALID_INPUT',
    );
    await expectError(
      'orchestrator_update_task',
      { task_id: v, status: 'completed' },
      'ORCH_INVALID_INPUT',
      /status/,
    );
    const gone = await mcp.ok('orchestrator_delete_task', { task_id: other.parent.id, permanent: true });
    expect(gone.mode).toBe('deleted');
    expect(gone.task_ids.sort()).toEqual([other.parent.id, v].sort());
    await expectError('orchestrator_execute_task', { task_id: v }, 'ORCH_NOT_FOUND');
  });

  it('is still healthy and never printed a stack trace', async () => {
    const h = await mcp.ok('orchestrator_health', {});
    expect(h.status).toBe('healthy');
    expect(h.outbox_pending).toBe(0);
    expect(h.schema_version).toBe(h.required_schema_version);
    expect(mcp.stderr()).not.toMatch(/\n\s+at /);
  });
});

describe('orch serve on a plain pipe', () => {
  const box = sandbox();
  afterAll(() => box.cleanup());

  it('writes only JSON-RPC to stdout, answers every request before stdin ends, and exits 0', async () => {
    const messages = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'pipe', version: '1' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'orchestrator_health', arguments: {} } },
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'orchestrator_plan_task', arguments: { title: 'x' } },
      },
    ];
    const child = spawn(process.execPath, [CLI, 'serve'], {
      env: { ...box.env, ORCH_LOG_LEVEL: 'debug' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.stdin.end(`${messages.map((m) => JSON.stringify(m)).join('\n')}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const replies = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(replies.map((r) => r.id).sort()).toEqual([1, 2, 3]);
    expect(replies.every((r) => r.jsonrpc === '2.0')).toBe(true);
    const byId = new Map(replies.map((r) => [r.id, r.result]));
    expect(byId.get(2).structuredContent.status).toBe('healthy');
    expect(byId.get(3)).toMatchObject({
      isError: true,
      structuredContent: { error: { code: 'ORCH_INVALID_INPUT' } },
    });
    expect(stderr).toContain('[orch'); // the logs went to stderr
  });
});
