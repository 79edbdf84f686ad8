// One claim (a fact or a sanction) with its evidence: the sentence with the
// mentions of its entities highlighted, confidence, status, mentions and
// sources, and links to the articles (the sentence's offsets go along, so the
// article page highlights it). The highlighted words are the evidence's
// `mentions` (what the extractor read, "it" and "the company" too); only
// evidence without them falls back to finding the entities' names.
import {
  MEASURES, PREDICATE, badge, entityLink, h, highlight, markRanges, mentionRanges, plural,
} from './dom.js';

const FIRST_ROLE = new Set(['subject', 'imposer']);

// names: Map id -> [name, ...aliases]; titles: Map article id -> title.
export function claimItem(claim, opts = {}) {
  const { names = new Map(), titles = new Map(), onlyArticle = null, maxEvidence = 3 } = opts;
  const sanction = 'measure' in claim;
  const a = sanction ? claim.imposer : claim.subject;
  const b = sanction ? claim.target : claim.object;
  const verb = sanction ? MEASURES[claim.measure] || claim.measure
    : (PREDICATE[claim.predicate] || [claim.predicate])[0];
  const line = h('p', { class: 'claim-line' }, entityLink(a), ' ',
    h('span', { class: 'pred' }, verb), ' ',
    b ? entityLink(b) : h('span', { class: 'value' }, claim.value ?? ''));
  if (sanction && claim.items && claim.items.length)
    line.append(h('span', { class: 'items' }, ` (${claim.items.join('; ')})`));
  if (sanction && claim.date) line.append(' ', h('time', { class: 'date' }, claim.date));

  let evidence = claim.evidence || [];
  if (onlyArticle) evidence = evidence.filter((e) => e.article === onlyArticle);
  const articles = new Set((claim.evidence || []).map((e) => e.article));
  const more = (claim.evidence || []).length < claim.mentions ? '+' : '';
  const meta = h('p', { class: 'claim-meta' },
    claim.status !== 'asserted' ? badge(claim.status, 'status status-' + claim.status) : null,
    badge(`confidence ${claim.confidence.toFixed(2)}`, 'conf'),
    h('span', {}, plural(claim.mentions, 'mention')),
    h('span', {}, `${plural(articles.size, 'source')}${more}`));

  const terms = [];
  for (const [ref, cls] of [[a, 'm-a'], [b, 'm-b']]) {
    if (!ref) continue;
    for (const n of names.get(ref.id) || [ref.name]) terms.push({ text: n, cls, title: ref.name });
  }
  if (!b && claim.value) terms.push({ text: claim.value, cls: 'm-b', title: claim.value });
  const roleTerm = (m) => (FIRST_ROLE.has(m.role)
    ? { cls: 'm-a', title: a ? a.name : null }
    : { cls: 'm-b', title: b ? b.name : claim.value ?? null });
  const quote = (e) => (e.mentions && e.mentions.length
    ? markRanges(e.sentence, mentionRanges(e.sentence, e.start, e.mentions, roleTerm))
    : highlight(e.sentence, terms));

  const list = h('ul', { class: 'evidence' });
  const shown = evidence.slice(0, maxEvidence);
  const rest = evidence.slice(maxEvidence);
  const item = (e) => {
    const art = `#/article/${encodeURIComponent(e.article)}?s=${e.start}-${e.end}`;
    return h('li', {},
      h('blockquote', {}, quote(e)),
      h('p', { class: 'cite' }, h('a', { href: art }, titles.get(e.article) || e.article),
        h('span', { class: 'rule', title: 'the extraction rule and its confidence' },
          ` · ${e.rule} ${e.confidence.toFixed(2)}`)));
  };
  for (const e of shown) list.append(item(e));
  const out = h('li', { class: 'claim claim-' + claim.status, 'data-id': claim.id }, line, meta, list);
  if (rest.length) {
    out.append(h('details', {}, h('summary', {}, `${rest.length} more`),
      h('ul', { class: 'evidence' }, rest.map(item))));
  }
  return out;
}

// Claims grouped by key(claim), each group under a heading.
export function grouped(claims, key, label, render, level = 'h3') {
  const groups = new Map();
  for (const c of claims) {
    const k = key(c);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(c);
  }
  return [...groups].map(([k, cs]) => h('section', { class: 'group' },
    h(level, {}, label(k), ' ', h('span', { class: 'count' }, `(${cs.length})`)),
    h('ul', { class: 'claims' }, cs.map(render))));
}
