import type { GraphModel } from '../orchestrator/orchestrator.js';

/** Colours per status, shared by every renderer. */
export const STATUS_STYLE: Readonly<Record<string, { fill: string; stroke: string }>> = {
  completed: { fill: '#d3f9d8', stroke: '#2b8a3e' },
  active: { fill: '#d0ebff', stroke: '#1864ab' },
  review: { fill: '#e5dbff', stroke: '#5f3dc4' },
  ready: { fill: '#fff3bf', stroke: '#e67700' },
  blocked: { fill: '#f1f3f5', stroke: '#868e96' },
  failed: { fill: '#ffe3e3', stroke: '#c92a2a' },
  archived: { fill: '#f8f9fa', stroke: '#adb5bd' },
};
const FALLBACK = { fill: '#ffffff', stroke: '#495057' };

export function statusStyle(status: string): { fill: string; stroke: string } {
  return STATUS_STYLE[status] ?? FALLBACK;
}

/** Stable short ids for diagram languages that restrict identifiers (`t0`, `t1`, … in node order). */
export function shortIds(model: GraphModel): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [i, c] of model.clusters.entries()) ids.set(`cluster:${c.id}`, `p${i}`);
  for (const [i, n] of model.nodes.entries()) ids.set(n.id, `t${i}`);
  return ids;
}

function mermaidText(text: string): string {
  return text
    .replace(/&/g, '#amp;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/[\r\n]+/g, ' ');
}

/**
 * A Mermaid flowchart: one node per task, one arrow per dependency (from the dependency to the
 * task that waits on it), plans as subgraphs, statuses as classes.
 */
export function toMermaid(model: GraphModel): string {
  const ids = shortIds(model);
  const lines = ['flowchart TD'];
  const node = (n: GraphModel['nodes'][number], indent: string): string =>
    `${indent}${ids.get(n.id)}["${mermaidText(n.title)}<br/><small>${mermaidText([n.specialist, n.status].filter(Boolean).join(' · '))}</small>"]:::${n.status}`;
  for (const c of model.clusters) {
    lines.push(`  subgraph ${ids.get(`cluster:${c.id}`)}["${mermaidText(c.title)}"]`);
    for (const n of model.nodes.filter((x) => x.cluster === c.id)) lines.push(node(n, '    '));
    lines.push('  end');
  }
  for (const n of model.nodes.filter((x) => x.cluster === null)) lines.push(node(n, '  '));
  for (const e of model.edges) lines.push(`  ${ids.get(e.from)} --> ${ids.get(e.to)}`);
  const statuses = [...new Set(model.nodes.map((n) => n.status))];
  for (const s of statuses) {
    const st = statusStyle(s);
    lines.push(`  classDef ${s} fill:${st.fill},stroke:${st.stroke},color:#212529`);
  }
  return `${lines.join('\n')}\n`;
}
