import { randomBytes } from 'node:crypto';

/**
 * A short lower-case alphanumeric suffix. Lower case and no punctuation so that it is valid in
 * collection names, SQL identifiers (PostgreSQL folds case) and node ids alike.
 */
export function uniqueSuffix(): string {
  const time = Date.now().toString(36).slice(-5);
  const rand = BigInt(`0x${randomBytes(6).toString('hex')}`)
    .toString(36)
    .padStart(9, '0')
    .slice(0, 9);
  return `${time}${rand}`;
}

/** `prefix` plus a unique suffix, e.g. `tk_users_lq3f0a8k2m1x`. */
export function uniqueName(prefix: string): string {
  return `${prefix}${uniqueSuffix()}`;
}
