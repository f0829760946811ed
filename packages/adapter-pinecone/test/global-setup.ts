import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

/**
 * Starts one Pinecone emulator (@orch/pinecone-emulator, in this process) for the whole run and
 * hands its URL to the test files, unless ORCH_TEST_PINECONE_EMULATOR_URL points at one already
 * running (e.g. `npx orch-pinecone-emulator --port 5080 --api-key orch-adapter-test-key`). It
 * only accepts the API key below, so a wrong key is refused with 401 as by the service.
 */
export const EMULATOR_API_KEY = 'orch-adapter-test-key';

declare module 'vitest' {
  export interface ProvidedContext {
    pineconeEmulatorUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The README test runs the built package: rebuild dist/ when a source is newer (after
  // `pnpm build` it is not, so nothing rewrites dist/ while other packages' tests import it).
  const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
  if (newestMtime(join(packageDir, 'src')) > mtime(join(packageDir, 'dist', 'index.js'))) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await promisify(execFile)(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.build.json')], {
      cwd: packageDir,
    });
  }
  const external = process.env.ORCH_TEST_PINECONE_EMULATOR_URL;
  if (external) {
    project.provide('pineconeEmulatorUrl', external);
    return async () => {};
  }
  const { startPineconeEmulator } = await import('@orch/pinecone-emulator');
  const emulator = await startPineconeEmulator({ apiKey: EMULATOR_API_KEY });
  project.provide('pineconeEmulatorUrl', emulator.url);
  return () => emulator.close();
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : mtime(path));
  }
  return newest;
}
