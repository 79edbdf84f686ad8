// The dashboard's router: the page is the URL's fragment (#/entity/huawei,
// #/sanctions?measure=entity_listing), so a view is a link that can be shared
// and survives a reload, and the server has one document to serve (`/`).
import { clear, h } from './dom.js';
import { searchPage } from './search.js';
import { entityPage } from './entity.js';
import { lineagePage } from './lineage.js';
import { sanctionsPage } from './sanctions.js';
import { articlePage, articlesPage } from './article.js';
import { apiPage, statusPage } from './status.js';

const routes = [
  [/^$/, 'search', searchPage],
  [/^entity\/([^/]+)$/, 'search', entityPage],
  [/^chip\/([^/]+)$/, 'search', lineagePage],
  [/^sanctions$/, 'sanctions', sanctionsPage],
  [/^articles$/, 'articles', articlesPage],
  [/^article\/([^/]+)$/, 'articles', articlePage],
  [/^status$/, 'status', statusPage],
  [/^api$/, 'status', apiPage],
];

const main = document.getElementById('main');
let current = null; // AbortController of the page on screen
let first = true;

export function parseHash(hash) {
  const frag = hash.replace(/^#\/?/, '');
  const qi = frag.indexOf('?');
  const path = qi < 0 ? frag : frag.slice(0, qi);
  const params = new URLSearchParams(qi < 0 ? '' : frag.slice(qi + 1));
  return { path, params };
}

function notFound(root) {
  root.append(h('h1', {}, 'Not found'),
    h('p', {}, 'There is no such page. ', h('a', { href: '#/' }, 'Search'), ' the knowledge base.'));
}

async function render() {
  if (current) current.abort();
  const ctl = new AbortController();
  current = ctl;
  const { path, params } = parseHash(location.hash);
  let page = notFound;
  let section = null;
  let args = [];
  for (const [rx, nav, fn] of routes) {
    const m = rx.exec(path);
    if (m) {
      page = fn;
      section = nav;
      try {
        args = m.slice(1).map(decodeURIComponent);
      } catch {
        page = notFound; // a malformed escape ("%E0%A4%A"): no such page
        section = null;
      }
      break;
    }
  }
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const root = h('div', { class: 'page' });
  clear(main).append(root);
  main.setAttribute('aria-busy', 'true');
  try {
    await page(root, { args, params, signal: ctl.signal });
  } catch (err) {
    if (err.name === 'AbortError') return;
    clear(root).append(h('h1', {}, err.status === 404 ? 'Not found' : 'Something went wrong'),
      h('p', { role: 'alert', class: 'error' }, err.message));
  } finally {
    if (current === ctl) main.removeAttribute('aria-busy');
  }
  if (current !== ctl) return;
  const h1 = root.querySelector('h1');
  document.title = h1 ? `${h1.textContent} · ecfacts` : 'ecfacts';
  // After a navigation, focus goes to the new page's heading (screen readers
  // announce it); not on the first load, where the page may focus a field.
  if (!first && h1 && !root.contains(document.activeElement)) {
    h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: false });
  }
  first = false;
  document.dispatchEvent(new CustomEvent('ecf:rendered', { detail: { path } }));
}

window.addEventListener('hashchange', render);
render();
