import assert from 'node:assert/strict';
import type { EdgeKey, GraphStore } from '@orch/core';
import { expectOrchError } from '../helpers/errors.js';
import { type GraphContext, namespace } from './context.js';

/** Strings that must never reach query text as a label or relationship type. */
export const BAD_IDENTIFIERS = [
  'Bad Label',
  'x`) DETACH DELETE n //',
  "x') MATCH (n) DETACH DELETE n //",
  '',
  '1abc',
  'a-b',
  'a:b',
  'ünïcode',
  'x'.repeat(65),
] as const;

/** Labels and types are validated identifiers in every method that takes one. */
export function registerIdentifierTests(ctx: GraphContext): void {
  ctx.describe('labels and relationship types', () => {
    ctx.test(
      'invalid labels and types are ORCH_INVALID_INPUT everywhere, and the graph is untouched',
      async (scope) => {
        const { store } = scope;
        const ns = namespace(scope);
        const label = ns.label('Ok');
        await ns.seed([{ id: 'a', labels: [label] }, 'b'], [{ from: 'a', to: 'b', type: 'T' }]);
        const [a, b] = [ns.id('a'), ns.id('b')];
        const calls = (bad: string): [string, (s: GraphStore) => Promise<unknown>][] => [
          ['upsertNodes label', (s) => s.upsertNodes([{ id: ns.id('new'), labels: [label, bad] }])],
          ['upsertEdges type', (s) => s.upsertEdges([{ from: a, to: b, type: bad }])],
          ['deleteEdges type', (s) => s.deleteEdges([{ from: a, to: b, type: bad } as EdgeKey])],
          ['findNodes label', (s) => s.findNodes({ label: bad })],
          ['getEdges types', (s) => s.getEdges(a, { types: [bad] })],
          ['neighbors types', (s) => s.neighbors(a, { types: ['T', bad] })],
          ['findPaths types', (s) => s.findPaths(a, b, { types: [bad] })],
          ['shortestPath types', (s) => s.shortestPath(a, b, { types: [bad] })],
        ];
        for (const bad of BAD_IDENTIFIERS) {
          for (const [what, call] of calls(bad)) {
            await expectOrchError(
              () => call(store),
              'ORCH_INVALID_INPUT',
              `${what} ${JSON.stringify(bad)}`,
              'graph',
            );
          }
        }
        for (const bad of [null, 5, undefined]) {
          await expectOrchError(
            () => store.upsertEdges([{ from: a, to: b, type: bad as unknown as string }]),
            'ORCH_INVALID_INPUT',
            `type ${String(bad)}`,
            'graph',
          );
        }
        assert.equal(await store.getNode(ns.id('new')), null, 'no node was created by a rejected call');
        assert.deepEqual(await store.getNode(a), { id: a, labels: [label], properties: {} });
        assert.deepEqual(
          (await store.getEdges(a)).map((e) => e.type),
          ['T'],
          'the existing edge survived every injection attempt',
        );
        assert.deepEqual(
          (await store.getNodes([a, b])).map((n) => n.id),
          [a, b],
        );
      },
    );

    ctx.test(
      'valid identifiers: letters, digits, underscore, up to 64 characters, case-sensitive',
      async (scope) => {
        const { store } = scope;
        const ns = namespace(scope);
        const long = `L${'x'.repeat(50)}${ns.label('').slice(0, 13)}`.slice(0, 64);
        assert.equal(long.length, 64);
        const lower = ns.label('case');
        const upper = ns.label('CASE');
        await ns.seed(
          [
            { id: 'n', labels: [long, lower, '_underscore9'] },
            { id: 'm', labels: [upper] },
          ],
          [
            { from: 'n', to: 'm', type: 'rel_Type_2' },
            { from: 'n', to: 'm', type: 'REL_TYPE_2' },
          ],
        );
        assert.deepEqual(
          (await store.findNodes({ label: lower })).map((x) => ns.short(x.id)),
          ['n'],
        );
        assert.deepEqual(
          (await store.findNodes({ label: upper })).map((x) => ns.short(x.id)),
          ['m'],
          'labels are case-sensitive',
        );
        assert.deepEqual(
          (await store.getEdges(ns.id('n'), { types: ['rel_Type_2'] })).map((e) => e.type),
          ['rel_Type_2'],
        );
        assert.deepEqual((await store.getNode(ns.id('n')))?.labels, [long, lower, '_underscore9'].sort());
      },
    );
  });
}
