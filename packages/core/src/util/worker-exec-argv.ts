/**
 * The `execArgv` to give a `worker_threads` Worker that runs a database engine.
 *
 * A Worker inherits the parent's `process.execArgv` by default, and Node refuses to start a
 * worker from a file when that list holds `--input-type` (set by `node --input-type=module -e`
 * or a piped script): the worker dies with `ERR_INPUT_TYPE_NOT_ALLOWED` before it runs a line.
 * Entry-point-only flags are dropped; everything else (loaders, `--conditions`, inspector flags)
 * is kept so the worker resolves modules the way its parent does.
 *
 * @example
 * ```ts
 * new Worker(url, { workerData, execArgv: workerExecArgv() });
 * ```
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (arg.startsWith('--input-type')) {
      if (arg === '--input-type') i++;
      continue;
    }
    if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print') {
      i++;
      continue;
    }
    if (arg.startsWith('--eval=') || arg.startsWith('--print=')) continue;
    kept.push(arg);
  }
  return kept;
}
