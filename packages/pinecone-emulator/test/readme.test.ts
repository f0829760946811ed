import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

it("runs the README's first example as written (against the built package)", () => {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const code = /^```ts\n([\s\S]*?)^```/m.exec(readme)?.[1];
  expect(code).toContain("from '@orch/pinecone-emulator'");
  // Inside the package directory, '@orch/pinecone-emulator' resolves to the package itself (exports map).
  const file = join(packageDir, `.readme-example-${process.pid}.mjs`);
  writeFileSync(file, code!);
  try {
    const result = spawnSync(process.execPath, [file], {
      cwd: packageDir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^alien 0\.97\d*\n$/);
  } finally {
    rmSync(file, { force: true });
  }
});
