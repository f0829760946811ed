// Unit tests of the suites' own machinery: a wrong helper would make every adapter look right.
import assert from 'node:assert/strict';
import { OrchError } from '@orch/core';
import { postgresDialect, sqliteDialect } from '@orch/core/adapter-kit';
import { describe, expect, it } from 'vitest';
import { PATH_EDGES } from '../src/graph/paths.js';
import { assertValidPath, referenceNeighbors, referencePaths } from '../src/graph/reference.js';
import { expectOrchError } from '../src/helpers/errors.js';
import { eventually } from '../src/helpers/eventually.js';
import { errorTexts, findLeak, freshPassword, secretForms } from '../src/helpers/secrets.js';
import { graphSuite, operationalSuite, placeholders, vectorSuite } from '../src/index.js';

describe('placeholders', () => {
  it('uses ? for sqlite and numbered $n for postgres', () => {
    expect(placeholders(sqliteDialect).list(3)).toBe('?, ?, ?');
    expect(placeholders(postgresDialect).list(3)).toBe('$1, $2, $3');
    expect(placeholders(postgresDialect).list(2, 4)).toBe('$4, $5');
    expect(placeholders(postgresDialect).at(7)).toBe('$7');
  });
});

describe('expectOrchError', () => {
  it('passes on the expected code and returns the error', async () => {
    const err = await expectOrchError(
      () => Promise.reject(new OrchError('ORCH_CLOSED', 'closed')),
      'ORCH_CLOSED',
      'ctx',
    );
    expect(err.code).toBe('ORCH_CLOSED');
  });
  it('fails when the promise resolves, the code differs, the error is foreign or thrown synchronously', async () => {
    await expect(expectOrchError(() => Promise.resolve(1), 'ORCH_CLOSED', 'ctx')).rejects.toThrow(/resolved/);
    await expect(
      expectOrchError(() => Promise.reject(new OrchError('ORCH_NOT_FOUND', 'x')), 'ORCH_CLOSED', 'ctx'),
    ).rejects.toThrow(/ORCH_NOT_FOUND/);
    await expect(
      expectOrchError(() => Promise.reject(new Error('plain')), 'ORCH_CLOSED', 'ctx'),
    ).rejects.toThrow(/expected an OrchError/);
    await expect(
      expectOrchError(
        () => {
          throw new OrchError('ORCH_CLOSED', 'sync');
        },
        'ORCH_CLOSED',
        'ctx',
      ),
    ).rejects.toThrow(/synchronously/);
    await expect(
      expectOrchError(
        () => Promise.reject(new OrchError('ORCH_CLOSED', 'x', { kind: 'graph' })),
        'ORCH_CLOSED',
        'ctx',
        'vector',
      ),
    ).rejects.toThrow(/kind graph/);
  });
});

describe('leak detection', () => {
  it('finds a password in raw and percent-encoded form, anywhere in the printed error', () => {
    const password = freshPassword();
    const forms = secretForms(password);
    expect(forms).toContain(encodeURIComponent(password));
    const cause = new Error(`connect to x://u:${encodeURIComponent(password)}@h failed`);
    const err = new Error('outer', { cause });
    expect(findLeak(errorTexts(err), forms)).toBeDefined();
    expect(findLeak(errorTexts(new Error('clean')), forms)).toBeUndefined();
  });
});

describe('eventually', () => {
  it('tries once when the store is consistent', async () => {
    let calls = 0;
    await expect(
      eventually({ eventual: false, timeoutMs: 1000, settleMs: 0 }, async () => {
        calls++;
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(calls).toBe(1);
  });
  it('polls until the check passes when the store is eventually consistent', async () => {
    let calls = 0;
    const value = await eventually({ eventual: true, timeoutMs: 5000, settleMs: 0 }, async () => {
      calls++;
      if (calls < 3) throw new Error('not yet');
      return 'ok';
    });
    expect(value).toBe('ok');
    expect(calls).toBe(3);
  });
});

describe('graph reference', () => {
  it('enumerates the hand-checked s→t paths in order', () => {
    const paths = referencePaths(PATH_EDGES, 's', 't', { direction: 'out', maxDepth: 5, limit: 100 });
    expect(paths.map((p) => `${p.nodes.join('')}:${p.edges.map((e) => e.type).join('')}`)).toEqual([
      'st:V',
      'st:W',
      'sat:TT',
      'sbt:TT',
      'sabt:TUT',
    ]);
    expect(referencePaths(PATH_EDGES, 's', 's', { direction: 'out', maxDepth: 5, limit: 100 })).toEqual([
      { nodes: ['s'], edges: [] },
    ]);
  });
  it('computes fewest hops', () => {
    const depths = referenceNeighbors(PATH_EDGES, 's', { direction: 'out', depth: 3 });
    expect(Object.fromEntries(depths)).toEqual({ a: 1, b: 1, t: 1 });
  });
  it('rejects invalid paths', () => {
    const good = {
      nodes: ['s', 'a', 't'],
      edges: [
        { from: 's', to: 'a', type: 'T' },
        { from: 'a', to: 't', type: 'T' },
      ],
    };
    assertValidPath(good, PATH_EDGES, 's', 't', { direction: 'out' }, 'good');
    expect(() => assertValidPath(good, PATH_EDGES, 's', 't', { direction: 'in' }, 'wrong direction')).toThrow(
      /does not lead/,
    );
    expect(() =>
      assertValidPath(good, PATH_EDGES, 's', 't', { direction: 'out', types: ['U'] }, 'wrong type'),
    ).toThrow(/type/);
    const fake = { nodes: ['s', 't'], edges: [{ from: 's', to: 't', type: 'T' }] };
    expect(() => assertValidPath(fake, PATH_EDGES, 's', 't', { direction: 'out' }, 'missing edge')).toThrow(
      /does not exist/,
    );
  });
});

describe('suite registration', () => {
  it('registers uniquely named tests with a timeout through the given hooks only', () => {
    for (const [suite, kind] of [
      [operationalSuite, 'operational'],
      [vectorSuite, 'vector'],
      [graphSuite, 'graph'],
    ] as const) {
      const names: string[] = [];
      const path: string[] = [];
      const timeouts = new Set<number | undefined>();
      const create = () => Promise.reject(new Error('not called while registering'));
      (suite as (o: object) => void)({
        name: 'fake',
        create,
        timeoutMs: 1234,
        describe: (name: string, fn: () => void) => {
          path.push(name);
          fn();
          path.pop();
        },
        it: (name: string, _fn: unknown, timeout?: number) => {
          names.push([...path, name].join(' > '));
          timeouts.add(timeout);
        },
      });
      assert.ok(names.length > 30, `${kind}: ${names.length} tests registered`);
      assert.equal(new Set(names).size, names.length, `${kind}: test names are unique`);
      assert.deepEqual([...timeouts], [1234]);
      assert.ok(names.every((n) => n.startsWith(`fake: ${kind} store conformance > `)));
    }
  });
});
