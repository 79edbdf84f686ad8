// An entity: name, type, country, aliases; its facts out and in, grouped by
// predicate; the sanctions it imposes or is under; the articles it is in.
import { aliasesOf, get } from './api.js';
import { MEASURES, PREDICATE, h, plural, typeBadge } from './dom.js';
import { claimItem, grouped } from './claims.js';

export async function entityPage(root, { args, signal }) {
  const id = args[0];
  const e = await get(`/v1/entities/${encodeURIComponent(id)}`, null, signal);
  const others = [];
  for (const f of [...e.facts_out, ...e.facts_in]) {
    others.push(f.subject);
    if (f.object) others.push(f.object);
  }
  for (const s of e.sanctions) others.push(s.imposer, s.target);
  const names = await aliasesOf(others.filter((r) => r.id !== e.id), signal);
  names.set(e.id, [e.name, ...e.aliases]);
  const titles = new Map(e.sources.map((s) => [s.id, s.title || s.id]));
  const opts = { names, titles };

  root.append(h('h1', {}, e.name));
  const facts = h('dl', { class: 'facts' },
    h('dt', {}, 'Type'), h('dd', {}, typeBadge(e.type)),
    h('dt', {}, 'Country'), h('dd', {}, e.country || '—'),
    h('dt', {}, 'Aliases'), h('dd', {}, e.aliases.length ? e.aliases.join(', ') : '—'),
    h('dt', {}, 'Mentioned'), h('dd', {}, `${plural(e.mentions, 'time')} in ${plural(e.articles, 'article')}`));
  root.append(facts);
  if (e.type === 'chip') {
    root.append(h('p', {}, h('a', { class: 'button', href: `#/chip/${encodeURIComponent(e.id)}` },
      'Lineage graph of ', e.name)));
  }
  const toc = h('nav', { class: 'toc', 'aria-label': 'On this page' }, h('ul', {},
    h('li', {}, h('a', { href: '#', 'data-to': 'out' }, `Facts out (${e.facts_out.length})`)),
    h('li', {}, h('a', { href: '#', 'data-to': 'in' }, `Facts in (${e.facts_in.length})`)),
    h('li', {}, h('a', { href: '#', 'data-to': 'sanctions' }, `Sanctions (${e.sanctions.length})`)),
    h('li', {}, h('a', { href: '#', 'data-to': 'sources' }, `Sources (${e.sources.length})`))));
  toc.addEventListener('click', (ev) => {
    const to = ev.target.closest('[data-to]');
    if (!to) return;
    ev.preventDefault(); // the fragment is the route: scroll without changing it
    root.querySelector(`#sec-${to.dataset.to}`).scrollIntoView();
  });
  root.append(toc);

  const byPred = (f) => f.predicate;
  const section = (key, title, claims, body) => h('section', { id: `sec-${key}`, class: 'block' },
    h('h2', {}, title, ' ', h('span', { class: 'count' }, `(${claims.length})`)),
    claims.length ? body() : h('p', { class: 'muted' }, 'None.'));
  root.append(section('out', `What ${e.name} does`, e.facts_out, () => grouped(e.facts_out, byPred,
    (p) => (PREDICATE[p] || [p])[0], (f) => claimItem(f, opts))));
  root.append(section('in', `What is said of ${e.name}`, e.facts_in, () => grouped(e.facts_in, byPred,
    (p) => (PREDICATE[p] || [p, p])[1], (f) => claimItem(f, opts))));
  root.append(section('sanctions', 'Sanctions', e.sanctions, () => grouped(e.sanctions,
    (s) => `${s.imposer.id === e.id ? 'imposes' : 'under'} ${s.measure}`,
    (k) => {
      const [role, m] = k.split(' ');
      return `${role === 'imposes' ? 'Imposes' : 'Under'}: ${MEASURES[m] || m}`;
    }, (s) => claimItem(s, opts))));
  root.append(section('sources', 'Sources', e.sources, () => h('ul', { class: 'sources' },
    e.sources.map((s) => h('li', {}, h('a', { href: `#/article/${encodeURIComponent(s.id)}` },
      s.title || s.id))))));
}
