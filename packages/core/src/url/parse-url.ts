import { OrchError } from '../errors/orch-error.js';
import { redact, registerSecret } from '../errors/secrets.js';

/**
 * A store URL split into parts. Credentials are registered as secrets on parse, so they are
 * scrubbed from every later error; `redacted` is safe to print.
 */
export interface ParsedUrl {
  /** Lower-case scheme without the colon, e.g. `sqlite`, `neo4j+s`, `chromadb+https`. */
  readonly scheme: string;
  /** The URL as given. Contains credentials: never print it. */
  readonly href: string;
  /** The URL with its password replaced by `***`. */
  readonly redacted: string;
  readonly username?: string;
  readonly password?: string;
  readonly host?: string;
  readonly port?: number;
  /**
   * For server URLs, the path without its leading slash (a database or index name).
   * For file URLs (`sqlite:`, `file:`), the file path (relative or absolute) or `:memory:`.
   */
  readonly path: string;
  /** Query parameters (last value wins). */
  readonly params: Readonly<Record<string, string>>;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/**
 * Parse a store URL. Follows each engine's conventions:
 * `sqlite:///rel.db` (relative), `sqlite:////abs/x.db` (absolute), `sqlite::memory:`,
 * `file:x.db` / `file:///abs/x.db`, `memory:` / `memory://name`, and ordinary server URLs
 * (`chromadb://host:8000`, `neo4j+s://user:pass@host`, `pinecone://index?namespace=x`).
 *
 * @example
 * parseStoreUrl('sqlite:////var/data/tasks.db').path; // '/var/data/tasks.db'
 */
export function parseStoreUrl(url: string): ParsedUrl {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new OrchError(
      'ORCH_INVALID_URL',
      'A store URL is required, e.g. "sqlite:///tasks.db" or "memory:".',
    );
  }
  const trimmed = url.trim();
  const match = SCHEME.exec(trimmed);
  if (!match) {
    throw new OrchError(
      'ORCH_INVALID_URL',
      `"${redact(trimmed)}" is not a URL: it has no scheme (expected e.g. "sqlite:///tasks.db").`,
    );
  }
  const scheme = match[1]!.toLowerCase();
  const rest = trimmed.slice(match[0].length);
  if (scheme === 'sqlite' || scheme === 'file') return parseFileUrl(scheme, trimmed, rest);
  if (!rest.startsWith('//')) {
    // Opaque forms such as `memory:` or `memory:name`.
    const [pathPart, query = ''] = splitOnce(rest, '?');
    return {
      scheme,
      href: trimmed,
      redacted: trimmed,
      path: decode(pathPart, trimmed),
      params: parseParams(query, trimmed),
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch (cause) {
    throw new OrchError('ORCH_INVALID_URL', `"${redact(trimmed)}" is not a valid URL.`, { cause });
  }
  const username = parsed.username ? decode(parsed.username, trimmed) : undefined;
  const password = parsed.password ? decode(parsed.password, trimmed) : undefined;
  registerSecret(password);
  let port: number | undefined;
  if (parsed.port) port = Number(parsed.port);
  const params = parseParams(parsed.search.replace(/^\?/, ''), trimmed);
  for (const [k, v] of Object.entries(params)) if (/password|secret|token|key/i.test(k)) registerSecret(v);
  const out: ParsedUrl = {
    scheme,
    href: trimmed,
    redacted: redact(trimmed),
    path: decode(parsed.pathname.replace(/^\//, ''), trimmed),
    params,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(parsed.hostname ? { host: parsed.hostname.replace(/^\[|\]$/g, '') } : {}),
    ...(port !== undefined ? { port } : {}),
  };
  return out;
}

function parseFileUrl(scheme: string, href: string, rest: string): ParsedUrl {
  const [pathPart, query = ''] = splitOnce(rest, '?');
  const params = parseParams(query, href);
  let path: string;
  if (pathPart === ':memory:' || pathPart === '//:memory:' || pathPart === '///:memory:') path = ':memory:';
  else if (pathPart.startsWith('///'))
    path = pathPart.slice(3); // sqlite:///rel.db -> rel.db, sqlite:////abs -> /abs
  else if (pathPart.startsWith('//')) {
    // file://host/path is not a local file; file://localhost/abs and file:///abs are.
    const afterSlashes = pathPart.slice(2);
    if (afterSlashes.startsWith('localhost/')) path = afterSlashes.slice('localhost'.length);
    else {
      throw new OrchError(
        'ORCH_INVALID_URL',
        `"${redact(href)}" names a host; ${scheme}: URLs are local files: use ${scheme}:///relative.db or ${scheme}:////absolute/path.db.`,
      );
    }
  } else path = pathPart;
  if (scheme === 'file' && pathPart.startsWith('///')) path = `/${path}`; // file:///abs is absolute, as libsql reads it
  path = decode(path, href);
  if (path === '')
    throw new OrchError(
      'ORCH_INVALID_URL',
      `"${redact(href)}" has no file path (use ${scheme}::memory: for an in-memory database).`,
    );
  return { scheme, href, redacted: href, path, params };
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function parseParams(query: string, href: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!query) return out;
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const [k, v = ''] = splitOnce(pair, '=');
    out[decode(k.replace(/\+/g, ' '), href)] = decode((v ?? '').replace(/\+/g, ' '), href);
  }
  return out;
}

function decode(s: string, href: string): string {
  try {
    return decodeURIComponent(s);
  } catch (cause) {
    throw new OrchError('ORCH_INVALID_URL', `"${redact(href)}" contains a malformed %-escape.`, { cause });
  }
}
