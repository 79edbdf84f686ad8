// The lineage graph around a chip (/v1/chips/{id}/lineage) as SVG.
//
// Layout, in three bands: the chips in the middle row, ordered by generation
// (older left, newer right: successor_of moves one step right, variant_of and
// rivals share a step), found breadth-first from the chip asked for; who
// designs or makes a chip in the row above; who uses it, what it powers and
// its process node in the row below. A node of the outer rows sits as near as
// it can to the mean position of its chips, so edges are short and never run
// through a node of the same row; chip-to-chip edges are arcs under the chip
// row. A row longer than the chip row wraps into staggered sub-rows. Every
// node is a link (a chip to its own graph, anything else to its entity page).
import { get } from './api.js';
import { PREDICATE, h, s } from './dom.js';

const NODE_H = 28;
const ROW = 40; // vertical pitch of sub-rows
const CHAR_W = 7.4; // width of a character at the node font (13px sans-serif), roughly
const GAP = 16; // between nodes of a row
const STEP_GAP = 80; // between generations in the chip row
const BAND_GAP = 64; // between the rows
const ARC_ROOM = 72; // under the chip row, for the chip-to-chip arcs
const PAD = 12;
const MIN_WRAP = 900; // an outer row wraps beyond max(this, the chip row's width)

const UP = new Set(['develops', 'manufactures', 'owns', 'supplies']);
const CHIP_CHIP = { successor_of: 1, variant_of: 0, rivals: 0 };

function valueId(e) {
  return `value:${e.predicate}:${e.value}`;
}

// Generation step of every chip, relative to the chip asked for, and the
// order in which the breadth-first walk found them.
function ranks(chip, nodes, edges) {
  const adj = new Map();
  for (const e of edges) {
    if (!(e.predicate in CHIP_CHIP) || !e.object) continue;
    const d = CHIP_CHIP[e.predicate];
    if (!adj.has(e.subject)) adj.set(e.subject, []);
    if (!adj.has(e.object)) adj.set(e.object, []);
    adj.get(e.subject).push([e.object, -d]);
    adj.get(e.object).push([e.subject, d]);
  }
  const rank = new Map([[chip, 0]]);
  const order = new Map([[chip, 0]]);
  const queue = [chip];
  while (queue.length) {
    const n = queue.shift();
    for (const [m, d] of adj.get(n) || []) {
      if (!rank.has(m)) {
        rank.set(m, rank.get(n) + d);
        order.set(m, order.size);
        queue.push(m);
      }
    }
  }
  for (const n of nodes) {
    if (n.type === 'chip' && !rank.has(n.id)) {
      rank.set(n.id, 0);
      order.set(n.id, order.size);
    }
  }
  return { rank, order };
}

// Places a row's nodes (each with .want, the x its centre would like) left
// to right in that order without overlap, then shifts the row so that on
// average each node is where it wants to be.
function placeRow(row) {
  row.sort((a, b) => a.want - b.want || a.name.localeCompare(b.name));
  let x = -Infinity;
  let shift = 0;
  for (const n of row) {
    n.x = Math.max(n.want - n.w / 2, x);
    x = n.x + n.w + GAP;
    shift += n.x + n.w / 2 - n.want;
  }
  shift /= row.length || 1;
  for (const n of row) n.x -= shift;
}

export function layout(g) {
  const nodes = new Map(g.nodes.map((n) => [n.id, { ...n }]));
  const edges = g.edges.map((e) => ({ ...e, to: e.object ?? valueId(e) }));
  for (const e of edges) {
    if (!e.object && !nodes.has(e.to)) nodes.set(e.to, { id: e.to, name: e.value, type: 'value', value: true });
  }
  for (const n of nodes.values()) n.w = Math.max(48, Math.ceil(n.name.length * CHAR_W) + 20);
  const { rank, order } = ranks(g.chip.id, [...nodes.values()], edges);

  // the chip row
  const chips = [...nodes.values()].filter((n) => rank.has(n.id))
    .sort((a, b) => rank.get(a.id) - rank.get(b.id) || order.get(a.id) - order.get(b.id));
  let x = 0;
  chips.forEach((n, i) => {
    if (i && rank.get(n.id) !== rank.get(chips[i - 1].id)) x += STEP_GAP - GAP;
    n.band = 1;
    n.x = x;
    x += n.w + GAP;
  });
  const chipWidth = x - GAP;

  // the outer rows: each node near the mean centre of its chips
  const links = new Map();
  for (const e of edges) {
    for (const [a, b] of [[e.subject, e.to], [e.to, e.subject]]) {
      if (rank.has(a) || !rank.has(b) || !nodes.has(a)) continue;
      if (!links.has(a)) links.set(a, { xs: [], up: false });
      const l = links.get(a);
      const c = nodes.get(b);
      l.xs.push(c.x + c.w / 2);
      if (UP.has(e.predicate) && a === e.subject) l.up = true;
    }
  }
  const outer = [[], [], []];
  for (const n of nodes.values()) {
    if (rank.has(n.id)) continue;
    const l = links.get(n.id) || { xs: [chipWidth / 2], up: false };
    n.band = l.up ? 0 : 2;
    n.want = l.xs.reduce((p, c) => p + c, 0) / l.xs.length;
    outer[n.band].push(n);
  }
  const wrap = Math.max(MIN_WRAP, chipWidth);
  const subRows = [1, 1, 1];
  for (const band of [0, 2]) {
    const row = outer[band];
    const total = row.reduce((p, n) => p + n.w + GAP, 0);
    const k = Math.max(1, Math.ceil(total / wrap));
    subRows[band] = Math.min(k, row.length) || 0;
    row.sort((a, b) => a.want - b.want);
    for (let r = 0; r < k; r++) {
      const part = row.filter((_, i) => i % k === r);
      placeRow(part);
      for (const n of part) n.sub = r;
    }
  }
  // rows top to bottom; the top band's last sub-row nearest the chips
  const y0 = PAD;
  const chipY = y0 + subRows[0] * ROW + (subRows[0] ? BAND_GAP - (ROW - NODE_H) : 0);
  const bottomY = chipY + NODE_H + ARC_ROOM;
  for (const n of nodes.values()) {
    if (n.band === 1) n.y = chipY;
    else if (n.band === 0) n.y = y0 + n.sub * ROW;
    else n.y = bottomY + n.sub * ROW;
  }
  const all = [...nodes.values()];
  const minX = Math.min(...all.map((n) => n.x));
  for (const n of all) n.x += PAD - minX;
  const width = Math.max(...all.map((n) => n.x + n.w)) + PAD;
  const height = Math.max(...all.map((n) => n.y + NODE_H)) + PAD;
  return { nodes, edges, width: Math.max(width, 200), height: Math.max(height, 60) };
}

// Where the segment from a's centre towards b's centre leaves a's box.
function border(a, b) {
  const cx = a.x + a.w / 2;
  const cy = a.y + NODE_H / 2;
  const dx = b.x + b.w / 2 - cx;
  const dy = b.y + NODE_H / 2 - cy;
  if (!dx && !dy) return [cx, cy];
  const t = Math.min(dx ? (a.w / 2 + 3) / Math.abs(dx) : Infinity, dy ? (NODE_H / 2 + 3) / Math.abs(dy) : Infinity);
  return [cx + dx * t, cy + dy * t];
}

function draw(g, chipId, depth) {
  const L = layout(g);
  const svg = s('svg', {
    class: 'lineage', viewBox: `0 0 ${L.width} ${L.height}`, width: L.width, height: L.height,
    role: 'group', 'aria-label': `Lineage graph of ${g.chip.name}: ${L.nodes.size} nodes, ${L.edges.length} edges`,
  });
  svg.append(s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5',
    markerWidth: '9', markerHeight: '9', markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' },
  s('path', { d: 'M0 0L10 5L0 10z', class: 'arrowhead' }))));
  const edgeLayer = s('g', { class: 'edges' });
  const nodeLayer = s('g', { class: 'nodes' });
  svg.append(edgeLayer, nodeLayer);
  for (const e of L.edges) {
    const a = L.nodes.get(e.subject);
    const b = L.nodes.get(e.to);
    if (!a || !b) continue;
    const [x1, y1] = border(a, b);
    const [x2, y2] = border(b, a);
    let d;
    if (a.band === b.band) {
      // chip to chip: an arc under the row, deeper the farther apart
      const ax = a.x + a.w / 2;
      const bx = b.x + b.w / 2;
      const yb = a.y + NODE_H + 2;
      const depth = Math.min(ARC_ROOM - 6, 14 + Math.abs(bx - ax) * 0.12);
      d = `M${ax.toFixed(1)} ${yb}C${ax.toFixed(1)} ${(yb + depth).toFixed(1)} ${bx.toFixed(1)} ${(yb + depth).toFixed(1)} ${bx.toFixed(1)} ${yb + 2}`;
    } else {
      d = `M${x1.toFixed(1)} ${y1.toFixed(1)}L${x2.toFixed(1)} ${y2.toFixed(1)}`;
    }
    const label = `${a.name} ${(PREDICATE[e.predicate] || [e.predicate])[0]} ${b.name}`;
    edgeLayer.append(s('path', {
      d, class: `edge p-${e.predicate}`, 'marker-end': 'url(#arrow)',
      'data-subject': e.subject, 'data-predicate': e.predicate, 'data-object': e.to,
    }, s('title', {}, `${label} (confidence ${e.confidence.toFixed(2)})`)));
  }
  for (const n of L.nodes.values()) {
    const rect = s('rect', { x: n.x, y: n.y, width: n.w, height: NODE_H, rx: 6,
      class: `node-box t-${n.type}${n.id === chipId ? ' focus' : ''}` });
    const text = s('text', { x: n.x + n.w / 2, y: n.y + NODE_H / 2, 'text-anchor': 'middle',
      'dominant-baseline': 'central' }, n.name);
    const group = n.value
      ? s('g', { class: 'node', 'data-id': n.id, role: 'img', 'aria-label': `process node ${n.name}` }, rect, text)
      : s('a', {
        class: 'node', 'data-id': n.id,
        href: n.type === 'chip' ? `#/chip/${encodeURIComponent(n.id)}?depth=${depth}` : `#/entity/${encodeURIComponent(n.id)}`,
      }, s('title', {}, `${n.name} (${n.type})`), rect, text);
    nodeLayer.append(group);
  }
  return { svg, L };
}

export async function lineagePage(root, { args, params, signal }) {
  const id = args[0];
  let depth = Number(params.get('depth') || 2);
  if (!(depth >= 1 && depth <= 5)) depth = 2;
  const g = await get(`/v1/chips/${encodeURIComponent(id)}/lineage`, { depth }, signal);
  const select = h('select', { id: 'depth' }, [1, 2, 3, 4, 5].map((d) =>
    h('option', { value: d, selected: d === depth }, String(d))));
  select.addEventListener('change', () => {
    location.hash = `#/chip/${encodeURIComponent(id)}?depth=${select.value}`;
  });
  const { svg, L } = draw(g, g.chip.id, depth);
  const preds = [...new Set(g.edges.map((e) => e.predicate))];
  root.append(
    h('h1', {}, `Lineage of ${g.chip.name}`),
    h('div', { class: 'toolbar' },
      h('label', { for: 'depth' }, 'Chip-to-chip hops '), select,
      h('a', { href: `#/entity/${encodeURIComponent(g.chip.id)}` }, `${g.chip.name}: facts and evidence`)),
    h('p', { class: 'muted' }, `${L.nodes.size} nodes, ${g.edges.length} edges. Older chips left, newer right; `,
      'who designs or makes a chip above it, who uses it, what it powers and its process node below.'),
    h('div', { class: 'graph-wrap' }, svg),
    h('ul', { class: 'legend', 'aria-label': 'Edge colours' }, preds.map((p) => h('li', {},
      h('span', { class: `swatch p-${p}` }), (PREDICATE[p] || [p])[0]))),
  );
  // a textual equivalent of the graph for screen readers and narrow screens
  const byName = new Map([...L.nodes.values()].map((n) => [n.id, n.name]));
  root.append(h('details', { class: 'edge-list' }, h('summary', {}, 'The edges as a list'),
    h('ul', {}, g.edges.map((e) => h('li', {}, byName.get(e.subject), ' ',
      h('span', { class: 'pred' }, (PREDICATE[e.predicate] || [e.predicate])[0]), ' ',
      byName.get(e.object ?? valueId(e)))))));
}
