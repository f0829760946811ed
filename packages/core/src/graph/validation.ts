import { OrchError } from '../errors/orch-error.js';
import { validateText } from '../util/well-formed.js';
import type { Direction, Properties } from './graph-store.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const MAX_NODE_ID_LENGTH = 512;
export const MAX_NEIGHBOR_DEPTH = 25;
export const MAX_PATH_DEPTH = 15;
export const MAX_PATH_LIMIT = 10_000;

function invalid(message: string, details?: Record<string, unknown>): OrchError {
  return new OrchError('ORCH_INVALID_INPUT', message, { kind: 'graph', details });
}

/**
 * Labels and relationship types end up in query text on Cypher engines, so they are checked
 * here, once, for every backend: a letter or `_`, then letters, digits or `_`, at most 64.
 */
export function validateIdentifier(value: unknown, what: 'label' | 'type'): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw invalid(
      `Invalid ${what} ${JSON.stringify(value)}: use a letter or "_" followed by letters, digits or "_" (at most 64 characters).`,
      { [what]: value },
    );
  }
  return value;
}

/** `where` names the value in the error message; pass a function to build it only on failure. */
export function validateNodeId(id: unknown, where: string | (() => string)): string {
  // Control characters are refused so backends can join ids with \u0001 to order paths.
  if (
    typeof id !== 'string' ||
    id.length === 0 ||
    id.length > MAX_NODE_ID_LENGTH ||
    hasControlCharacter(id)
  ) {
    throw invalid(
      `${typeof where === 'string' ? where : where()}: node id must be a non-empty string of at most ${MAX_NODE_ID_LENGTH} characters without control characters, got ${JSON.stringify(id)}.`,
    );
  }
  if (id.isWellFormed()) return id;
  return validateText(id, `${typeof where === 'string' ? where : where()}: node id`, 'graph');
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}

export function validateProperties(properties: unknown, where: string): Properties {
  if (properties === undefined) return {};
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw invalid(`${where}: properties must be a plain object.`);
  }
  for (const [key, value] of Object.entries(properties)) {
    if (key.length === 0 || key.length > 256)
      throw invalid(`${where}: property names must have 1 to 256 characters.`);
    validateText(key, `${where}: property name`, 'graph');
    if (typeof value === 'string') validateText(value, `${where}: property "${key}"`, 'graph');
    else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) {
        if (typeof item === 'string') validateText(item, `${where}: property "${key}"[${i}]`, 'graph');
      }
    }
    if (!isPropertyValue(value)) {
      throw invalid(
        `${where}: property "${key}" must be a string, finite number, boolean or an array of one of those (got ${value === null ? 'null' : typeof value}); omit the key to leave it unset.`,
      );
    }
  }
  return properties as Properties;
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function isPropertyValue(value: unknown): boolean {
  if (isScalar(value)) return true;
  if (!Array.isArray(value)) return false;
  if (!value.every(isScalar)) return false;
  return new Set(value.map((v) => typeof v)).size <= 1;
}

export function validateDirection(direction: unknown, fallback: Direction): Direction {
  if (direction === undefined) return fallback;
  if (direction !== 'out' && direction !== 'in' && direction !== 'both') {
    throw invalid(`direction must be "out", "in" or "both", got ${JSON.stringify(direction)}.`);
  }
  return direction;
}

export function validateTypes(types: unknown): string[] | undefined {
  if (types === undefined) return undefined;
  if (!Array.isArray(types) || types.length === 0)
    throw invalid('types must be a non-empty array of relationship types.');
  return [...new Set(types.map((t) => validateIdentifier(t, 'type')))];
}

export function validateIntInRange(
  value: unknown,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max}, got ${String(value)}.`);
  }
  return value;
}
