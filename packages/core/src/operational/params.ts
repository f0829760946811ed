import { OrchError } from '../errors/orch-error.js';
import { validateText } from '../util/well-formed.js';
import type { SqlValue } from './operational-store.js';

/** Check SQL text and positional parameters before they reach a driver. */
export function validateSql(sql: unknown, where: string): string {
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new OrchError('ORCH_INVALID_INPUT', `${where}: SQL must be a non-empty string.`, {
      kind: 'operational',
    });
  }
  return sql;
}

export function validateParams(params: unknown, where: string): SqlValue[] {
  if (params === undefined) return [];
  if (!Array.isArray(params)) {
    throw new OrchError(
      'ORCH_INVALID_INPUT',
      `${where}: parameters must be a positional array (named parameters are not supported).`,
      {
        kind: 'operational',
      },
    );
  }
  for (let i = 0; i < params.length; i++) {
    const v: unknown = params[i];
    const ok =
      v === null ||
      typeof v === 'string' ||
      typeof v === 'bigint' ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && !Number.isNaN(v)) ||
      v instanceof Uint8Array ||
      (v instanceof Date && !Number.isNaN(v.getTime()));
    if (!ok) {
      const got =
        v === undefined
          ? 'undefined'
          : typeof v === 'number'
            ? String(v)
            : v instanceof Date
              ? 'an invalid Date'
              : typeof v;
      throw new OrchError(
        'ORCH_INVALID_INPUT',
        `${where}: parameter ${i + 1} is ${got}; use null, a string, number, bigint, boolean, Date or Uint8Array.`,
        { kind: 'operational', details: { index: i } },
      );
    }
  }
  for (let i = 0; i < params.length; i++) {
    const v: unknown = params[i];
    if (typeof v === 'string' && !v.isWellFormed())
      validateText(v, `${where}: parameter ${i + 1}`, 'operational');
  }
  return params as SqlValue[];
}
