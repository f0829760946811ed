import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** Builds dist/ once before the tests that run the published files (the CLI bin, the README example). */
export default async function setup(): Promise<void> {
  const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.build.json')], {
    cwd: packageDir,
  });
}
