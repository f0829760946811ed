import { Graph, layout } from '@dagrejs/dagre';
import type { GraphModel } from '../orchestrator/orchestrator.js';
import { statusStyle } from './mermaid.js';

const FONT = 13;
const SMALL = 11;
const CHAR = 7.2; // average glyph width of a 13px sans-serif, for sizing boxes without a font engine
const PAD_X = 14;
const NODE_H = 46;
const MAX_CHARS = 38;

export function escapeXml(text: string): string {
  return xmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Drop what XML 1.0 cannot carry at all: control characters other than tab and newlines, U+FFFE, U+FFFF. */
function xmlChars(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff) continue;
    out += ch;
  }
  return out;
}

function clip(text: string, max = MAX_CHARS): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * An SVG drawing of the graph, laid out by dagre (pure JavaScript) and written here: one
 * `<g class="node" data-task-id>` per task, one `<g class="edge" data-from data-to>` per
 * dependency (from the dependency to the task that waits on it), one `<g class="cluster">` per plan.
 */
export function toSvg(model: GraphModel): string {
  const g = new Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 30, ranksep: 50, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const labels = new Map<string, { title: string; sub: string }>();
  for (const c of model.clusters) g.setNode(`cluster:${c.id}`, { width: 0, height: 0, paddingTop: 28 });
  for (const n of model.nodes) {
    const title = clip(n.title);
    const sub = clip([n.specialist, n.status].filter(Boolean).join(' · '));
    labels.set(n.id, { title, sub });
    const width = Math.max(120, Math.max([...title].length, [...sub].length * 0.85) * CHAR + 2 * PAD_X);
    g.setNode(`node:${n.id}`, { width, height: NODE_H });
    if (n.cluster !== null) g.setParent(`node:${n.id}`, `cluster:${n.cluster}`);
  }
  for (const e of model.edges) g.setEdge(`node:${e.from}`, `node:${e.to}`);
  layout(g);
  const graph = g.graph();
  const width = Math.ceil(graph.width ?? 200);
  const height = Math.ceil((graph.height ?? 100) + 30);
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 -30 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(model.title)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#495057"/></marker></defs>',
    `<text class="graph-title" x="20" y="-10" font-size="15" font-weight="bold">${escapeXml(clip(model.title, 80))}</text>`,
  ];
  for (const c of model.clusters) {
    const box = g.node(`cluster:${c.id}`);
    if (!box || box.x === undefined || box.y === undefined) continue;
    const x = box.x - box.width / 2;
    const y = box.y - box.height / 2;
    out.push(
      `<g class="cluster" data-task-id="${escapeXml(c.id)}">`,
      `<rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt(box.width)}" height="${fmt(box.height)}" rx="8" fill="#f8f9fa" stroke="#ced4da" stroke-dasharray="4 3"/>`,
      `<text x="${fmt(x + 10)}" y="${fmt(y + 17)}" font-size="${SMALL}" fill="#495057">${escapeXml(clip(c.title, 60))} (${escapeXml(c.status)})</text>`,
      '</g>',
    );
  }
  for (const e of model.edges) {
    const edge = g.edge(`node:${e.from}`, `node:${e.to}`);
    const points: { x: number; y: number }[] = edge?.points ?? [];
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${fmt(p.x)} ${fmt(p.y)}`).join(' ');
    out.push(
      `<g class="edge" data-from="${escapeXml(e.from)}" data-to="${escapeXml(e.to)}">`,
      `<path d="${d}" fill="none" stroke="#495057" stroke-width="1.5" marker-end="url(#arrow)"/>`,
      '</g>',
    );
  }
  for (const n of model.nodes) {
    const box = g.node(`node:${n.id}`);
    const st = statusStyle(n.status);
    const label = labels.get(n.id)!;
    const x = (box.x ?? 0) - box.width / 2;
    const y = (box.y ?? 0) - box.height / 2;
    out.push(
      `<g class="node" data-task-id="${escapeXml(n.id)}" data-status="${escapeXml(n.status)}">`,
      `<rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt(box.width)}" height="${fmt(box.height)}" rx="6" fill="${st.fill}" stroke="${st.stroke}" stroke-width="1.5"/>`,
      `<text x="${fmt(box.x ?? 0)}" y="${fmt(y + 19)}" text-anchor="middle" font-size="${FONT}" fill="#212529">${escapeXml(label.title)}</text>`,
      `<text x="${fmt(box.x ?? 0)}" y="${fmt(y + 36)}" text-anchor="middle" font-size="${SMALL}" fill="#495057">${escapeXml(label.sub)}</text>`,
      '</g>',
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function fmt(n: number): string {
  return Number.isFinite(n) ? String(Math.round(n * 10) / 10) : '0';
}
