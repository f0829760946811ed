import type { GraphModel } from '../orchestrator/orchestrator.js';
import { shortIds, statusStyle } from './mermaid.js';

function dotString(text: string): string {
  return `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[\r\n]+/g, ' ')}"`;
}

/** Graphviz DOT: clusters per plan, an edge from each dependency to its dependent. */
export function toDot(model: GraphModel): string {
  const ids = shortIds(model);
  const lines = [
    `digraph ${dotString(model.title)} {`,
    '  rankdir=TB;',
    '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
  ];
  const node = (n: GraphModel['nodes'][number], indent: string): string => {
    const st = statusStyle(n.status);
    const label = `${dotString(n.title).slice(0, -1)}\\n${dotString([n.specialist, n.status].filter(Boolean).join(' · ')).slice(1)}`;
    return `${indent}${ids.get(n.id)} [label=${label}, fillcolor=${dotString(st.fill)}, color=${dotString(st.stroke)}, id=${dotString(n.id)}];`;
  };
  model.clusters.forEach((c, i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label=${dotString(c.title)};`, '    style=rounded;');
    for (const n of model.nodes.filter((x) => x.cluster === c.id)) lines.push(node(n, '    '));
    lines.push('  }');
  });
  for (const n of model.nodes.filter((x) => x.cluster === null)) lines.push(node(n, '  '));
  for (const e of model.edges) lines.push(`  ${ids.get(e.from)} -> ${ids.get(e.to)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
