import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { OrchError } from '@orch/core';

/**
 * Where the embedded database lives when no store is configured: the `dataDir` option, else
 * `ORCH_DATA_DIR`, else the per-user data directory (`$XDG_DATA_HOME/orch` or
 * `~/.local/share/orch`). Never silently the current directory.
 */
export function resolveDataDir(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const dir =
    option ?? env.ORCH_DATA_DIR ?? join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'orch');
  const absolute = resolve(dir);
  try {
    mkdirSync(absolute, { recursive: true });
  } catch (cause) {
    throw new OrchError(
      'ORCH_INVALID_CONFIG',
      `Cannot create the data directory ${absolute}: ${(cause as Error).message}. Set dataDir or ORCH_DATA_DIR.`,
      {
        cause,
      },
    );
  }
  return absolute;
}
