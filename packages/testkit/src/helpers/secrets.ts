import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { uniqueSuffix } from './random.js';

/**
 * A fresh password for one test. Unique, so that finding it in output can only mean a leak from
 * this test; it contains characters that URLs must percent-encode, so both spellings are checked.
 */
export function freshPassword(): string {
  return `Tk${uniqueSuffix()}#Pw!`;
}

/**
 * A fresh password of URL-safe characters only, for URLs built by the adapter author's
 * `urlWithPassword`: the suite must not fail an adapter because a builder forgot to percent-encode.
 */
export function freshUrlSafePassword(): string {
  return `Tk${uniqueSuffix()}-Pw_`;
}

/** The spellings under which a password may leak: as given and percent-encoded. */
export function secretForms(password: string): string[] {
  return [...new Set([password, encodeURIComponent(password)])];
}

/**
 * Everything a user might print for an error: message, stack, `String()`, JSON form, and
 * `util.inspect` (what `console.error(err)` shows), which includes the cause chain and details.
 */
export function errorTexts(err: unknown): string[] {
  const texts: string[] = [String(err)];
  if (err instanceof Error) {
    texts.push(err.message, err.stack ?? '');
    let cause: unknown = err.cause;
    for (let i = 0; i < 5 && cause !== undefined; i++) {
      texts.push(String(cause));
      if (cause instanceof Error) {
        texts.push(cause.message, cause.stack ?? '');
        cause = cause.cause;
      } else break;
    }
  }
  try {
    texts.push(JSON.stringify(err) ?? '');
  } catch {
    // Circular driver errors cannot be serialized; inspect below still covers them.
  }
  texts.push(inspect(err, { depth: 6 }));
  return texts;
}

/** Fail when any of `texts` contains any of `secrets`, quoting the surrounding text. */
export function assertNoSecret(texts: readonly string[], secrets: readonly string[], context: string): void {
  const leak = findLeak(texts, secrets);
  assert.equal(leak, undefined, `${context}: a secret leaked: …${leak ?? ''}…`);
}

/** The text around the first secret found, or undefined. */
export function findLeak(texts: readonly string[], secrets: readonly string[]): string | undefined {
  for (const text of texts) {
    for (const secret of secrets) {
      const at = text.indexOf(secret);
      if (at >= 0) return text.slice(Math.max(0, at - 60), at + secret.length + 20);
    }
  }
  return undefined;
}
