import type { VectorMetric } from './vector-store.js';

/** Convert a metric's distance into orch's normalized score (higher is better). */
export function scoreFromDistance(metric: VectorMetric, distance: number): number {
  switch (metric) {
    case 'cosine':
    case 'ip':
      return 1 - distance;
    case 'l2':
      return 1 / (1 + distance);
  }
}

/** The metric's distance between two vectors of equal length, as defined in {@link VectorMetric}. */
export function distanceBetween(metric: VectorMetric, a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let sq = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
    const d = x - y;
    sq += d * d;
  }
  switch (metric) {
    case 'cosine':
      return 1 - dot / (Math.sqrt(na) * Math.sqrt(nb));
    case 'ip':
      return 1 - dot;
    case 'l2':
      return Math.sqrt(sq);
  }
}
