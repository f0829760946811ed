import Table from 'cli-table3';
import pc from 'picocolors';
import type { TaskSummary } from '../orchestrator/views.js';

export function colorStatus(status: string): string {
  switch (status) {
    case 'completed':
      return pc.green(status);
    case 'active':
    case 'review':
      return pc.cyan(status);
    case 'ready':
      return pc.yellow(status);
    case 'failed':
      return pc.red(status);
    case 'blocked':
    case 'archived':
    case 'superseded':
      return pc.dim(status);
    default:
      return status;
  }
}

export function clip(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head: head.map((h) => pc.bold(h)), style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

export function tasksTable(
  tasks: readonly TaskSummary[],
  options: { ids?: boolean; dependsOn?: (t: TaskSummary) => string } = {},
): string {
  const ids = options.ids ?? true;
  return table(
    [
      ...(ids ? ['id'] : []),
      'title',
      'status',
      'specialist',
      'complexity',
      ...(options.dependsOn ? ['depends on'] : []),
    ],
    tasks.map((t) => [
      ...(ids ? [t.id] : []),
      clip(t.title, 44),
      colorStatus(t.status),
      t.specialist ?? '',
      t.complexity ?? '',
      ...(options.dependsOn ? [options.dependsOn(t)] : []),
    ]),
  );
}

/** A line that shows work in progress: a spinner on a terminal, a plain line when piped. */
export async function step<T>(
  label: string,
  fn: () => Promise<T>,
  out: NodeJS.WriteStream = process.stdout,
): Promise<T> {
  const started = Date.now();
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let timer: NodeJS.Timeout | undefined;
  if (out.isTTY) {
    let i = 0;
    out.write(`${pc.cyan(frames[0]!)} ${label}`);
    timer = setInterval(() => {
      i = (i + 1) % frames.length;
      out.write(`\r${pc.cyan(frames[i]!)} ${label}`);
    }, 80);
  }
  try {
    const value = await fn();
    const ms = Date.now() - started;
    out.write(`${out.isTTY ? '\r\x1b[2K' : ''}${pc.green('✔')} ${label} ${pc.dim(`(${ms} ms)`)}\n`);
    return value;
  } catch (err) {
    out.write(`${out.isTTY ? '\r\x1b[2K' : ''}${pc.red('✖')} ${label}\n`);
    throw err;
  } finally {
    if (timer) clearInterval(timer);
  }
}
