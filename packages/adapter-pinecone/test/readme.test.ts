import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

it("runs the README's emulator example as written (against the built package)", () => {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```js\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  const code = blocks.find((b) => b.includes('startPineconeEmulator'));
  expect(code).toContain("from '@orch/pinecone-emulator'");
  // Inside the package directory, '@orch/adapter-pinecone' resolves to the package itself.
  const file = join(packageDir, `.readme-example-${process.pid}.mjs`);
  writeFileSync(file, code!);
  try {
    const env = { ...process.env };
    delete env.PINECONE_API_KEY;
    delete env.PINECONE_CONTROLLER_HOST;
    const result = spawnSync(process.execPath, [file], {
      cwd: packageDir,
      encoding: 'utf8',
      timeout: 60_000,
      env,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('a 1 Write the README\n');
  } finally {
    rmSync(file, { force: true });
  }
});
