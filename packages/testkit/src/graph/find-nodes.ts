import assert from 'node:assert/strict';
import { expectOrchError } from '../helpers/errors.js';
import { type GraphContext, namespace } from './context.js';

/** findNodes: by label and property equality, ordered by id, paged with `after`. */
export function registerFindNodesTests(ctx: GraphContext): void {
  ctx.describe('findNodes', () => {
    ctx.test('by label, by properties (type-strict) and by both', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      const [task, other] = [ns.label('Task'), ns.label('Other')];
      await ns.seed([
        { id: 'n3', labels: [task], properties: { status: 'open', n: 1 } },
        { id: 'n1', labels: [task, other], properties: { status: 'done', n: '1' } },
        { id: 'n2', labels: [task], properties: { status: 'open', n: true } },
        { id: 'n4', labels: [other], properties: { status: 'open', n: 1 } },
      ]);
      const ids = async (options: Parameters<typeof store.findNodes>[0]) =>
        (await store.findNodes(options)).map((n) => ns.short(n.id));
      assert.deepEqual(await ids({ label: task }), ['n1', 'n2', 'n3'], 'ordered by id');
      assert.deepEqual(await ids({ label: other }), ['n1', 'n4']);
      assert.deepEqual(await ids({ label: task, properties: { status: 'open' } }), ['n2', 'n3']);
      assert.deepEqual(await ids({ label: task, properties: { n: 1 } }), ['n3'], '1 is not "1" or true');
      assert.deepEqual(await ids({ label: task, properties: { n: '1' } }), ['n1']);
      assert.deepEqual(await ids({ label: task, properties: { n: true } }), ['n2']);
      assert.deepEqual(await ids({ label: task, properties: { status: 'open', n: 1 } }), ['n3']);
      assert.deepEqual(await ids({ label: task, properties: { status: 'nope' } }), []);
      assert.deepEqual(await ids({ label: task, properties: { missing: 'x' } }), []);
      assert.deepEqual(await ids({ label: ns.label('Nobody') }), []);
      const full = await store.findNodes({ label: other, properties: { status: 'done' } });
      assert.deepEqual(
        full,
        [{ id: ns.id('n1'), labels: [other, task].sort(), properties: { status: 'done', n: '1' } }],
        'whole nodes come back',
      );
    });

    ctx.test('by properties alone', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      const run = ns.id('run');
      await ns.seed([
        { id: 'b', properties: { run, kind: 'x' } },
        { id: 'a', properties: { run, kind: 'y' } },
        { id: 'c', properties: { run: `${run}-other`, kind: 'x' } },
      ]);
      assert.deepEqual(
        (await store.findNodes({ properties: { run } })).map((n) => ns.short(n.id)),
        ['a', 'b'],
      );
      assert.deepEqual(
        (await store.findNodes({ properties: { run, kind: 'x' } })).map((n) => ns.short(n.id)),
        ['b'],
      );
    });

    ctx.test('paging with limit and after visits every node once, in id order', async (scope) => {
      const { store } = scope;
      const ns = namespace(scope);
      const label = ns.label('Page');
      const shorts = Array.from({ length: 25 }, (_, i) => `p${String((i * 7) % 25).padStart(2, '0')}`);
      await ns.seed(shorts.map((id) => ({ id, labels: [label] })));
      const pages: string[][] = [];
      let after: string | undefined;
      for (let i = 0; i < 5; i++) {
        const page = await store.findNodes(
          after === undefined ? { label, limit: 10 } : { label, limit: 10, after },
        );
        pages.push(page.map((n) => ns.short(n.id)));
        if (page.length === 0) break;
        after = page[page.length - 1]!.id;
      }
      assert.deepEqual(
        pages.map((p) => p.length),
        [10, 10, 5, 0],
      );
      assert.deepEqual(pages.flat(), [...shorts].sort());
      const fromMiddle = await store.findNodes({ label, after: ns.id('p12x'), limit: 3 });
      assert.deepEqual(
        fromMiddle.map((n) => ns.short(n.id)),
        ['p13', 'p14', 'p15'],
        '`after` need not be an existing id',
      );
      assert.equal((await store.findNodes({ label })).length, 25, 'the default limit (1000) returns all 25');
    });

    ctx.test('invalid findNodes options are ORCH_INVALID_INPUT', async ({ store }) => {
      for (const [what, options] of [
        ['limit 0', { limit: 0 }],
        ['limit 10001', { limit: 10_001 }],
        ['limit 1.5', { limit: 1.5 }],
        ['label with a space', { label: 'Bad Label' }],
        ['empty label', { label: '' }],
        ['empty after', { after: '' }],
        ['array property', { properties: { tags: ['a'] } }],
        ['null property', { properties: { a: null } }],
      ] as const) {
        await expectOrchError(
          () => store.findNodes(options as never),
          'ORCH_INVALID_INPUT',
          `findNodes ${what}`,
          'graph',
        );
      }
    });
  });
}
