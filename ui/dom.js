// DOM helpers. Data from the API is only ever inserted as text: h() makes
// text nodes of strings, and nothing here assigns innerHTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.setAttribute('class', v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

// Appends strings (as text), nodes and (nested) arrays of them; skips null.
export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// Only http(s) URLs become links (no javascript: or data: from the data).
export function safeUrl(u) {
  try {
    const url = new URL(u);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export function entityHref(ref) {
  return ref.type === 'chip' ? `#/chip/${encodeURIComponent(ref.id)}` : `#/entity/${encodeURIComponent(ref.id)}`;
}

export function entityLink(ref) {
  return h('a', { href: `#/entity/${encodeURIComponent(ref.id)}`, class: 'ent' }, ref.name);
}

export function badge(text, cls) {
  return h('span', { class: 'badge' + (cls ? ' ' + cls : '') }, text);
}

export function typeBadge(type) {
  return badge(TYPE_LABEL[type] || type, 'type type-' + type);
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many || one + 's'}`;
}

export function fmtBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

export const TYPE_LABEL = {
  company: 'company', agency: 'agency', country: 'country', organization: 'organization',
  chip: 'chip', product: 'product', ai_model: 'AI model', program: 'program', person: 'person',
};

// How a predicate reads from its subject (out) and from its object (in).
export const PREDICATE = {
  owns: ['owns', 'owned by'],
  develops: ['develops', 'developed by'],
  manufactures: ['manufactures', 'manufactured by'],
  uses: ['uses', 'used by'],
  supplies: ['supplies', 'supplied by'],
  partners_with: ['partners with', 'partner of'],
  invests_in: ['invests in', 'investment from'],
  leases_compute_from: ['leases compute from', 'leases compute to'],
  sues: ['sues', 'sued by'],
  successor_of: ['successor of', 'succeeded by'],
  variant_of: ['variant of', 'has variant'],
  rivals: ['rivals', 'rivalled by'],
  powers: ['powers', 'powered by'],
  process_node: ['process node', 'process node of'],
};

export const MEASURES = {
  entity_listing: 'entity listing',
  export_restriction: 'export restriction',
  shipment_suspension: 'shipment suspension',
  service_withdrawal: 'service withdrawal',
  data_transfer_ban: 'data transfer ban',
  divestiture_order: 'divestiture order',
  investment_restriction: 'investment restriction',
  procurement_ban: 'procurement ban',
};

// UTF-16 index of each code point offset: the API counts code points, JS
// strings count UTF-16 units (they differ past U+FFFF).
export function cpToIndex(str, cp) {
  let i = 0;
  for (let n = 0; n < cp && i < str.length; n++) {
    const c = str.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < str.length ? 2 : 1;
  }
  return i;
}

const WORD = /[\p{L}\p{N}]/u;

// Every occurrence of the terms in text, case-insensitive and on word
// boundaries, as non-overlapping [start, end, term] ranges (longer terms
// win). terms: [{text, cls, id?}].
export function findMentions(text, terms) {
  const lower = text.toLowerCase();
  const sorted = terms.filter((t) => t.text && t.text.length >= 2)
    .sort((a, b) => b.text.length - a.text.length);
  const taken = new Uint8Array(text.length);
  const out = [];
  for (const t of sorted) {
    const needle = t.text.toLowerCase();
    if (needle.length !== t.text.length) continue; // a case mapping that changes length
    for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + 1)) {
      const j = i + needle.length;
      if ((i > 0 && WORD.test(text[i - 1]) && WORD.test(text[i])) ||
          (j < text.length && WORD.test(text[j]) && WORD.test(text[j - 1]))) continue;
      let free = true;
      for (let k = i; k < j; k++) if (taken[k]) { free = false; break; }
      if (!free) continue;
      taken.fill(1, i, j);
      out.push([i, j, t]);
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

// The ranges of text (a sentence starting at code point `start` of its
// article) that mentions [{role, start, end}] (article code points) cover,
// as sorted [i, j, term] UTF-16 ranges; term(mention) gives the term (null:
// skip it). A mention outside text is skipped.
export function mentionRanges(text, start, mentions, term) {
  const cps = [...text].length;
  const out = [];
  for (const m of mentions || []) {
    const a = m.start - start;
    const b = m.end - start;
    const t = term(m);
    if (!t || !(a >= 0 && b > a && b <= cps)) continue;
    out.push([cpToIndex(text, a), cpToIndex(text, b), t]);
  }
  return out.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
}

// text with ranges [i, j, term] (sorted; one overlapping an earlier one is
// skipped) wrapped in <mark> (or what mark(term) makes), as a fragment.
export function markRanges(text, ranges, mark) {
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const [i, j, t] of ranges) {
    if (i < at) continue;
    if (i > at) frag.appendChild(document.createTextNode(text.slice(at, i)));
    const el = mark ? mark(t) : h('mark', { class: t.cls || null, title: t.title || null });
    el.textContent = text.slice(i, j);
    frag.appendChild(el);
    at = j;
  }
  if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
  return frag;
}

// text with the terms' mentions (found by name) wrapped in <mark>.
export function highlight(text, terms, mark) {
  return markRanges(text, findMentions(text, terms), mark);
}
