import type { GraphModel } from '../orchestrator/orchestrator.js';
import { toDot } from './dot.js';
import { toMermaid } from './mermaid.js';
import { toSvg } from './svg.js';

export const GRAPH_FORMATS = ['mermaid', 'dot', 'svg'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export function renderGraph(model: GraphModel, format: GraphFormat): string {
  switch (format) {
    case 'mermaid':
      return toMermaid(model);
    case 'dot':
      return toDot(model);
    case 'svg':
      return toSvg(model);
  }
}

export { toDot, toMermaid, toSvg };
