import { createAdapter } from '@orch/core';
import { sharedStoreRefs } from '@orch/sql-stores/sqlite-family';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index.js';
import { sqliteUrl, tempDir } from './helpers.js';

const tmp = tempDir('orch-sqlite-vg-');
afterAll(() => tmp.cleanup());

describe('vector and graph stores on the same SQLite file', () => {
  for (const mode of ['worker', 'inline'] as const) {
    it(`share one operational store per file and see the same data (${mode})`, async () => {
      const file = tmp.file(`vg-${mode}.db`);
      const url = sqliteUrl(file, `mode=${mode}`);
      const vectors = await createAdapter('vector', url);
      const graph = await createAdapter('graph', url);
      const key = `better-sqlite3:${file}`;
      expect(sharedStoreRefs()[key]).toBe(2);

      await vectors.ensureCollection('tasks', { dimension: 3, metric: 'cosine' });
      await vectors.upsert('tasks', [
        { id: 'a', vector: [1, 0, 0], metadata: { team: 'x' }, document: 'alpha' },
        { id: 'b', vector: [0, 1, 0], metadata: { team: 'y' } },
        { id: 'c', vector: [0.9, 0.1, 0], metadata: { team: 'x' } },
      ]);
      const hits = await vectors.query('tasks', { vector: [1, 0, 0], topK: 2, filter: { team: 'x' } });
      expect(hits.map((h) => h.id)).toEqual(['a', 'c']);
      expect(hits[0]!.distance).toBeCloseTo(0, 5);
      expect(await vectors.count('tasks')).toBe(3);

      await graph.upsertNodes([{ id: 'a', labels: ['Task'] }, { id: 'b', labels: ['Task'] }, { id: 'c' }]);
      await graph.upsertEdges([
        { from: 'a', to: 'b', type: 'DEPENDS_ON' },
        { from: 'b', to: 'c', type: 'DEPENDS_ON' },
      ]);
      const path = await graph.shortestPath('a', 'c');
      expect(path?.nodes).toEqual(['a', 'b', 'c']);

      await vectors.close();
      expect(sharedStoreRefs()[key]).toBe(1);
      await graph.close();
      expect(sharedStoreRefs()[key]).toBeUndefined();

      // Everything is in the one file, readable by a fresh operational store after both closed.
      const ops = await createAdapter('operational', url);
      const tables = (
        await ops.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      ).map((r) => r.name);
      expect(tables.some((t) => t.startsWith('orch_vec'))).toBe(true);
      expect(tables.some((t) => t.startsWith('orch_graph'))).toBe(true);
      const [vec] = await ops.query<{ d: number }>('SELECT vec_distance_l2(vec_f32(?), vec_f32(?)) AS d', [
        '[0,0]',
        '[3,4]',
      ]);
      expect(vec!.d).toBeCloseTo(5);
      await ops.close();
    });
  }
});
