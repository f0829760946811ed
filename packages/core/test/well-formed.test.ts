import { describe, expect, it } from 'vitest';
import { validateMetadata, validateNodeId, validateParams, validateText } from '../src/adapter-kit.js';
import { isOrchError } from '../src/index.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return isOrchError(err) ? `${err.code} ${String(err.details.index)}` : 'foreign';
  }
  return 'ok';
};

describe('validateText', () => {
  it('refuses lone surrogates anywhere and keeps well-formed pairs', () => {
    expect(codeOf(() => validateText('\ud800', 'x'))).toBe('ORCH_INVALID_INPUT 0');
    expect(codeOf(() => validateText('ab\udc00', 'x'))).toBe('ORCH_INVALID_INPUT 2');
    expect(codeOf(() => validateText('a\ud83d\ude00\ud83d', 'x'))).toBe('ORCH_INVALID_INPUT 3');
    expect(validateText('a\ud83d\ude00b', 'x')).toBe('a\ud83d\ude00b');
  });

  it('guards SQL parameters, vector metadata and graph ids', () => {
    expect(codeOf(() => validateParams(['ok', 'x\ud800'], 'execute'))).toBe('ORCH_INVALID_INPUT 1');
    expect(codeOf(() => validateMetadata({ t: '\udfff' }, 'upsert'))).toBe('ORCH_INVALID_INPUT 0');
    expect(codeOf(() => validateNodeId('n\ud800', 'upsertNodes'))).toBe('ORCH_INVALID_INPUT 1');
  });
});
