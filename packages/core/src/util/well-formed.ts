import { OrchError } from '../errors/orch-error.js';
import type { StoreKind } from '../kinds.js';

/**
 * Reject a string that no store can keep as given: one with a lone UTF-16 surrogate (`'\ud800'`),
 * which UTF-8 engines silently replace with U+FFFD. Returns the string unchanged.
 *
 * @example
 * validateText(title, 'task title', 'operational');
 */
export function validateText(value: string, where: string, kind?: StoreKind): string {
  if (!value.isWellFormed()) {
    const index = firstLoneSurrogate(value);
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `${where}: the string has a lone UTF-16 surrogate at index ${index}, which the store would replace with U+FFFD. Pass well-formed text (String.prototype.toWellFormed() shows what would be stored).`,
      { kind, details: { index } },
    );
  }
  return value;
}

function firstLoneSurrogate(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}
