import assert from 'node:assert/strict';
import { expectOrchError } from '../helpers/errors.js';
import type { GraphContext } from './context.js';

/** `query()` speaks the native language when `capabilities.nativeQuery` says so, and refuses otherwise. */
export function registerNativeQueryTests(ctx: GraphContext): void {
  ctx.describe('native query', () => {
    ctx.test(
      'native query runs with parameters when supported, otherwise is ORCH_UNSUPPORTED',
      async ({ store }) => {
        const language = store.capabilities.nativeQuery;
        assert.ok(
          language === false || language === 'cypher',
          `nativeQuery is false or 'cypher', got ${String(language)}`,
        );
        if (language === false) {
          await expectOrchError(
            () => store.query('MATCH (n) RETURN n LIMIT 1'),
            'ORCH_UNSUPPORTED',
            'query on a store without a native language',
            'graph',
          );
          return;
        }
        const rows = await store.query<{ greeting: string; items: string }>(
          'UNWIND $items AS item RETURN $greeting AS greeting, item AS items ORDER BY item',
          {
            greeting: 'héllo',
            items: ['b', 'a', "c') DETACH DELETE n //"],
          },
        );
        assert.deepEqual(rows, [
          { greeting: 'héllo', items: 'a' },
          { greeting: 'héllo', items: 'b' },
          { greeting: 'héllo', items: "c') DETACH DELETE n //" },
        ]);
        await expectOrchError(
          () => store.query('THIS IS NOT CYPHER'),
          ['ORCH_QUERY_FAILED', 'ORCH_INVALID_INPUT'],
          'invalid Cypher',
          'graph',
        );
        await expectOrchError(() => store.query('   '), 'ORCH_INVALID_INPUT', 'an empty statement', 'graph');
      },
    );
  });
}
