// Search as you type (/v1/search, typo tolerant), as an ARIA 1.2 combobox:
// arrow keys move through the hits, Enter opens one, Escape closes the list.
// Below it, the chips (each opens its lineage graph).
import { get, all } from './api.js';
import { entityHref, h, typeBadge } from './dom.js';

const DEBOUNCE_MS = 150;

export function combobox(signal) {
  const input = h('input', {
    id: 'q', type: 'search', role: 'combobox', autocomplete: 'off', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'hits',
    placeholder: 'Huawei, Ascend 910B, Entity List…',
  });
  const list = h('ul', { id: 'hits', role: 'listbox', 'aria-label': 'Entities found', hidden: true });
  const status = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  let hits = [];
  let active = -1;
  let timer = 0;
  let seq = 0;
  let inflight = null;

  function open(on) {
    list.hidden = !on;
    input.setAttribute('aria-expanded', on ? 'true' : 'false');
    if (!on) setActive(-1);
  }
  function setActive(i) {
    active = i;
    list.querySelectorAll('[role=option]').forEach((li, k) => {
      li.setAttribute('aria-selected', k === i ? 'true' : 'false');
      if (k === i) li.scrollIntoView({ block: 'nearest' });
    });
    if (i >= 0) input.setAttribute('aria-activedescendant', `hit-${i}`);
    else input.removeAttribute('aria-activedescendant');
  }
  function choose(i) {
    const hit = hits[i];
    if (!hit) return;
    open(false);
    location.hash = entityHref(hit.entity);
  }
  function show(q, items) {
    hits = items;
    list.replaceChildren(...items.map((hit, i) => {
      const e = hit.entity;
      return h('li', { id: `hit-${i}`, role: 'option', 'aria-selected': 'false', 'data-id': e.id,
        onmousedown: (ev) => ev.preventDefault(), onclick: () => choose(i) },
        h('span', { class: 'hit-name' }, e.name), ' ', typeBadge(e.type),
        hit.country ? h('span', { class: 'country', title: 'country' }, hit.country) : null,
        hit.matched !== e.name ? h('span', { class: 'matched' }, `matched “${hit.matched}”`) : null);
    }));
    if (!items.length) list.append(h('li', { class: 'none', role: 'presentation' }, `Nothing found for “${q}”.`));
    status.textContent = items.length ? `${items.length} results` : 'No results';
    open(true);
    setActive(items.length ? 0 : -1);
  }
  async function lookup(q) {
    const mine = ++seq;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    signal.addEventListener('abort', () => inflight && inflight.abort(), { once: true });
    try {
      const r = await get('/v1/search', { q, limit: 10 }, inflight.signal);
      if (mine === seq) show(q, r.items);
    } catch (err) {
      if (err.name !== 'AbortError' && mine === seq) {
        hits = [];
        list.replaceChildren(h('li', { class: 'none error', role: 'presentation' }, err.message));
        open(true);
      }
    }
  }
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if ([...q].length < 2) {
      seq++;
      hits = [];
      open(false);
      return;
    }
    timer = setTimeout(() => lookup(q), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (ev) => {
    const n = hits.length;
    if (ev.key === 'ArrowDown' && n) {
      ev.preventDefault();
      if (list.hidden) open(true);
      setActive((active + 1) % n);
    } else if (ev.key === 'ArrowUp' && n) {
      ev.preventDefault();
      if (list.hidden) open(true);
      setActive((active - 1 + n) % n);
    } else if (ev.key === 'Enter' && !list.hidden && active >= 0) {
      ev.preventDefault();
      choose(active);
    } else if (ev.key === 'Escape') {
      open(false);
    }
  });
  input.addEventListener('blur', () => open(false));
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  const label = h('label', { for: 'q' }, 'Search entities by name or alias (typos welcome)');
  return h('div', { class: 'combo' }, label, input, list, status);
}

export async function searchPage(root, { signal }) {
  const combo = combobox(signal);
  root.append(h('h1', {}, 'Search the knowledge base'), combo);
  combo.querySelector('input').focus();
  const chips = await all('/v1/chips', {}, signal);
  chips.sort((a, b) => b.mentions - a.mentions || a.name.localeCompare(b.name));
  root.append(h('section', { class: 'chips' },
    h('h2', {}, 'Chips'),
    h('p', {}, 'Each opens the lineage graph around it.'),
    h('ul', { class: 'tiles' }, chips.map((c) => h('li', {},
      h('a', { href: `#/chip/${encodeURIComponent(c.id)}` }, c.name),
      c.country ? h('span', { class: 'country' }, c.country) : null,
      h('span', { class: 'muted' }, ` ${c.mentions}×`))))));
}
