import type { Metadata, Properties, VectorMetric } from '@orch/core/adapter-kit';

/** The engine reports squared L2; orch's contract is plain Euclidean distance. */
export function toOrchDistance(metric: VectorMetric, engineDistance: number): number {
  return metric === 'l2' ? Math.sqrt(engineDistance) : engineDistance;
}

/** The engine keeps attributes as `unknown`; orch metadata is flat scalars (validated on the way in). */
export function toMetadata(attributes: Record<string, unknown>): Metadata {
  return { ...attributes } as Metadata;
}

/** The engine keeps properties as `unknown`; orch properties were validated on the way in. */
export function toProperties(props: Record<string, unknown>): Properties {
  return { ...props } as Properties;
}
