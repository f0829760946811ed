import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const here = fileURLToPath(new URL('..', import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'orch-readme-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The fenced code blocks of a markdown file in a language, in order. */
function blocks(file: string, lang: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\``, 'gm'))].map(
    (m) => m[1] as string,
  );
}

/**
 * Run a block as an ES module from this package (so the workspace packages resolve), in a fresh
 * working directory of its own (examples create files such as tasks.db).
 */
function run(name: string, code: string, env: Record<string, string> = {}, nodeArgs: readonly string[] = []) {
  const file = join(here, `.readme-${name}.mjs`);
  const cwd = mkdtempSync(join(temp, `${name}-`));
  writeFileSync(file, code);
  try {
    return spawnSync(process.execPath, [...nodeArgs, file], {
      cwd,
      encoding: 'utf8',
      // Without pnpm's NODE_PATH (its hoisted store): an example resolves packages the way a user's
      // application does, so "not installed" means not installed.
      env: { ...withoutNodePath(process.env), ...env },
      timeout: 120_000,
    });
  } finally {
    rmSync(file, { force: true });
  }
}

function withoutNodePath(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_PATH: _hoisted, ...rest } = env;
  return rest;
}

interface Example {
  readonly file: string;
  readonly lang: 'js' | 'ts';
  readonly index: number;
  /** Code the README leaves to the reader (a connected store it talks about). */
  readonly prelude?: string;
  /** Text the example's output must contain (what its comments promise). */
  readonly prints: readonly string[];
  readonly env?: () => Record<string, string>;
  /** Node options, e.g. `--test` for a block that is a node:test file. */
  readonly nodeArgs?: readonly string[];
}

const examples: Example[] = [
  { file: 'README.md', lang: 'js', index: 0, prints: ["id: 'migrate'", 'vector[1] is NaN'] },
  {
    file: 'packages/core/README.md',
    lang: 'js',
    index: 0,
    prints: ["id: 'plan'", 'depth: 1', '@orch/adapter-neo4j'],
  },
  { file: 'packages/core/README.md', lang: 'js', index: 1, prints: ['timeoutMs: 30000'] },
  {
    file: 'packages/core/README.md',
    lang: 'js',
    index: 2,
    prints: ['failed: execute ORCH_CONSTRAINT_VIOLATION', "'operational query 2 rows in"],
  },
  {
    file: 'docs/authoring-adapters.md',
    lang: 'js',
    index: 0,
    prints: [
      "id: 'a', distance: 1, score: 0.5",
      'rejected: ORCH_INVALID_INPUT',
      'Unrecognized key: "precison"',
    ],
  },
  {
    file: 'docs/authoring-adapters.md',
    lang: 'js',
    index: 1,
    prints: [
      'inside: [ { n: 1 } ]',
      'outside: [ { n: 0 } ]',
      "'c1: SAVEPOINT orch_sp_2'",
      "'c1: COMMIT'",
      "[ 'c2: SELECT COUNT(*) AS n FROM tasks' ]",
      'ORCH_CONSTRAINT_VIOLATION unique',
    ],
  },
  { file: 'docs/authoring-adapters.md', lang: 'js', index: 2, nodeArgs: ['--test'], prints: ['# fail 0'] },
  { file: 'packages/adapter-memory/README.md', lang: 'js', index: 0, prints: ["title: 'Plan the release'"] },
  { file: 'packages/adapter-sqlite/README.md', lang: 'ts', index: 0, prints: ["title: 'Build'", "id: 't1'"] },
  {
    file: 'packages/adapter-libsql/README.md',
    lang: 'ts',
    index: 0,
    prints: ["title: 'Plan'", 'v: '],
    env: () => {
      const url = process.env.ORCH_TEST_SQLD_URL;
      if (!url)
        throw new Error(
          'ORCH_TEST_SQLD_URL is not set: npm test starts sqld (alone: bash scripts/sqld.sh start).',
        );
      return { LIBSQL_URL: url };
    },
  },
  {
    file: 'packages/adapter-chromadb/README.md',
    lang: 'js',
    index: 0,
    prints: ["id: 'plan'", 'distance: 0', "document: 'Plan the release'", 'healthy'],
    env: () => {
      const url = process.env.ORCH_TEST_CHROMA_URL;
      if (!url)
        throw new Error(
          'ORCH_TEST_CHROMA_URL is not set: npm test starts Chroma (scripts/servers/chroma.sh).',
        );
      return { CHROMA_URL: url.replace(/^http:/, 'chromadb:') };
    },
  },
  {
    file: 'packages/adapter-postgres/README.md',
    lang: 'js',
    index: 0,
    prints: ['[ { n: 8 } ]', 'unique 23505', "[ 'a' ]"],
    env: () => {
      const url = process.env.ORCH_TEST_POSTGRES_URL;
      if (!url) throw new Error('ORCH_TEST_POSTGRES_URL is not set: npm test starts PostgreSQL.');
      return { DATABASE_URL: url };
    },
  },
  {
    file: 'packages/adapter-postgres/README.md',
    lang: 'js',
    index: 1,
    prints: ['0'],
    env: () => {
      const url = process.env.ORCH_TEST_POSTGRES_URL;
      if (!url) throw new Error('ORCH_TEST_POSTGRES_URL is not set: npm test starts PostgreSQL.');
      return { DATABASE_URL: url };
    },
  },
  {
    file: 'packages/sql-stores/README.md',
    lang: 'js',
    index: 0,
    prelude:
      "import '@orch/adapter-sqlite';\nimport { createAdapter } from '@orch/core';\nconst ops = await createAdapter('operational', 'sqlite::memory:');\n",
    prints: ["nodes: [ 'ship', 'plan' ]", "id: 'plan'"],
  },
  {
    file: 'packages/unified/README.md',
    lang: 'js',
    index: 0,
    prints: ['task1 []', 'healthy', "title: 'Write the migrations'"],
  },
  { file: 'examples/adapter-template/README.md', lang: 'js', index: 0, prints: ["id: 'a'", 'distance: 0'] },
  // The testkit's promise that its suites run under node:test as well as vitest.
  { file: 'packages/testkit/README.md', lang: 'js', index: 0, nodeArgs: ['--test'], prints: ['# fail 0'] },
];

describe('README examples run as written', () => {
  for (const example of examples) {
    it(`${example.file} (${example.lang} block ${example.index + 1})`, () => {
      const code = blocks(example.file, example.lang)[example.index];
      expect(code, `no ${example.lang} block ${example.index + 1} in ${example.file}`).toBeDefined();
      const name = example.file.replace(/[^a-z0-9]+/gi, '-');
      const out = run(name, `${example.prelude ?? ''}${code}`, example.env?.() ?? {}, example.nodeArgs);
      expect(out.stderr).toBe('');
      expect(out.status).toBe(0);
      for (const text of example.prints) expect(out.stdout).toContain(text);
      if (example.nodeArgs?.includes('--test')) {
        // The conformance suites really ran: every suite's tests passing, not an empty file.
        const passed = Number(/^# pass (\d+)$/m.exec(out.stdout)?.[1] ?? 0);
        expect(passed).toBeGreaterThan(example.file.includes('testkit') ? 150 : 30);
      }
    }, 150_000);
  }
});
