// Sanctions: a table filtered by imposer, target, measure and a date range
// (the API's own filters), and a timeline of the matching sanctions by month.
// The filters live in the URL (#/sanctions?imposer=...&since=2023), so a view
// can be shared and survives a reload.
import { all } from './api.js';
import { MEASURES, badge, clear, entityLink, h, s } from './dom.js';

const FILTERS = ['imposer', 'target', 'measure', 'since', 'until'];
const DATE_RX = /^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$/;

function selectOf(name, label, options, value) {
  const sel = h('select', { id: `f-${name}`, name },
    h('option', { value: '' }, 'any'),
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  return h('div', { class: 'field' }, h('label', { for: `f-${name}` }, label), sel);
}

function dateField(name, label, value) {
  return h('div', { class: 'field' }, h('label', { for: `f-${name}` }, label),
    h('input', { id: `f-${name}`, name, value: value || '', placeholder: 'YYYY[-MM[-DD]]',
      pattern: '[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?', inputmode: 'numeric', size: 11,
      'aria-describedby': 'date-help' }));
}

function row(sn) {
  const ev = sn.evidence[0];
  const cell = (label, ...c) => h('td', { 'data-label': label }, ...c);
  return h('tr', { 'data-id': sn.id },
    cell('Date', sn.date ? h('time', {}, sn.date) : h('span', { class: 'muted' }, 'undated')),
    cell('Imposer', entityLink(sn.imposer)),
    cell('Measure', MEASURES[sn.measure] || sn.measure),
    cell('Target', entityLink(sn.target)),
    cell('Items', sn.items.join('; ') || '—'),
    cell('Status', sn.status === 'asserted' ? 'asserted' : badge(sn.status, 'status status-' + sn.status),
      ` ${sn.confidence.toFixed(2)}`),
    cell('Evidence', ev ? h('a', { href: `#/article/${encodeURIComponent(ev.article)}?s=${ev.start}-${ev.end}`,
      title: ev.sentence }, `${sn.mentions}× · ${ev.article}`) : '—'));
}

// Months from the first to the last dated (YYYY-MM) sanction, a bar each.
function timeline(items, onPick) {
  const counts = new Map();
  let yearOnly = 0;
  let undated = 0;
  for (const sn of items) {
    if (!sn.date) undated++;
    else if (sn.date.length < 7) yearOnly++;
    else counts.set(sn.date.slice(0, 7), (counts.get(sn.date.slice(0, 7)) || 0) + 1);
  }
  const wrap = h('figure', { class: 'timeline' });
  const caption = [];
  if (!counts.size) caption.push('No sanction here is dated to the month.');
  if (yearOnly) caption.push(`${yearOnly} dated to the year only.`);
  if (undated) caption.push(`${undated} undated.`);
  if (counts.size) {
    const keys = [...counts.keys()].sort();
    let [y, m] = keys[0].split('-').map(Number);
    const [ly, lm] = keys[keys.length - 1].split('-').map(Number);
    const months = [];
    while (y < ly || (y === ly && m <= lm)) {
      months.push(`${y}-${String(m).padStart(2, '0')}`);
      if (++m > 12) { m = 1; y++; }
    }
    const max = Math.max(...counts.values());
    const bw = 10;
    const gap = 2;
    const ch = 80;
    const width = Math.max(months.length * (bw + gap) + 40, 240);
    const svg = s('svg', { viewBox: `0 0 ${width} ${ch + 36}`, class: 'bars', role: 'img',
      'aria-label': `Sanctions by month, ${months[0]} to ${months[months.length - 1]}` });
    svg.append(s('text', { x: 0, y: 10, class: 'axis' }, String(max)),
      s('line', { x1: 30, x2: width, y1: ch + 4, y2: ch + 4, class: 'baseline' }));
    months.forEach((mo, i) => {
      const n = counts.get(mo) || 0;
      const x = 32 + i * (bw + gap);
      if (n) {
        const bh = Math.max(3, (n / max) * (ch - 8));
        const bar = s('rect', { x, y: ch + 4 - bh, width: bw, height: bh, class: 'bar', tabindex: 0,
          role: 'button', 'data-month': mo, 'aria-label': `${mo}: ${n}` }, s('title', {}, `${mo}: ${n}`));
        bar.addEventListener('click', () => onPick(mo));
        bar.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') onPick(mo); });
        svg.append(bar);
      }
      if (mo.endsWith('-01') || i === 0)
        svg.append(s('text', { x, y: ch + 22, class: 'axis' }, mo.slice(0, 4)));
    });
    wrap.append(h('div', { class: 'graph-wrap' }, svg));
  }
  wrap.append(h('figcaption', {}, 'Sanctions by month (a bar filters on its month). ', caption.join(' ')));
  return wrap;
}

export async function sanctionsPage(root, { params, signal }) {
  const f = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || '']));
  root.append(h('h1', {}, 'Sanctions'));
  // The choices come from every sanction; the table from the filtered query.
  const everything = await all('/v1/sanctions', {}, signal);
  const names = (role) => [...new Map(everything.map((x) => [x[role].id, x[role].name]))]
    .sort((a, b) => a[1].localeCompare(b[1]));
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter sanctions' },
    selectOf('imposer', 'Imposer', names('imposer'), f.imposer),
    selectOf('target', 'Target', names('target'), f.target),
    selectOf('measure', 'Measure', Object.entries(MEASURES), f.measure),
    dateField('since', 'From', f.since),
    dateField('until', 'To', f.until),
    h('div', { class: 'field' }, h('button', { type: 'button', class: 'clear' }, 'Clear filters')));
  const help = h('p', { id: 'date-help', class: 'muted small' },
    'Dates are a year, a month or a day (2023, 2023-10, 2023-10-07).');
  const count = h('p', { class: 'count-line', role: 'status', 'aria-live': 'polite' });
  const results = h('div', { class: 'results' });
  root.append(form, help, count, results);

  let ctl = null;
  async function load() {
    if (ctl) ctl.abort();
    ctl = new AbortController();
    signal.addEventListener('abort', () => ctl.abort(), { once: true });
    const q = {};
    for (const k of FILTERS) {
      const v = form.elements[k].value.trim();
      if (v && (k !== 'since' && k !== 'until' || DATE_RX.test(v))) q[k] = v;
    }
    const frag = new URLSearchParams(q).toString();
    history.replaceState(null, '', `#/sanctions${frag ? '?' + frag : ''}`);
    const mine = ctl;
    let items;
    try {
      items = await all('/v1/sanctions', q, ctl.signal);
    } catch (err) {
      if (err.name === 'AbortError') return;
      count.textContent = err.message;
      clear(results);
      return;
    }
    if (mine !== ctl) return;
    items.sort((a, b) => (b.date || '').localeCompare(a.date || '') || a.imposer.name.localeCompare(b.imposer.name));
    count.textContent = `${items.length} of ${everything.length} sanctions`;
    const table = h('table', { class: 'sanctions' },
      h('caption', { class: 'sr-only' }, 'Sanctions matching the filters'),
      h('thead', {}, h('tr', {}, ['Date', 'Imposer', 'Measure', 'Target', 'Items', 'Status', 'Evidence']
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, items.map(row)));
    clear(results).append(timeline(items, (mo) => {
      form.elements.since.value = mo;
      form.elements.until.value = mo;
      load();
    }), table);
  }
  form.addEventListener('change', load);
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  form.querySelector('button.clear').addEventListener('click', () => {
    for (const k of FILTERS) form.elements[k].value = '';
    load();
  });
  for (const k of ['since', 'until']) {
    form.elements[k].addEventListener('input', () => {
      const el = form.elements[k];
      el.setAttribute('aria-invalid', el.value && !DATE_RX.test(el.value.trim()) ? 'true' : 'false');
    });
  }
  await load();
}
