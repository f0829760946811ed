import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory, removed by `cleanup`. */
export function tempDir(): { file(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'orch-sqlite-family-'));
  return { file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
