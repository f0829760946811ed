import {
  ChromaClientError,
  ChromaConnectionError,
  ChromaForbiddenError,
  ChromaNotFoundError,
  ChromaQuotaExceededError,
  ChromaRateLimitError,
  ChromaServerError,
  ChromaUnauthorizedError,
  ChromaUniqueError,
  ChromaValueError,
} from 'chromadb';
import { describe, expect, it } from 'vitest';
import { ChromaTimeoutError, mapChromaError } from '../src/errors.js';

// The client's own error classes, as its fetch wrapper throws them for each HTTP status (the
// same errors the server tests provoke for real; here every class is covered, 409 and 429 too).
describe('mapChromaError', () => {
  const cases: [Error, string, boolean, Record<string, unknown>][] = [
    [
      new ChromaConnectionError('Failed to connect to Chroma'),
      'ORCH_CONNECTION_FAILED',
      true,
      { driverCode: 'ChromaConnectionError' },
    ],
    [new ChromaTimeoutError('query', 100), 'ORCH_TIMEOUT', true, { driverCode: 'ChromaTimeoutError' }],
    [new ChromaServerError('internal'), 'ORCH_QUERY_FAILED', true, { driverCode: 'ChromaServerError' }],
    [
      new ChromaRateLimitError('Rate limit exceeded'),
      'ORCH_BUSY',
      true,
      { driverCode: 'ChromaRateLimitError', status: 429 },
    ],
    [
      new ChromaUnauthorizedError('Unauthorized'),
      'ORCH_AUTH_FAILED',
      false,
      { driverCode: 'ChromaAuthError', status: 401 },
    ],
    [
      new ChromaForbiddenError('no'),
      'ORCH_AUTH_FAILED',
      false,
      { driverCode: 'ChromaForbiddenError', status: 403 },
    ],
    [
      new ChromaNotFoundError('gone'),
      'ORCH_NOT_FOUND',
      false,
      { driverCode: 'ChromaNotFoundError', status: 404 },
    ],
    [
      new ChromaUniqueError('The resource already exists'),
      'ORCH_CONFLICT',
      false,
      { driverCode: 'ChromaUniqueError', status: 409 },
    ],
    [
      new ChromaQuotaExceededError('Quota exceeded'),
      'ORCH_QUERY_FAILED',
      false,
      { driverCode: 'ChromaQuotaExceededError', status: 422 },
    ],
    [
      new ChromaClientError('Bad request with status: Invalid where clause'),
      'ORCH_QUERY_FAILED',
      false,
      { driverCode: 'ChromaClientError', status: 400 },
    ],
    [
      new ChromaValueError('Expected where to have exactly one operator'),
      'ORCH_QUERY_FAILED',
      false,
      { driverCode: 'ChromaValueError' },
    ],
    [new TypeError('something else'), 'ORCH_QUERY_FAILED', false, { driverCode: 'TypeError' }],
  ];

  for (const [err, code, retriable, details] of cases) {
    it(`${err.name} -> ${code}${retriable ? ' (retriable)' : ''}`, () => {
      const mapped = mapChromaError(err, { operation: 'query', collection: 'notes' });
      expect(mapped).toMatchObject({
        code,
        retriable,
        kind: 'vector',
        details: { ...details, collection: 'notes' },
      });
      expect(mapped.cause).toBe(err);
      expect(mapped.message).toContain('Chroma query on collection "notes" failed');
    });
  }

  it('the dimension sentence of a 400 becomes ORCH_DIMENSION_MISMATCH with both dimensions', () => {
    const err = new ChromaClientError(
      'Bad request to http://h/api/v2/.../upsert with status: Collection expecting embedding with dimension of 384, got 768',
    );
    expect(mapChromaError(err, { operation: 'upsert' })).toMatchObject({
      code: 'ORCH_DIMENSION_MISMATCH',
      retriable: false,
      details: { driverCode: 'ChromaClientError', status: 400, expected: 384, actual: 768 },
    });
  });
});
