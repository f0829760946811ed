import { createAdapter, type GraphStore, isOrchError } from '@orch/core';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cypherFor } from '../src/cypher.js';
import { DEFAULT_NODE_LABEL, type Neo4jGraphStore } from '../src/index.js';
import { BoltProxy, failure, LINES, neo4jLine, storeConfig, texts, unique } from './helpers.js';

for (const { name } of LINES) {
  describe(`Neo4j ${name}: the adapter on a real server`, () => {
    let store: GraphStore;
    const ns = unique('srv');
    const id = (s: string) => `${ns}:${s}`;
    const line = () => neo4jLine(name);
    beforeAll(async () => {
      store = await createAdapter('graph', storeConfig(line()));
    });
    afterAll(async () => {
      await store?.query(`MATCH (n:${DEFAULT_NODE_LABEL}) WHERE n.id STARTS WITH $p DETACH DELETE n`, {
        p: `${ns}:`,
      });
      await store?.close();
    });

    describe('connecting', () => {
      it('creates the uniqueness constraint on (:OrchNode).id, and connecting again keeps it', async () => {
        const rows = await store.query<{ name: string; type: string }>(
          "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties WHERE labelsOrTypes = ['OrchNode'] AND properties = ['id'] RETURN name, type",
        );
        // Created as orch_orchnode_id_unique, unless an equivalent constraint was there already.
        expect(rows).toEqual([{ name: (store as Neo4jGraphStore).constraintName, type: 'UNIQUENESS' }]);
        const again = await createAdapter('graph', storeConfig(line()));
        expect((await again.health()).status).toBe('healthy');
        await again.close();
      });

      it('a node with a duplicate id written around the store is ORCH_CONSTRAINT_VIOLATION (unique)', async () => {
        await store.upsertNodes([{ id: id('dup') }]);
        const err = await failure(store.query('CREATE (:OrchNode {id: $id})', { id: id('dup') }));
        expect(err).toMatchObject({
          code: 'ORCH_CONSTRAINT_VIOLATION',
          retriable: false,
          details: { constraint: 'unique', driverCode: 'Neo.ClientError.Schema.ConstraintValidationFailed' },
        });
      });

      it('another nodeLabel is another graph in the same database, with its own constraint', async () => {
        const label = unique('G').replace(/[^A-Za-z0-9_]/g, '_');
        const other = (await createAdapter(
          'graph',
          storeConfig(line(), 'bolt', { nodeLabel: label }),
        )) as Neo4jGraphStore;
        try {
          expect(other.constraintName).toBe(`orch_${label.toLowerCase()}_id_unique`);
          await other.upsertNodes([{ id: id('shared'), labels: ['Task'], properties: { graph: 'other' } }]);
          await store.upsertNodes([{ id: id('shared'), properties: { graph: 'default' } }]);
          expect((await other.getNode(id('shared')))?.properties).toEqual({ graph: 'other' });
          expect((await store.getNode(id('shared')))?.properties).toEqual({ graph: 'default' });
          expect((await other.getNode(id('shared')))?.labels).toEqual(['Task']);
          const [constraint] = await other.query<{ n: number }>(
            'SHOW CONSTRAINTS YIELD name WHERE name = $name RETURN count(*) AS n',
            { name: other.constraintName },
          );
          expect(constraint?.n).toBe(1);
        } finally {
          await other.query(`MATCH (n:\`${label}\`) DETACH DELETE n`);
          await other.query(`DROP CONSTRAINT ${other.constraintName} IF EXISTS`);
          await other.close();
        }
      });

      it('health(): healthy, with the server version and no credentials', async () => {
        const report = await store.health();
        expect(report).toMatchObject({
          status: 'healthy',
          details: {
            engine: 'neo4j',
            address: `bolt://${line().host}:${line().port}`,
            routing: false,
            nodeLabel: 'OrchNode',
            constraint: (store as Neo4jGraphStore).constraintName,
          },
        });
        expect(String(report.details.version)).toMatch(name === '5.26' ? /^5\.26\./ : /^2026\.08\./);
        expect((store as Neo4jGraphStore).serverVersion).toBe(report.details.version);
        expect(texts(report)).not.toContain(line().password);
      });

      it('the database option picks the database; an unknown one is ORCH_NOT_FOUND at connect', async () => {
        const named = await createAdapter('graph', storeConfig(line(), 'bolt', { database: 'neo4j' }));
        expect((await named.health()).details.database).toBe('neo4j');
        await named.close();
        const inPath = await createAdapter('graph', {
          ...storeConfig(line()),
          url: `bolt://${line().host}:${line().port}/neo4j`,
        });
        expect((await inPath.health()).details.database).toBe('neo4j');
        await inPath.close();
        const err = await failure(
          createAdapter('graph', storeConfig(line(), 'bolt', { database: 'nosuchdb' })),
        );
        expect(err).toMatchObject({
          code: 'ORCH_NOT_FOUND',
          details: { driverCode: 'Neo.ClientError.Database.DatabaseNotFound' },
        });
      });
    });

    describe('routing vs direct', () => {
      let proxy: BoltProxy;
      beforeAll(async () => {
        proxy = new BoltProxy(line().host, line().port);
        await proxy.start();
      });
      afterAll(() => proxy.stop());

      it('neo4j:// asks the server for a routing table (with the URL routing context); bolt:// never does', async () => {
        const via = (scheme: string, query = '') => ({
          ...storeConfig(line()),
          url: `${scheme}://127.0.0.1:${proxy.port}${query}`,
        });
        proxy.sent.length = 0;
        const direct = await createAdapter('graph', via('bolt'));
        await direct.upsertNodes([{ id: id('r1') }]);
        expect(await direct.getNode(id('r1'))).toMatchObject({ id: id('r1') });
        expect((await direct.health()).details.routing).toBe(false);
        await direct.close();
        expect(proxy.sent.length).toBeGreaterThan(0);
        expect(proxy.sawRoute, 'bolt:// sent a ROUTE message').toBe(false);

        proxy.sent.length = 0;
        const routed = await createAdapter('graph', via('neo4j', '?region=orch_test_region'));
        expect(await routed.getNode(id('r1'))).toMatchObject({ id: id('r1') });
        await routed.upsertNodes([{ id: id('r2') }]);
        expect((await routed.health()).details.routing).toBe(true);
        await routed.close();
        expect(proxy.sawRoute, 'neo4j:// sent no ROUTE message').toBe(true);
        expect(proxy.sawText('orch_test_region'), 'the routing context reached the server').toBe(true);
      });
    });

    describe('values keep their types', () => {
      const types = async (nodeId: string) =>
        (
          await store.query<Record<string, string>>(
            'MATCH (n:OrchNode {id: $id}) UNWIND keys(n) AS k WITH k, valueType(n[k]) AS t ORDER BY k RETURN collect([k, t]) AS kt',
            { id: nodeId },
          )
        )[0]?.kt as unknown as [string, string][];

      it('integers are stored as INTEGER and fractions as FLOAT; every value reads back exactly', async () => {
        const properties = {
          int: 42,
          negative: -7,
          zero: 0,
          negativeZero: -0,
          float: 2.5,
          wholeFloatLooking: 3.0,
          maxSafe: Number.MAX_SAFE_INTEGER,
          minSafe: Number.MIN_SAFE_INTEGER,
          beyondSafe: 2 ** 60,
          tiny: 5e-324,
          huge: Number.MAX_VALUE,
          ints: [1, 2, 3],
          mixed: [1, 2.5, -3],
          empty: [] as number[],
          text: '42',
          yes: true,
        };
        await store.upsertNodes([{ id: id('types'), properties }]);
        const back = (await store.getNode(id('types')))?.properties;
        expect(back).toEqual(properties);
        expect(Object.is(back?.negativeZero, -0), '-0 stays -0').toBe(true);
        expect(Object.fromEntries(await types(id('types')))).toEqual({
          beyondSafe: 'FLOAT NOT NULL',
          empty: 'LIST<NOTHING> NOT NULL',
          float: 'FLOAT NOT NULL',
          huge: 'FLOAT NOT NULL',
          id: 'STRING NOT NULL',
          int: 'INTEGER NOT NULL',
          ints: 'LIST<INTEGER NOT NULL> NOT NULL',
          maxSafe: 'INTEGER NOT NULL',
          minSafe: 'INTEGER NOT NULL',
          mixed: 'LIST<FLOAT NOT NULL> NOT NULL',
          negative: 'INTEGER NOT NULL',
          negativeZero: 'FLOAT NOT NULL',
          text: 'STRING NOT NULL',
          tiny: 'FLOAT NOT NULL',
          wholeFloatLooking: 'INTEGER NOT NULL',
          yes: 'BOOLEAN NOT NULL',
          zero: 'INTEGER NOT NULL',
        });
      });

      it('edge properties too, and findNodes compares with the same types', async () => {
        await store.upsertNodes([
          { id: id('e1'), properties: { n: 1 } },
          { id: id('e2'), properties: { n: 1.5 } },
        ]);
        await store.upsertEdges([
          { from: id('e1'), to: id('e2'), type: 'W', properties: { weight: 3, ratio: 0.25 } },
        ]);
        expect((await store.getEdges(id('e1')))[0]?.properties).toEqual({ weight: 3, ratio: 0.25 });
        const [t] = await store.query<{ w: string; r: string }>(
          'MATCH (:OrchNode {id: $id})-[r:W]->() RETURN valueType(r.weight) AS w, valueType(r.ratio) AS r',
          { id: id('e1') },
        );
        expect(t).toEqual({ w: 'INTEGER NOT NULL', r: 'FLOAT NOT NULL' });
        const ids = async (n: number) =>
          (await store.findNodes({ properties: { n } })).map((x) => x.id).filter((x) => x.startsWith(ns));
        expect(await ids(1)).toEqual([id('e1')]);
        expect(await ids(1.5)).toEqual([id('e2')]);
      });

      it('native query: integer parameters are INTEGER (so LIMIT $n works), results exact, big integers as bigint', async () => {
        const [row] = await store.query<Record<string, unknown>>(
          'RETURN $i AS i, valueType($i) AS it, $f AS f, valueType($f) AS ft, valueType($list) AS lt, ' +
            '9007199254740993 AS big, -9007199254740993 AS small, 2^70 AS pow, [x IN range(1, 10) | x][..$n] AS firsts',
          { i: 7, f: 0.5, list: [1, 2.5], n: 3 },
        );
        expect(row).toEqual({
          i: 7,
          it: 'INTEGER NOT NULL',
          f: 0.5,
          ft: 'FLOAT NOT NULL',
          lt: 'LIST<FLOAT NOT NULL> NOT NULL',
          big: 9007199254740993n,
          small: -9007199254740993n,
          pow: 2 ** 70,
          firsts: [1, 2, 3],
        });
        const limited = await store.query('UNWIND range(1, 10) AS x RETURN x LIMIT $n', { n: 2 });
        expect(limited).toEqual([{ x: 1 }, { x: 2 }]);
        const bigInt = await store.query('RETURN $b AS b, valueType($b) AS t', { b: 2n ** 62n });
        expect(bigInt).toEqual([{ b: 2n ** 62n, t: 'INTEGER NOT NULL' }]);
      });

      it('native query: nodes, relationships and paths come back as plain objects', async () => {
        await store.upsertNodes([{ id: id('p1'), labels: ['Task'], properties: { n: 1 } }, { id: id('p2') }]);
        await store.upsertEdges([{ from: id('p1'), to: id('p2'), type: 'NEXT', properties: { w: 2 } }]);
        interface PlainNode {
          elementId: string;
          labels: string[];
          properties: Record<string, unknown>;
        }
        interface Row {
          a: PlainNode;
          r: { type: string; startNodeElementId: string; properties: Record<string, unknown> };
          p: { nodes: PlainNode[]; relationships: unknown[] };
          d: string;
        }
        const [row] = await store.query<Row>(
          'MATCH p = (a:OrchNode {id: $a})-[r:NEXT]->(b) RETURN a, r, p, date("2026-01-02") AS d',
          { a: id('p1') },
        );
        expect(row?.a).toMatchObject({
          labels: expect.arrayContaining(['OrchNode', 'Task']),
          properties: { id: id('p1'), n: 1 },
        });
        expect(typeof row?.a.elementId).toBe('string');
        expect(row?.r).toMatchObject({ type: 'NEXT', properties: { w: 2 } });
        expect(row?.r.startNodeElementId).toBe(row?.a.elementId);
        expect(row?.p.nodes.map((n) => n.properties.id)).toEqual([id('p1'), id('p2')]);
        expect(row?.p.relationships).toHaveLength(1);
        expect(row?.d).toBe('2026-01-02');
      });
    });

    describe('labels, types and reserved names', () => {
      it('the store label and the id property are reserved; nothing of such a call is written', async () => {
        for (const bad of [
          { id: id('r'), labels: ['OrchNode'] },
          { id: id('r'), properties: { id: 'other' } },
        ]) {
          const err = await failure(store.upsertNodes([{ id: id('ok') }, bad]));
          expect(err, JSON.stringify(bad)).toMatchObject({ code: 'ORCH_INVALID_INPUT', kind: 'graph' });
        }
        expect(await store.getNodes([id('ok'), id('r')])).toEqual([]);
      });

      it('injection attempts through labels and types never reach the server', async () => {
        await store.upsertNodes([{ id: id('i1') }, { id: id('i2') }]);
        const evil = ['x`) DETACH DELETE n //', 'A`|`B', "T') MATCH (n) DETACH DELETE n //", 'a:b'];
        for (const bad of evil) {
          for (const call of [
            () => store.upsertNodes([{ id: id('i3'), labels: [bad] }]),
            () => store.upsertEdges([{ from: id('i1'), to: id('i2'), type: bad }]),
            () => store.neighbors(id('i1'), { types: [bad] }),
            () => store.findPaths(id('i1'), id('i2'), { types: [bad] }),
            () => store.shortestPath(id('i1'), id('i2'), { types: [bad] }),
            () => store.findNodes({ label: bad }),
          ]) {
            expect(await failure(call())).toMatchObject({ code: 'ORCH_INVALID_INPUT' });
          }
        }
        expect((await store.getNodes([id('i1'), id('i2'), id('i3')])).map((n) => n.id)).toEqual([
          id('i1'),
          id('i2'),
        ]);
        const labels = await store.query<{ label: string }>('CALL db.labels() YIELD label RETURN label');
        expect(labels.some((l) => l.label.includes('`') || l.label.includes(' '))).toBe(false);
      });
    });

    describe('query plans', () => {
      it('right after a bulk load (stale index statistics) every lookup is a unique-index seek and neighbors one BFS', async () => {
        const label = unique('Plan').replace(/[^A-Za-z0-9_]/g, '_');
        const planned = (await createAdapter(
          'graph',
          storeConfig(line(), 'bolt', { nodeLabel: label }),
        )) as Neo4jGraphStore;
        const { host, port, user, password } = line();
        const driver = neo4j.driver(`bolt://${host}:${port}`, neo4j.auth.basic(user, password));
        try {
          // The constraint's index was sampled empty at connect; 3000 nodes later it still says so.
          const n = 3000;
          await planned.upsertNodes(Array.from({ length: n }, (_, i) => ({ id: id(`pl${i}`) })));
          await planned.upsertEdges(
            Array.from({ length: n }, (_, i) => ({
              from: id(`pl${i}`),
              to: id(`pl${(i * 7 + 1) % n}`),
              type: 'T',
            })),
          );
          const cypher = cypherFor(label);
          const operators = async (statement: string) => {
            const r = await driver.executeQuery(`EXPLAIN ${statement}`, {});
            const names: string[] = [];
            const walk = (plan: { operatorType: string; children: unknown[] }) => {
              names.push(plan.operatorType.replace(/@.*/, ''));
              for (const c of plan.children) walk(c as typeof plan);
            };
            walk(r.summary.plan as unknown as { operatorType: string; children: unknown[] });
            return names;
          };
          for (const [what, statement] of [
            ['getNodes', cypher.getNodes],
            ['upsertNodes', cypher.upsertNodes],
            ['upsertEdges', cypher.upsertEdges('T')],
            ['deleteEdges', cypher.deleteEdges],
            ['getEdges', cypher.getEdges('both', ['T'])],
            ['neighbors', cypher.neighbors('out', undefined, 25)],
            ['findPaths', cypher.findPaths('both', ['T'], 5)],
            ['shortestPath', cypher.shortestPath('in', undefined, 15)],
          ] as const) {
            const ops = await operators(statement);
            // MergeUniqueNode: how 2026.x plans a MERGE on a uniqueness-constrained property.
            expect(
              ops.some((o) => o.startsWith('NodeUniqueIndexSeek') || o === 'MergeUniqueNode'),
              `${what}: ${ops.join(' < ')}`,
            ).toBe(true);
            expect(
              ops.filter((o) => /LabelScan|IndexScan|AllNodesScan/.test(o)),
              `${what}: ${ops.join(' < ')}`,
            ).toEqual([]);
          }
          expect(await operators(cypher.neighbors('both', ['T'], 25))).toContain(
            'VarLengthExpand(Pruning,BFS,All)',
          );
          // And it answers: every node has one way out, so depth 25 reaches 25 nodes, one per depth.
          const reached = await planned.neighbors(id('pl0'), { depth: 25 });
          expect(reached.map((r) => r.depth)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
        } finally {
          await planned.query(`MATCH (x:\`${label}\`) DETACH DELETE x`);
          await planned.query(`DROP CONSTRAINT ${planned.constraintName} IF EXISTS`);
          await planned.close();
          await driver.close();
        }
      });
    });

    describe('batches and atomicity', () => {
      it('a call spans several UNWIND batches in one transaction: all of it or nothing', async () => {
        const small = await createAdapter('graph', storeConfig(line(), 'bolt', { batchSize: 7 }));
        try {
          const nodes = Array.from({ length: 30 }, (_, i) => ({ id: id(`b${i}`), properties: { i } }));
          await small.upsertNodes(nodes);
          expect((await small.getNodes(nodes.map((n) => n.id))).length).toBe(30);
          const edges = nodes
            .slice(1)
            .map((n, i) => ({ from: nodes[i]!.id, to: n.id, type: i % 2 ? 'ODD' : 'EVEN' }));
          await small.upsertEdges(edges);
          expect((await small.shortestPath(id('b0'), id('b15')))?.edges).toHaveLength(15);
          expect((await small.getEdges(id('b29'))).map((e) => e.type)).toEqual(['EVEN']);
          // The missing endpoint is in the last batch: the earlier batches of the call roll back too.
          const more = nodes.slice(1).map((n, i) => ({ from: n.id, to: nodes[i]!.id, type: 'BACK' }));
          more.push({ from: id('b29'), to: id('ghost'), type: 'BACK' });
          const err = await failure(small.upsertEdges(more));
          expect(err).toMatchObject({ code: 'ORCH_NOT_FOUND', details: { missing: [id('ghost')] } });
          expect(await small.getEdges(id('b1'), { types: ['BACK'] })).toEqual([]);
        } finally {
          await small.close();
        }
      });
    });

    describe('an injected driver', () => {
      it('is used as it is (default lossless Integers) and stays open after the store closes', async () => {
        const { host, port, user, password } = line();
        const driver = neo4j.driver(`bolt://${host}:${port}`, neo4j.auth.basic(user, password));
        try {
          const injected = await createAdapter('graph', { scheme: 'bolt', client: driver });
          await injected.upsertNodes([{ id: id('inj'), properties: { n: 5, f: 0.5, big: 2 ** 52 } }]);
          expect((await injected.getNode(id('inj')))?.properties).toEqual({ n: 5, f: 0.5, big: 2 ** 52 });
          expect(await injected.query('RETURN 9007199254740993 AS big, 3 AS small')).toEqual([
            { big: 9007199254740993n, small: 3 },
          ]);
          expect((await injected.health()).details).toMatchObject({ injectedDriver: true });
          await injected.close();
          expect(injected.closed).toBe(true);
          const r = await driver.executeQuery('MATCH (n:OrchNode {id: $id}) RETURN n.n AS n', {
            id: id('inj'),
          });
          expect(r.records[0]?.get('n').toNumber()).toBe(5);
        } finally {
          await driver.close();
        }
      });

      it('works with disableLosslessIntegers too', async () => {
        const { host, port, user, password } = line();
        const driver = neo4j.driver(`neo4j://${host}:${port}`, neo4j.auth.basic(user, password), {
          disableLosslessIntegers: true,
        });
        try {
          const injected = await createAdapter('graph', { scheme: 'neo4j', client: driver });
          await injected.upsertNodes([{ id: id('inj2'), properties: { n: 5, xs: [1, 2] } }]);
          expect((await injected.getNode(id('inj2')))?.properties).toEqual({ n: 5, xs: [1, 2] });
          await injected.close();
          await driver.verifyConnectivity();
        } finally {
          await driver.close();
        }
      });
    });

    describe('credentials', () => {
      it('a wrong password is ORCH_AUTH_FAILED, not retriable, and never shown (options and URL forms)', async () => {
        const wrong = `wrong-${Math.random().toString(36).slice(2)}-pw`;
        // Once for the neo4j user (Neo4j locks a user out for a few seconds after repeated failures).
        const err = await failure(createAdapter('graph', { ...storeConfig(line()), password: wrong }));
        expect(err).toMatchObject({
          code: 'ORCH_AUTH_FAILED',
          retriable: false,
          kind: 'graph',
          details: { driverCode: 'Neo.ClientError.Security.Unauthorized' },
        });
        expect(texts(err)).not.toContain(wrong);
        const url = `neo4j://orch_nobody:${encodeURIComponent(wrong)}@${line().host}:${line().port}`;
        const fromUrl = await failure(createAdapter('graph', url));
        expect(fromUrl).toMatchObject({ code: 'ORCH_AUTH_FAILED' });
        expect(texts(fromUrl)).not.toContain(wrong);
        const lazy = await createAdapter('graph', url, { lazy: true });
        const report = await lazy.health();
        expect(report).toMatchObject({ status: 'unhealthy', error: { code: 'ORCH_AUTH_FAILED' } });
        expect(texts(report)).not.toContain(wrong);
        await lazy.close();
      });
    });

    describe('native Cypher', () => {
      it('runs as an auto-commit query: CALL { … } IN TRANSACTIONS works', async () => {
        const rows = await store.query(
          'UNWIND range(1, 5) AS i CALL (i) { MERGE (n:OrchNode {id: $p + toString(i)}) } IN TRANSACTIONS OF 2 ROWS',
          { p: `${ns}:tx` },
        );
        expect(rows).toEqual([]);
        expect((await store.getNodes([id('tx1'), id('tx5')])).map((n) => n.id)).toEqual([
          id('tx1'),
          id('tx5'),
        ]);
      });

      it('errors are typed from the Neo4j code: syntax → ORCH_INVALID_INPUT, timeout → ORCH_TIMEOUT', async () => {
        const syntax = await failure(store.query('MATCH (n RETURN n'));
        expect(syntax).toMatchObject({
          code: 'ORCH_INVALID_INPUT',
          details: { driverCode: 'Neo.ClientError.Statement.SyntaxError' },
        });
        const missing = await failure(store.query('RETURN $nope AS x'));
        expect(missing).toMatchObject({
          code: 'ORCH_INVALID_INPUT',
          details: { driverCode: 'Neo.ClientError.Statement.ParameterMissing' },
        });
        const quick = await createAdapter('graph', storeConfig(line(), 'bolt', { timeoutMs: 200 }));
        try {
          const err = await failure(
            quick.query('UNWIND range(1, 2000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS n'),
          );
          expect(err).toMatchObject({ code: 'ORCH_TIMEOUT', retriable: true });
          expect(String((err.details as Record<string, unknown>).driverCode)).toMatch(/TransactionTimedOut/);
        } finally {
          await quick.close();
        }
        expect(isOrchError(syntax)).toBe(true);
      });
    });
  });
}
