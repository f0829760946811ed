import pc from 'picocolors';
import { toMermaid } from '../graph/mermaid.js';
import type { Orchestrator } from '../orchestrator/orchestrator.js';
import type { SubtaskPlanInput } from '../orchestrator/plan.js';
import { clip, colorStatus, step, table, tasksTable } from './format.js';

/** The scripted scenario: what an AI client would do through the MCP tools, step by step. */
export const DEMO_PLAN: { title: string; description: string; subtasks: SubtaskPlanInput[] } = {
  title: 'Add rate limiting to the public REST API',
  description:
    'Limit each API key to a fair share of requests, answer 429 with Retry-After, and document it.',
  subtasks: [
    {
      title: 'Research rate-limiting strategies',
      specialist: 'researcher',
      complexity: 'simple',
      description: 'Compare token bucket, sliding window and fixed window counters for per-key limits.',
    },
    {
      title: 'Design the limiter',
      specialist: 'architect',
      complexity: 'moderate',
      dependencies: ['Research rate-limiting strategies'],
      description: 'Where the counters live, the per-key limits, and the 429 response.',
    },
    {
      title: 'Implement the rate-limit middleware',
      specialist: 'implementer',
      complexity: 'complex',
      dependencies: ['Design the limiter'],
      description: 'Token bucket per API key in front of every route, with Retry-After headers.',
    },
    {
      title: 'Test limits and Retry-After',
      specialist: 'tester',
      complexity: 'moderate',
      dependencies: ['Implement the rate-limit middleware'],
      description: 'Bursts, steady load, several keys, clock edges, the 429 body and headers.',
    },
    {
      title: 'Document the rate limits',
      specialist: 'documenter',
      complexity: 'simple',
      dependencies: ['Design the limiter'],
      description: 'The limits per plan, the headers, and how clients should back off.',
    },
    {
      title: 'Review the change',
      specialist: 'reviewer',
      complexity: 'simple',
      dependencies: ['Implement the rate-limit middleware', 'Test limits and Retry-After'],
      description: 'Correctness under concurrency, defaults, and the docs against the code.',
    },
  ],
};

const OUTCOMES: Record<string, { summary: string; detail: string }> = {
  researcher: {
    summary: 'Token bucket per API key fits best: bursts allowed, constant memory, simple to reason about.',
    detail:
      '# Strategies compared\n\n| strategy | bursts | memory | accuracy |\n|---|---|---|---|\n| fixed window | at edges | O(1) | low |\n| sliding log | no | O(n) | exact |\n| sliding window counter | some | O(1) | good |\n| token bucket | yes, bounded | O(1) | good |\n',
  },
  architect: {
    summary:
      'In-process token buckets keyed by API key (100 req/min, burst 20), 429 with Retry-After; a store interface for a shared backend later.',
    detail:
      '## Design\n\n- `RateLimiter.take(key): { allowed, retryAfterMs }`\n- buckets in an LRU map (10k keys)\n- limits per plan from config\n- middleware answers 429 `{ error: "rate_limited" }` with `Retry-After` seconds\n',
  },
  implementer: {
    summary: 'Middleware and token bucket implemented; every route goes through it; limits read from config.',
    detail:
      'export function rateLimit(limiter) {\n  return (req, res, next) => {\n    const r = limiter.take(req.apiKey);\n    if (r.allowed) return next();\n    res.set("Retry-After", Math.ceil(r.retryAfterMs / 1000)).status(429).json({ error: "rate_limited" });\n  };\n}\n',
  },
  tester: {
    summary: '14 tests: bursts, refill, several keys, clock skew, 429 body and Retry-After; all pass.',
    detail:
      'PASS rate-limit.test.ts (14 tests)\n  ✓ allows a burst of 20\n  ✓ refills at 100/min\n  ✓ keys are independent\n  ✓ Retry-After rounds up\n  …\n',
  },
  documenter: {
    summary: 'Rate limits documented: limits per plan, headers, and a back-off example.',
    detail:
      '## Rate limits\n\nEach API key may send 100 requests a minute (bursts of 20). Over the limit the API answers `429` with `Retry-After: <seconds>`; wait that long before retrying.\n',
  },
  reviewer: {
    summary: 'Approved with one fix applied: buckets are now evicted by LRU so memory stays bounded.',
    detail:
      '- [fixed] unbounded map of buckets → LRU of 10k keys\n- [ok] Retry-After rounding\n- [ok] docs match defaults\n',
  },
};

export interface DemoOptions {
  readonly projectDir: string;
  readonly out?: NodeJS.WriteStream;
}

/**
 * Plan a task, work through its subtasks in dependency order, find similar tasks, synthesize,
 * and print the status and the dependency graph. The session is ended afterwards, so a real client
 * in the same directory gets a session of its own.
 */
export async function runDemo(
  orch: Orchestrator,
  options: DemoOptions,
): Promise<{ sessionId: string; parentId: string }> {
  const out = options.out ?? process.stdout;
  const say = (line = ''): void => {
    out.write(`${line}\n`);
  };
  say(pc.bold('orch demo: an AI client planning and doing work through the orchestrator'));
  say(pc.dim(`data: ${(await orch.health()).data}`));
  say();

  const started = await step(`Start a session for ${options.projectDir}`, () =>
    orch.initializeSession({
      workingDirectory: options.projectDir,
      name: `orch demo ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
      forceNew: true,
    }),
  );
  const sessionId = started.session.id;
  say(
    pc.dim(
      `  session ${sessionId}; stores ${started.health.status}; specialists: ${started.specialists.join(', ')}`,
    ),
  );

  const plan = await step(`Plan "${DEMO_PLAN.title}" into ${DEMO_PLAN.subtasks.length} subtasks`, () =>
    orch.planTask({ sessionId, ...DEMO_PLAN }),
  );
  const titles = new Map(plan.subtasks.map((t) => [t.id, t.title]));
  say(
    tasksTable(plan.subtasks, {
      ids: false,
      dependsOn: (t) =>
        clip(
          (plan.subtasks.find((x) => x.id === t.id)?.depends_on ?? [])
            .map((d) => titles.get(d) ?? d)
            .join(', '),
          60,
        ),
    }),
  );
  say(
    `  critical path: ${plan.critical_path.titles.join(pc.dim(' → '))} ${pc.dim(`(weight ${plan.critical_path.length})`)}`,
  );
  say();

  const total = plan.subtasks.length;
  for (let n = 1; ; n++) {
    const next = await orch.getNextTasks({ parentTaskId: plan.parent.id, limit: 1 });
    const task = next.tasks[0];
    if (!task) break;
    const label = `[${n}/${total}] ${pc.cyan(task.specialist ?? 'specialist')} ${task.title}${task.on_critical_path ? pc.magenta(' (critical)') : ''}`;
    const done = await step(label, async () => {
      const ctx = await orch.executeTask(task.id);
      const outcome = OUTCOMES[ctx.specialist?.name ?? ''] ?? { summary: 'Done.', detail: 'Done.' };
      return orch.completeTask({
        taskId: task.id,
        summary: outcome.summary,
        detailedWork: outcome.detail,
      });
    });
    const unblocked = done.unblocked.map((t) => t.title);
    say(
      pc.dim(
        `  ${done.artifacts.length} artifact(s) stored (${done.artifacts.map((a) => a.uri).join(', ')})${unblocked.length > 0 ? `; unblocked: ${unblocked.join(', ')}` : ''}`,
      ),
    );
  }
  say();

  const similar = await step('Find tasks similar to "throttle requests per API key"', () =>
    orch.findSimilarTasks({ query: 'throttle requests per API key', topK: 3, status: ['completed'] }),
  );
  say(
    table(
      ['score', 'task', 'outcome'],
      similar.results.map((r) => [r.score.toFixed(3), clip(r.task.title, 40), clip(r.outcome ?? '', 60)]),
    ),
  );
  say();

  const synthesis = await step('Synthesize the results', () => orch.synthesizeResults(plan.parent.id));
  say(
    pc.dim(
      `  ${synthesis.completed_count}/${synthesis.total} subtasks in dependency order; plan is ${synthesis.parent.status}`,
    ),
  );
  say();

  const status = await orch.getStatus({ parentTaskId: plan.parent.id });
  say(pc.bold('Status'));
  say(
    table(
      ['plan', 'status', 'done', 'progress'],
      status.plans.map((p) => [
        clip(p.title, 44),
        colorStatus(synthesis.parent.status),
        `${p.completed}/${p.total}`,
        `${p.percent}%`,
      ]),
    ),
  );
  say();
  say(pc.bold('Dependency graph (Mermaid)'));
  say(toMermaid(await orch.graphModel({ taskId: plan.parent.id })).trimEnd());
  say();
  await orch.sessions.end(sessionId, 'completed');
  say(`Draw it: ${pc.cyan(`orch graph --session ${sessionId} --format svg --output orch-demo.svg`)}`);
  return { sessionId, parentId: plan.parent.id };
}
