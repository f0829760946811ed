import { processWide } from '../util/process-wide.js';

/**
 * Credentials seen while parsing URLs and configs are remembered process-wide so that every
 * OrchError (and the driver error it wraps) can be scrubbed before anyone prints it. The set
 * lives on globalThis so that two copies of @orch/core scrub the same secrets.
 */
function secretSet(): Set<string> {
  return processWide('orch.secrets', () => new Set<string>());
}

/** Shortest secret scrubbed by plain text search; shorter ones would mangle ordinary words. */
const MIN_SCRUBBED_LENGTH = 3;

/** The text put in place of a secret. */
export const REDACTED = '***';

/**
 * Remember a credential so that it never appears in an OrchError message, log line or health report.
 * Adapters call this for passwords, tokens and API keys they receive through options.
 *
 * @example
 * registerSecret(options.apiKey);
 */
export function registerSecret(secret: string | undefined | null): void {
  if (typeof secret !== 'string' || secret.length === 0) return;
  secretSet().add(secret);
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) secretSet().add(encoded);
}

// The password runs to the last "@" of the URL, so an unencoded "#", "/" or "?" in it is still hidden.
const USERINFO_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)(\S*)@/gi;
const SECRET_QUERY_PARAM =
  /([?&](?:password|passwd|pwd|secret|token|auth_?token|api_?key|apikey|access_?key)=)([^&#\s]*)/gi;

/**
 * Remove credentials from any text: the password part of URLs, secret-looking query parameters,
 * and every secret passed to {@link registerSecret}.
 */
export function redact(text: string): string {
  let out = text.replace(USERINFO_PASSWORD, `$1${REDACTED}@`).replace(SECRET_QUERY_PARAM, `$1${REDACTED}`);
  for (const secret of secretSet()) {
    if (secret.length < MIN_SCRUBBED_LENGTH) continue;
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Deeply redact every string inside a JSON-like value (used for health details). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = /password|secret|token|apikey|api_key/i.test(k) ? REDACTED : redactDeep(v);
    return out as T;
  }
  return value;
}
