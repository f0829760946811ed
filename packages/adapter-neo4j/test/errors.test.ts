import { isOrchError, OrchError } from '@orch/core';
import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { isRetriableCode, mapNeo4jError } from '../src/errors.js';

/** An error as the driver raises it (the server's code and GQLSTATUS, or the driver's own code). */
const neoError = (code: string, gqlStatus = '50N42', message = `failure ${code}`) =>
  new neo4j.Neo4jError(message, code, gqlStatus, 'description');
const map = (err: unknown) => mapNeo4jError(err, { operation: 'upsertNodes' });

describe('mapNeo4jError: decided by the Neo4j code, never the message', () => {
  const cases: [code: string, orch: string, retriable: boolean][] = [
    ['Neo.ClientError.Security.Unauthorized', 'ORCH_AUTH_FAILED', false],
    ['Neo.ClientError.Security.AuthenticationRateLimit', 'ORCH_AUTH_FAILED', false],
    ['Neo.ClientError.Security.Forbidden', 'ORCH_AUTH_FAILED', false],
    ['Neo.ClientError.Security.TokenExpired', 'ORCH_AUTH_FAILED', false],
    ['Neo.ClientError.Security.AuthorizationExpired', 'ORCH_AUTH_FAILED', true],
    ['ServiceUnavailable', 'ORCH_CONNECTION_FAILED', true],
    ['SessionExpired', 'ORCH_CONNECTION_FAILED', true],
    ['Neo.TransientError.General.DatabaseUnavailable', 'ORCH_CONNECTION_FAILED', true],
    ['Neo.ClientError.Cluster.NotALeader', 'ORCH_CONNECTION_FAILED', true],
    ['Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration', 'ORCH_TIMEOUT', true],
    ['Neo.TransientError.Transaction.TransactionTimedOut', 'ORCH_TIMEOUT', true],
    ['Neo.TransientError.Transaction.DeadlockDetected', 'ORCH_BUSY', true],
    ['Neo.TransientError.Transaction.LockAcquisitionTimeout', 'ORCH_BUSY', true],
    ['Neo.ClientError.Statement.SyntaxError', 'ORCH_INVALID_INPUT', false],
    ['Neo.ClientError.Statement.ParameterMissing', 'ORCH_INVALID_INPUT', false],
    ['Neo.ClientError.Database.DatabaseNotFound', 'ORCH_NOT_FOUND', false],
    ['Neo.ClientError.Statement.EntityNotFound', 'ORCH_QUERY_FAILED', false],
    ['Neo.TransientError.General.OutOfMemoryError', 'ORCH_QUERY_FAILED', true],
    ['Neo.TransientError.Transaction.Terminated', 'ORCH_QUERY_FAILED', false],
    ['Neo.DatabaseError.General.UnknownError', 'ORCH_QUERY_FAILED', false],
    ['N/A', 'ORCH_QUERY_FAILED', false],
  ];
  for (const [code, orch, retriable] of cases) {
    it(`${code} → ${orch}${retriable ? ' (retriable)' : ''}`, () => {
      const cause = neoError(code);
      const err = map(cause);
      expect(isOrchError(err)).toBe(true);
      expect(err).toMatchObject({ code: orch, retriable, kind: 'graph' });
      expect(err.details).toMatchObject({ driverCode: code, gqlStatus: '50N42' });
      expect(err.cause).toBe(cause);
      expect(err.message).toContain('Neo4j upsertNodes failed');
    });
  }

  it('a constraint violation is ORCH_CONSTRAINT_VIOLATION; the GQLSTATUS names the kind where Neo4j gives one', () => {
    const code = 'Neo.ClientError.Schema.ConstraintValidationFailed';
    for (const [gqlStatus, constraint] of [
      ['50N42', 'unique'], // 5.26 reports the generic status for every kind
      ['22N79', 'unique'],
      ['22N80', 'unique'],
      ['22N77', 'not_null'],
      ['22N78', 'check'],
    ] as const) {
      const err = map(neoError(code, gqlStatus));
      expect(err, gqlStatus).toMatchObject({
        code: 'ORCH_CONSTRAINT_VIOLATION',
        retriable: false,
        details: { constraint, driverCode: code, gqlStatus },
      });
    }
  });

  it('the same code maps the same from another copy of the driver (a plain error with a code)', () => {
    const foreign = Object.assign(new Error('x'), { code: 'SessionExpired', gqlStatus: '08000' });
    expect(map(foreign)).toMatchObject({
      code: 'ORCH_CONNECTION_FAILED',
      retriable: true,
      details: { driverCode: 'SessionExpired' },
    });
  });

  it('the message never decides: an auth-looking message with a syntax code is a syntax error', () => {
    const err = map(
      neoError(
        'Neo.ClientError.Statement.SyntaxError',
        '42001',
        'The client is unauthorized due to authentication failure.',
      ),
    );
    expect(err.code).toBe('ORCH_INVALID_INPUT');
  });

  it('non-driver errors are ORCH_QUERY_FAILED with their name as driverCode; OrchErrors pass through', () => {
    expect(map(new TypeError('boom'))).toMatchObject({
      code: 'ORCH_QUERY_FAILED',
      details: { driverCode: 'TypeError' },
    });
    const orch = new OrchError('ORCH_NOT_FOUND', 'gone', { kind: 'graph' });
    expect(map(orch)).toBe(orch);
    expect(map('text')).toMatchObject({ code: 'ORCH_QUERY_FAILED', details: { driverCode: 'string' } });
  });

  it("retriable codes are the driver's own rule, by code", () => {
    expect(isRetriableCode('Neo.TransientError.Anything')).toBe(true);
    expect(isRetriableCode('Neo.TransientError.Transaction.LockClientStopped')).toBe(false);
    expect(isRetriableCode('Neo.ClientError.Statement.SyntaxError')).toBe(false);
    expect(isRetriableCode(undefined)).toBe(false);
  });
});
