import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('runs the README example end to end', () => {
  const main = fileURLToPath(new URL('../src/main.mjs', import.meta.url));
  const out = execFileSync(process.execPath, [main], { encoding: 'utf8' });
  expect(out).toMatch(/migrate\s+score 0\.9\d\d/);
  expect(out).not.toMatch(/design\s+score/); // filtered out: it is completed
  expect(out).toContain('Dependency chain from docs to design: docs -> migrate -> design');
  expect(out).toContain('active=1, completed=1, ready=1');
  expect(out).toContain('Rejected a NaN vector: ORCH_INVALID_INPUT');
});
