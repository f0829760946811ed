import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isOrchError, OrchError } from '@orch/core';
import { resolveDataDir, TASK_STATUSES, type TaskStatus, type UnifiedDatabaseManager } from '@orch/unified';
import { Command, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { defaultConfigPath, describeSource, resolveStores, type StoreSelection } from '../config.js';
import { errorPayload } from '../errors.js';
import type { GraphFormat } from '../graph/index.js';
import { createLogger } from '../log.js';
import type { Orchestrator } from '../orchestrator/orchestrator.js';
import { clip, colorStatus, table, tasksTable } from './format.js';

// The stores, the MCP SDK and the graph layout load only when a command needs them, so `--help`
// and usage errors answer at once.
const GRAPH_FORMATS = ['mermaid', 'dot', 'svg'] as const;
const loadOrchestrator = () => import('../orchestrator/orchestrator.js');

export const VERSION = '0.1.0';

interface GlobalOptions {
  dataDir?: string;
  config?: string;
}

/** Exit codes: 0 success, 1 the operation failed (an OrchError), 2 the command line was wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function stores(cmd: Command): StoreSelection {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return { configPath: g.config, dataDir: g.dataDir };
}

async function withOrchestrator<T>(cmd: Command, fn: (orch: Orchestrator) => Promise<T>): Promise<T> {
  const { Orchestrator } = await loadOrchestrator();
  const orch = await Orchestrator.open({ stores: stores(cmd), backgroundSync: false });
  try {
    return await fn(orch);
  } finally {
    await orch.close();
  }
}

/** The stores without migrating or seeding: for health, sync and migrate. */
async function withManager<T>(
  cmd: Command,
  fn: (db: UnifiedDatabaseManager, where: string) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const resolved = resolveStores(stores(cmd));
  const { loadBundledAdapters } = await import('../adapters.js');
  await loadBundledAdapters(resolved.options);
  const { UnifiedDatabaseManager: Manager } = await import('@orch/unified');
  const db = await Manager.open({
    ...resolved.options,
    backgroundSync: false,
    migrate: options.migrate ?? true,
  });
  try {
    return await fn(db, describeSource(resolved.source));
  } finally {
    await db.close();
  }
}

function print(value: unknown, json: boolean | undefined, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0.`);
    return n;
  };
}

async function sessionOf(
  orch: Orchestrator,
  opts: { session?: string; project?: string },
): Promise<string | undefined> {
  if (opts.session) return opts.session;
  const dir = resolve(opts.project ?? process.cwd());
  return (await orch.listSessions({ workingDirectory: dir, limit: 1 })).sessions[0]?.id;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('orch')
    .description(
      'Plan and track multi-step work: an MCP task-orchestration server and its CLI, on @orch/unified.',
    )
    .version(VERSION, '-V, --version')
    .option(
      '--data-dir <dir>',
      'embedded stores in this directory (default: ORCH_DATA_DIR, else ~/.local/share/orch)',
    )
    .option(
      '--config <file>',
      'a config file with server URLs (default: ORCH_CONFIG, else the file `orch init` wrote)',
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Where the data lives: --config / ORCH_CONFIG, else --data-dir / ORCH_DATA_DIR, else the config
file \`orch init\` wrote (${defaultConfigPath()}), else ORCH_OPERATIONAL_URL / ORCH_VECTOR_URL /
ORCH_GRAPH_URL, else embedded SQLite in the per-user data directory. Never the current directory.

Exit codes: 0 success, 1 the operation failed, 2 bad command line.`,
    );

  program
    .command('init')
    .description('Write a config file: embedded stores by default, servers with --servers or the URL flags')
    .option('-o, --output <file>', 'where to write it', defaultConfigPath())
    .option('-f, --force', 'overwrite an existing file')
    .option(
      '--servers',
      'use servers: PostgreSQL, Chroma and Neo4j on localhost (override each with the URL flags)',
    )
    .option('--operational-url <url>', 'operational store URL (e.g. postgres://user@host:5432/orch)')
    .option('--vector-url <url>', 'vector store URL (e.g. chromadb://localhost:8000)')
    .option('--graph-url <url>', 'graph store URL (e.g. neo4j://localhost:7687)')
    .option('--graph-user <name>', 'graph store user name')
    .option('--graph-password <password>', 'graph store password (the file is written readable by you only)')
    .option('--json', 'print the result as JSON')
    .action((opts, cmd: Command) => {
      const output = resolve(opts.output as string);
      if (existsSync(output) && !opts.force)
        throw new OrchError('ORCH_CONFLICT', `${output} exists already; pass --force to overwrite it.`, {
          details: { path: output },
        });
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const embedded = (): string => `sqlite:///${join(resolveDataDir(g.dataDir, process.env), 'orch.db')}`;
      const pick = (flag: string | undefined, server: string): string =>
        flag ?? (opts.servers ? server : embedded());
      const graph: Record<string, string> = { url: pick(opts.graphUrl, 'neo4j://localhost:7687') };
      if (opts.graphUser) graph.username = opts.graphUser;
      if (opts.graphPassword) graph.password = opts.graphPassword;
      const config = {
        databases: {
          operational: { url: pick(opts.operationalUrl, 'postgres://localhost:5432/orch') },
          vector: { url: pick(opts.vectorUrl, 'chromadb://localhost:8000') },
          graph,
        },
      };
      mkdirSync(dirname(output), { recursive: true });
      writeFileSync(output, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
      const shown = {
        path: output,
        databases: Object.fromEntries(Object.entries(config.databases).map(([k, v]) => [k, v.url])),
      };
      print(shown, opts.json, () =>
        [
          `${pc.green('✔')} wrote ${output}`,
          ...Object.entries(shown.databases).map(([k, v]) => `  ${k.padEnd(12)}${v}`),
          '',
          `Next: ${pc.cyan('orch health')}, then ${pc.cyan('orch demo')} or register ${pc.cyan('orch serve')} in your MCP client.`,
        ].join('\n'),
      );
    });

  program
    .command('serve')
    .description('Run the MCP server on stdio (what an MCP client starts)')
    .action(async (_opts, cmd: Command) => {
      const { serveStdio } = await import('../mcp/serve.js');
      await serveStdio(stores(cmd), createLogger());
      await new Promise(() => undefined); // until stdin closes or a signal arrives
    });

  program
    .command('demo')
    .description(
      'A scripted end-to-end run: plan a task, work through its subtasks, find similar tasks, status and graph',
    )
    .option(
      '--project <dir>',
      'project directory the demo session belongs to (default: the current directory)',
    )
    .action(async (opts, cmd: Command) => {
      const { runDemo } = await import('./demo.js');
      await withOrchestrator(cmd, (orch) =>
        runDemo(orch, { projectDir: resolve(opts.project ?? process.cwd()) }),
      );
    });

  program
    .command('tasks')
    .description('List tasks as a table, with filters')
    .option('--session <id>', 'only tasks of this session')
    .option('--project <dir>', 'only tasks of the newest session of this project directory')
    .addOption(
      new Option('--status <status...>', 'only these statuses').choices(TASK_STATUSES as unknown as string[]),
    )
    .option('--specialist <role>', 'only tasks of this specialist')
    .option('--type <type>', 'plan (parent tasks) or subtask')
    .option('--parent <id>', 'only subtasks of this task')
    .option('--roots', 'only tasks without a parent')
    .option('--text <text>', 'title or description contains this text')
    .addOption(
      new Option('--sort <field>', 'sort by')
        .choices(['createdAt', 'updatedAt', 'priority', 'title'])
        .default('createdAt'),
    )
    .option('--desc', 'descending order')
    .option('--limit <n>', 'at most this many (1..500)', positiveInt('--limit'), 50)
    .option('--offset <n>', 'skip this many', positiveInt('--offset'), 0)
    .option('--json', 'print JSON: { total, limit, offset, tasks }')
    .action(async (opts, cmd: Command) => {
      await withOrchestrator(cmd, async (orch) => {
        let sessionId: string | undefined = opts.session;
        if (!sessionId && opts.project) {
          sessionId = await sessionOf(orch, { project: opts.project });
          if (!sessionId)
            throw new OrchError('ORCH_NOT_FOUND', `No session belongs to ${resolve(opts.project)}.`);
        }
        const page = await orch.queryTasks({
          status: opts.status as TaskStatus[] | undefined,
          specialist: opts.specialist,
          type: opts.type,
          parentId: opts.roots ? null : opts.parent,
          sessionId,
          text: opts.text,
          sortBy: opts.sort,
          sortOrder: opts.desc ? 'desc' : 'asc',
          limit: opts.limit,
          offset: opts.offset,
        });
        print(page, opts.json, () =>
          page.tasks.length === 0
            ? pc.dim('No tasks match.')
            : `${tasksTable(page.tasks)}\n${pc.dim(`${page.offset + 1}–${page.offset + page.tasks.length} of ${page.total}`)}`,
        );
      });
    });

  program
    .command('sessions')
    .description('List sessions with their project directories')
    .option('--project <dir>', 'only sessions of this project directory')
    .option('--limit <n>', 'at most this many', positiveInt('--limit'), 20)
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      await withOrchestrator(cmd, async (orch) => {
        const r = await orch.listSessions({
          ...(opts.project ? { workingDirectory: resolve(opts.project) } : {}),
          limit: Math.max(1, opts.limit),
        });
        print(r, opts.json, () =>
          r.sessions.length === 0
            ? pc.dim('No sessions yet.')
            : table(
                ['id', 'name', 'status', 'project', 'tasks done'],
                r.sessions.map((s) => [
                  s.id,
                  clip(s.name, 30),
                  colorStatus(s.status),
                  s.project_dir ?? '',
                  `${s.tasks.completed}/${s.tasks.total}`,
                ]),
              ),
        );
      });
    });

  program
    .command('graph')
    .description("Print or write a session's or a plan's dependency graph (Mermaid, DOT, or an SVG file)")
    .option('--session <id>', 'graph of this session')
    .option('--task <id>', 'graph of the plan this task leads or belongs to')
    .option(
      '--project <dir>',
      'graph of the newest session of this directory (default: the current directory)',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices([...GRAPH_FORMATS]).default('mermaid'),
    )
    .option('-o, --output <file>', 'write to this file instead of stdout (required for svg on a terminal)')
    .action(async (opts, cmd: Command) => {
      await withOrchestrator(cmd, async (orch) => {
        let model: Awaited<ReturnType<Orchestrator['graphModel']>>;
        if (opts.task) model = await orch.graphModel({ taskId: opts.task });
        else {
          const sessionId = await sessionOf(orch, opts);
          if (!sessionId)
            throw new OrchError(
              'ORCH_NOT_FOUND',
              `No session belongs to ${resolve(opts.project ?? process.cwd())}; pass --session <id> or --task <id> (see \`orch sessions\`).`,
            );
          model = await orch.graphModel({ sessionId });
        }
        const { renderGraph } = await import('../graph/index.js');
        const text = renderGraph(model, opts.format as GraphFormat);
        if (opts.output) {
          const file = resolve(opts.output);
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, text);
          process.stderr.write(
            `${pc.green('✔')} wrote ${file} (${model.nodes.length} tasks, ${model.edges.length} dependencies)\n`,
          );
        } else if (opts.format === 'svg' && process.stdout.isTTY) {
          throw new OrchError(
            'ORCH_INVALID_INPUT',
            'An SVG is a file: pass --output graph.svg (or pipe the output).',
          );
        } else process.stdout.write(text);
      });
    });

  program
    .command('health')
    .description('Health of the operational, vector and graph stores (exit code 1 when unhealthy)')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      await withManager(cmd, async (db, where) => {
        const h = await db.health();
        const value = { status: h.status, data: where, stores: h.stores, outbox: h.outbox };
        print(value, opts.json, () =>
          [
            `${h.status === 'healthy' ? pc.green('healthy') : h.status === 'degraded' ? pc.yellow('degraded') : pc.red('unhealthy')} ${pc.dim(where)}`,
            table(
              ['store', 'status', 'latency', 'details'],
              Object.entries(h.stores).map(([k, r]) => [
                k,
                r?.status === 'healthy' ? pc.green(r.status) : pc.red(r?.status ?? 'unknown'),
                `${(r?.latencyMs ?? 0).toFixed(1)} ms`,
                clip(
                  r?.error
                    ? String((r.error as { message?: string }).message ?? r.error)
                    : JSON.stringify(r?.details ?? {}),
                  60,
                ),
              ]),
            ),
            `pending cross-store writes: ${h.outbox.pending}`,
          ].join('\n'),
        );
        if (h.status === 'unhealthy') process.exitCode = EXIT.failed;
      });
    });

  program
    .command('sync')
    .description('Replay pending cross-store writes (the outbox) now (exit code 1 when some still fail)')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      await withManager(cmd, async (db) => {
        const report = await db.syncPending({ force: true });
        print(report, opts.json, () =>
          [
            `${pc.green('✔')} applied ${report.completed}, still pending ${report.pending}`,
            ...report.failures.map(
              (f) => `  ${pc.red('✖')} ${f.taskId} → ${f.target}: ${f.code} ${f.message}`,
            ),
          ].join('\n'),
        );
        if (report.failures.length > 0) process.exitCode = EXIT.failed;
      });
    });

  program
    .command('migrate')
    .description('Apply pending schema migrations to the operational store (idempotent)')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      await withManager(
        cmd,
        async (db, where) => {
          const r = await db.migrate();
          print({ ...r, data: where }, opts.json, () =>
            r.applied.length === 0
              ? `${pc.green('✔')} schema is up to date (version ${r.version}) ${pc.dim(where)}`
              : `${pc.green('✔')} applied migrations ${r.applied.join(', ')}; schema version ${r.version} ${pc.dim(where)}`,
          );
        },
        { migrate: false },
      );
    });

  const specialists = program
    .command('specialists')
    .description('List and change the specialist roles subtasks are assigned to');
  specialists
    .command('list', { isDefault: true })
    .description('List the roles')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      await withOrchestrator(cmd, async (orch) => {
        const list = (await orch.specialists.list({ limit: 1000 })).items;
        print(list, opts.json, () =>
          table(
            ['name', 'category', 'active', 'description'],
            list.map((s) => [s.name, s.category, s.active ? 'yes' : 'no', clip(s.description, 70)]),
          ),
        );
      });
    });
  specialists
    .command('set <name>')
    .description('Add a role, or change one')
    .option('--category <category>', 'category (required for a new role)')
    .option('--description <text>', 'what the role does')
    .option('--prompt <text>', "the role's system prompt")
    .option('--task-types <types...>', 'task types the role handles')
    .option('--capabilities <items...>', 'what the role can do')
    .option('--inactive', 'keep the role but never assign it')
    .option('--json', 'print JSON')
    .action(async (name: string, opts, cmd: Command) => {
      await withOrchestrator(cmd, async (orch) => {
        const existing = await orch.specialists.getByName(name);
        const fields = {
          ...(opts.category ? { category: opts.category as string } : {}),
          ...(opts.description !== undefined ? { description: opts.description as string } : {}),
          ...(opts.prompt !== undefined ? { prompt: opts.prompt as string } : {}),
          ...(opts.taskTypes ? { taskTypes: opts.taskTypes as string[] } : {}),
          ...(opts.capabilities ? { capabilities: opts.capabilities as string[] } : {}),
          active: !opts.inactive,
        };
        let saved: Awaited<ReturnType<typeof orch.specialists.create>>;
        if (existing) saved = await orch.specialists.update(existing.id, fields);
        else {
          if (!opts.category)
            throw new OrchError('ORCH_INVALID_INPUT', `A new role needs --category (e.g. engineering).`, {
              details: { field: 'category' },
            });
          saved = await orch.specialists.create({ name, category: opts.category as string, ...fields });
        }
        print(
          saved,
          opts.json,
          () => `${pc.green('✔')} ${existing ? 'updated' : 'added'} ${saved.name} (${saved.category})`,
        );
      });
    });
  specialists
    .command('remove <name>')
    .description('Remove a role (tasks that name it keep the name and get generic instructions)')
    .option('--json', 'print JSON')
    .action(async (name: string, opts, cmd: Command) => {
      await withOrchestrator(cmd, async (orch) => {
        const existing = await orch.specialists.getByName(name);
        if (!existing)
          throw new OrchError('ORCH_NOT_FOUND', `No specialist role is named ${JSON.stringify(name)}.`);
        await orch.specialists.delete(existing.id);
        print({ removed: name }, opts.json, () => `${pc.green('✔')} removed ${name}`);
      });
    });

  return program;
}

/** Run the CLI; resolves to the exit code. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    const e = err as { code?: unknown; exitCode?: unknown };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      // Commander printed the message (or the help) already.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0)
        return EXIT.ok;
      return EXIT.usage;
    }
    const payload = errorPayload(err);
    process.stderr.write(`${pc.red('orch:')} ${payload.code}: ${payload.message}\n`);
    if (!isOrchError(err))
      process.stderr.write(pc.dim('(an unexpected error; set ORCH_LOG_LEVEL=debug for more)\n'));
    if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ error: payload }, null, 2)}\n`);
    return EXIT.failed;
  }
}
