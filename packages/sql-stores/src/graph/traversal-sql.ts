import type { Direction, SqlValue } from '@orch/core';
import { anyOf } from '../util/any-of.js';

/**
 * SQL building blocks for walking edges. A "step" goes from node `a` to node `b` along a stored
 * edge (`src`, `dst`, `type`): forward along an out-edge (`a = src`) or backward along an
 * in-edge (`a = dst`). Each direction is its own SELECT so SQLite can use the matching index
 * (primary key (src, dst, type) for out, (dst, type, src) for in); `both` is their union.
 */
export interface StepSide {
  /** The edge column joined to the current node. */
  readonly near: 'src' | 'dst';
  /** The edge column holding the next node. */
  readonly far: 'src' | 'dst';
}

const OUT: StepSide = { near: 'src', far: 'dst' };
const IN: StepSide = { near: 'dst', far: 'src' };

/** The sides to follow for a direction. */
export function stepSides(direction: Direction): readonly StepSide[] {
  switch (direction) {
    case 'out':
      return [OUT];
    case 'in':
      return [IN];
    case 'both':
      return [OUT, IN];
  }
}

/** The direction that walks the same edges backwards (from the target towards the start). */
export function reverseDirection(direction: Direction): Direction {
  return direction === 'out' ? 'in' : direction === 'in' ? 'out' : 'both';
}

/** `AND e.type IN (…)` (see {@link anyOf}), or nothing when every type is allowed. */
export function typeCondition(
  alias: string,
  types: readonly string[] | undefined,
): { sql: string; params: SqlValue[] } {
  if (types === undefined) return { sql: '', params: [] };
  const match = anyOf(`${alias}.type`, types);
  return { sql: ` AND ${match.sql}`, params: match.params };
}
