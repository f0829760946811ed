/**
 * Logging for the server and the CLI. Everything goes to stderr: on `orch serve` stdout carries the
 * MCP protocol and nothing else. `ORCH_LOG_LEVEL` = `debug` | `info` | `warn` (default) | `error` | `silent`.
 */
const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LEVELS)[number];

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  level: string | undefined = process.env.ORCH_LOG_LEVEL,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Logger {
  const threshold = LEVELS.indexOf(
    (LEVELS as readonly string[]).includes(level ?? '') ? (level as LogLevel) : 'warn',
  );
  const at =
    (l: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(l) < threshold) return;
      const extra = fields && Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : '';
      write(`[orch ${l}] ${message}${extra}`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
