// Articles: the list, and one article's text with the mentions of its
// entities highlighted (each a link to the entity), the facts and sanctions
// extracted from it; #/article/ID?s=START-END also marks one sentence (code
// point offsets, as the API's evidence gives them).
import { aliasesOf, all, get } from './api.js';
import { cpToIndex, findMentions, h, plural, safeUrl, typeBadge } from './dom.js';
import { claimItem, grouped } from './claims.js';
import { MEASURES, PREDICATE } from './dom.js';

export async function articlesPage(root, { signal }) {
  root.append(h('h1', {}, 'Articles'));
  const items = await all('/v1/articles', {}, signal);
  items.sort((a, b) => (b.date || '').localeCompare(a.date || ''));
  root.append(h('p', { class: 'muted' }, plural(items.length, 'article')),
    h('ul', { class: 'articles' }, items.map((a) => h('li', {},
      h('a', { href: `#/article/${encodeURIComponent(a.id)}` }, a.title || a.id),
      h('p', { class: 'muted small' }, [a.date, a.site, `${a.counts.entities} entities, `
        + `${a.counts.facts} facts, ${a.counts.sanctions} sanctions`].filter(Boolean).join(' · '))))));
}

// The text as paragraphs; mentions become links, the chosen sentence a mark.
function body(text, mentions, sel, skipTitle) {
  const out = h('div', { class: 'article-text' });
  const paras = [];
  const rx = /\n\s*\n/g;
  let at = 0;
  for (let m; (m = rx.exec(text));) {
    paras.push([at, m.index]);
    at = m.index + m[0].length;
  }
  paras.push([at, text.length]);
  let mi = 0;
  for (const [ps, pe] of paras) {
    if (pe <= ps) continue;
    if (skipTitle && ps === 0 && text.slice(0, pe).trim() === skipTitle) continue;
    // boundaries inside this paragraph: mentions and the chosen sentence
    const cuts = new Set([ps, pe]);
    if (sel) for (const c of sel) if (c > ps && c < pe) cuts.add(c);
    while (mi < mentions.length && mentions[mi][1] <= ps) mi++;
    const mine = [];
    for (let k = mi; k < mentions.length && mentions[k][0] < pe; k++) {
      mine.push(mentions[k]);
      cuts.add(Math.max(mentions[k][0], ps));
      cuts.add(Math.min(mentions[k][1], pe));
    }
    const sorted = [...cuts].sort((a, b) => a - b);
    const p = h('p', {});
    for (let i = 0; i + 1 < sorted.length; i++) {
      const [a, b] = [sorted[i], sorted[i + 1]];
      const piece = text.slice(a, b);
      const men = mine.find((x) => x[0] <= a && b <= x[1]);
      const inSel = sel && a >= sel[0] && b <= sel[1];
      let node;
      if (men) {
        const t = men[2];
        node = h('a', { class: 'mention t-' + t.type, href: `#/entity/${encodeURIComponent(t.id)}`,
          title: `${t.name} (${t.type})` }, piece);
        if (inSel) node = h('mark', { class: 'sentence' }, node);
      } else {
        node = inSel ? h('mark', { class: 'sentence' }, piece) : document.createTextNode(piece);
      }
      p.append(node);
    }
    out.append(p);
  }
  return out;
}

export async function articlePage(root, { args, params, signal }) {
  const id = args[0];
  const a = await get(`/v1/articles/${encodeURIComponent(id)}`, null, signal);
  const refs = [...a.entities];
  for (const f of a.facts) refs.push(f.subject, ...(f.object ? [f.object] : []));
  for (const sn of a.sanctions) refs.push(sn.imposer, sn.target);
  const names = await aliasesOf(refs, signal, 80);
  const terms = [];
  for (const e of a.entities) {
    for (const n of names.get(e.id) || [e.name]) terms.push({ text: n, id: e.id, name: e.name, type: e.type });
  }
  const mentions = findMentions(a.text, terms);
  let sel = null;
  const m = /^([0-9]+)-([0-9]+)$/.exec(params.get('s') || '');
  if (m) sel = [cpToIndex(a.text, Number(m[1])), cpToIndex(a.text, Number(m[2]))];

  root.append(h('h1', {}, a.title || a.id));
  const url = a.url && safeUrl(a.url);
  root.append(h('p', { class: 'muted' }, [
    a.date ? `Dated ${a.date}` : null, a.published ? `published ${a.published}` : null,
    a.byline ? `by ${a.byline}` : null, a.site, `stored ${a.ingested_at}`,
  ].filter(Boolean).join(' · '), url ? [' · ', h('a', { href: url, rel: 'noopener noreferrer' }, 'original')] : null));
  root.append(h('p', {}, `${plural(a.entities.length, 'entity', 'entities')}, ${plural(a.facts.length, 'fact')}, `
    + `${plural(a.sanctions.length, 'sanction')} extracted. Mentions are highlighted; each links to its entity.`));
  const text = body(a.text, mentions, sel, a.title);
  root.append(h('section', { class: 'block', 'aria-label': 'Text' }, text));
  const titles = new Map([[a.id, a.title || a.id]]);
  const opts = { names, titles, onlyArticle: a.id, maxEvidence: 5 };
  root.append(h('section', { class: 'block' }, h('h2', {}, 'Facts from this article ',
    h('span', { class: 'count' }, `(${a.facts.length})`)),
  a.facts.length ? grouped(a.facts, (f) => f.predicate, (p) => (PREDICATE[p] || [p])[0], (f) => claimItem(f, opts))
    : h('p', { class: 'muted' }, 'None.')));
  root.append(h('section', { class: 'block' }, h('h2', {}, 'Sanctions from this article ',
    h('span', { class: 'count' }, `(${a.sanctions.length})`)),
  a.sanctions.length ? grouped(a.sanctions, (x) => x.measure, (k) => MEASURES[k] || k, (x) => claimItem(x, opts))
    : h('p', { class: 'muted' }, 'None.')));
  root.append(h('section', { class: 'block' }, h('h2', {}, 'Entities'),
    h('ul', { class: 'tiles' }, a.entities.map((e) => h('li', {},
      h('a', { href: `#/entity/${encodeURIComponent(e.id)}` }, e.name), ' ', typeBadge(e.type))))));
  const mark = root.querySelector('mark.sentence');
  if (mark) requestAnimationFrame(() => mark.scrollIntoView({ block: 'center' }));
}
