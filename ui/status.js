// Status: the store's counts (/v1/stats), each polled source and its last
// fetch (/v1/sources), links to the metrics and the API contract; and the
// contract itself, shown as text.
import { all, get } from './api.js';
import { fmtBytes, h } from './dom.js';

export async function statusPage(root, { signal }) {
  root.append(h('h1', {}, 'Status'));
  const [st, sources] = await Promise.all([get('/v1/stats', null, signal), all('/v1/sources', {}, signal)]);
  const card = (n, label, href) => h('li', {}, h('span', { class: 'num' }, String(n)),
    href ? h('a', { href }, label) : h('span', {}, label));
  root.append(h('section', { class: 'block' }, h('h2', {}, 'Knowledge base'),
    h('ul', { class: 'cards' },
      card(st.articles, 'articles', '#/articles'), card(st.entities, 'entities', '#/'),
      card(st.facts, 'facts'), card(st.sanctions, 'sanctions', '#/sanctions')),
    h('p', { class: 'muted' }, `Store: ${fmtBytes(st.store_bytes)} used of a ${fmtBytes(st.map_size)} map; `
      + `schema version ${st.schema_version}.`)));

  const src = h('section', { class: 'block' }, h('h2', {}, 'Sources'));
  if (!sources.length) {
    src.append(h('p', { class: 'muted' }, 'No feed or page is polled by this server '
      + '(ecfacts serve --sources FILE), and none has been fetched with POST /v1/fetch.'));
  } else {
    const cell = (label, ...c) => h('td', { 'data-label': label }, ...c);
    src.append(h('table', { class: 'sources-table' },
      h('thead', {}, h('tr', {}, ['Source', 'Last fetch', 'HTTP', 'Found', 'Stored', 'Failed', 'Last error']
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, sources.map((x) => h('tr', {},
        cell('Source', h('span', { class: 'url' }, x.url), x.is_feed ? ' (feed)' : ''),
        cell('Last fetch', h('time', {}, x.last_fetch)),
        cell('HTTP', String(x.http_status), x.not_modified ? ' (not modified)' : ''),
        cell('Found', String(x.counts.found ?? '')),
        cell('Stored', String(x.counts.stored ?? '')),
        cell('Failed', String(x.counts.failed ?? '')),
        cell('Last error', x.last_error || x.note || '—'))))));
  }
  root.append(src);
  root.append(h('section', { class: 'block' }, h('h2', {}, 'Operations'), h('ul', {},
    h('li', {}, h('a', { href: '/metrics' }, 'Metrics'), ' (Prometheus text format)'),
    h('li', {}, h('a', { href: '#/api' }, 'The API contract'), ' (OpenAPI 3.1; ',
      h('a', { href: '/openapi.yaml' }, 'openapi.yaml'), ')'),
    h('li', {}, h('a', { href: '/healthz' }, 'Liveness'), ' and ', h('a', { href: '/readyz' }, 'readiness')))));
}

export async function apiPage(root, { signal }) {
  root.append(h('h1', {}, 'API contract'),
    h('p', {}, 'Everything this dashboard shows comes from these routes. ',
      h('a', { href: '/openapi.yaml', download: 'openapi.yaml' }, 'Download openapi.yaml'), '.'));
  const r = await fetch('/openapi.yaml', { signal });
  if (!r.ok) throw new Error(`/openapi.yaml: HTTP ${r.status}`);
  root.append(h('pre', { class: 'yaml', tabindex: 0, 'aria-label': 'openapi.yaml' }, await r.text()));
}
