// The dashboard as a person uses it: the real binary on 127.0.0.1 (a free
// port, the embedded sample data), the system's Chromium driven over the
// DevTools protocol (puppeteer-core). TAP on stdout.
//
// usage: node ui.test.mjs ECFACTS_BINARY SHOTS_DIR
//
// Every page must load with no console error, no failed request, no uncaught
// exception and no Content-Security-Policy violation. Expectations are taken
// from the API's own answers in the same run. Screenshots (light, dark, 360 px)
// go to SHOTS_DIR. Exit 77 (SKIP) when Chromium or puppeteer-core is missing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const exe = path.resolve(process.argv[2] || '');
const shots = path.resolve(process.argv[3] || 'ui-shots');
const TOKEN = 'ui-test-token-0123456789abcdef';
const STEP_MS = 45000; // any single wait in the browser (a sanitizer build under load is slow)
const TOTAL_MS = 420000; // the whole test (meson's timeout is 480 s)

let n = 0;
let failed = 0;
console.log('TAP version 13');
function ok(cond, desc, expected, got) {
  n++;
  desc = String(desc).replace(/#/g, '\\#').replace(/\n/g, ' ');
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${desc}`);
  if (!cond) {
    failed++;
    if (expected !== undefined) console.log(`# expected: ${short(expected)}`);
    if (got !== undefined) console.log(`# got:      ${short(got)}`);
  }
  return !!cond;
}
function diag(msg) {
  for (const line of String(msg).split('\n')) console.log(`# ${line}`);
}
function short(v) {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s && s.length > 600 ? s.slice(0, 600) + '…' : s;
}
function skipAll(why) {
  console.log(`ok 1 - the dashboard in headless Chromium # SKIP ${why}`);
  console.log('1..1');
  process.exit(0);
}

const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(chromium)) skipAll(`no Chromium at ${chromium} (scripts/deps --test installs it)`);
let puppeteer;
try {
  puppeteer = (await import('puppeteer-core')).default;
} catch (e) {
  skipAll(`puppeteer-core is not installed (npm ci in tests/ui failed: no registry?): ${e.message}`);
}

// ------------------------------------------------------------------ server
function startServer(dir) {
  const tokenFile = path.join(dir, 'token');
  fs.writeFileSync(tokenFile, TOKEN + '\n');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ECFACTS_')));
  const proc = spawn(exe, ['serve', '--listen', '127.0.0.1:0', '--data', path.join(dir, 'data'),
    '--token-file', tokenFile, '--access-log=0', '--allow-private', '--host-delay', '0'],
    { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no 'listening on' within 60 s: ${out} ${err}`)), 60000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, port: Number(m[1]), stderr: () => err });
      }
    });
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited ${code}: ${err}`)); });
  });
}

// A page the server fetches (POST /v1/fetch), so the status page has a
// source to show: an article written for this test, on a loopback site.
const FIXTURE = '<!doctype html><html lang="en"><head><meta charset="utf-8">'
  + '<title>Quartzline pauses deliveries to Norvik Labs</title></head><body><nav>Home | World</nav>'
  + '<article><h1>Quartzline pauses deliveries to Norvik Labs</h1>'
  + '<p>Quartzline, a maker of wafer inspection systems, said on Monday that it had paused '
  + 'deliveries to Norvik Labs after new licence rules took effect, according to two people '
  + 'briefed on the decision, and that it expected a review to take several months.</p>'
  + '<p>Norvik Labs, which designs accelerator chips for data centres, said it was studying the '
  + 'rules and would keep serving its customers from existing stock in the meantime.</p>'
  + '</article><footer>About us</footer></body></html>';

function startSite() {
  const srv = http.createServer((req, res) => {
    if (req.url === '/story.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(FIXTURE);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

// POSTs the fixture's URL to /v1/fetch and waits (bounded) for its job.
async function fetchFixture(base, url) {
  const r = await api(base, '/v1/fetch', {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url }),
  });
  if (r.status !== 202) throw new Error(`POST /v1/fetch: ${r.status} ${r.body}`);
  const loc = r.headers.get('location');
  for (let i = 0; i < 300; i++) {
    const j = await json(base, loc);
    if (j.state === 'done' || j.state === 'failed') return j;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`${loc}: not finished within 30 s`);
}

function stopServer(srv) {
  return new Promise((resolve) => {
    if (srv.proc.exitCode !== null) return resolve(srv.proc.exitCode);
    const timer = setTimeout(() => srv.proc.kill('SIGKILL'), 30000);
    srv.proc.on('exit', (code, sig) => { clearTimeout(timer); resolve(code ?? sig); });
    srv.proc.kill('SIGTERM');
  });
}

// ------------------------------------------------------------------ browser
// Each page records what must never happen while a person uses it.
function watch(page, base) {
  const problems = [];
  // The browser's own favicon probe on a document that is not the dashboard
  // (/openapi.yaml shown as text) is no error of the dashboard's.
  const favicon = (url) => url === `${base}/favicon.ico`;
  page.on('console', (m) => {
    if ((m.type() === 'error' || m.type() === 'assert') && !favicon((m.location() || {}).url))
      problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => {
    const f = r.failure();
    // a search superseded by the next keystroke is aborted on purpose
    if (!(f && f.errorText === 'net::ERR_ABORTED' && r.url().includes('/v1/search')))
      problems.push(`request failed: ${r.url()} ${f && f.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url().startsWith(base) && !favicon(r.url())) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('dialog', async (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`);
    await d.dismiss().catch(() => {});
  });
  page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window.__csp = window.__csp || []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return problems;
}

// The violations seen since the last call (the document lives on across the
// dashboard's routes, so each is reported once).
async function cspViolations(page) {
  return page.evaluate(() => {
    const seen = window.__csp || [];
    window.__csp = [];
    return seen;
  });
}

// Navigates to a route and waits until the page says it has rendered.
async function visit(page, base, route) {
  const rendered = page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('ecf:rendered', () => resolve(true), { once: true });
  })).catch(() => false);
  if (page.url().split('#')[0] === base + '/') {
    await page.evaluate((r) => { location.hash = r; }, route);
    await rendered;
  } else {
    await page.goto(base + '/' + route, { waitUntil: 'load' });
  }
  await page.waitForFunction(() => !document.getElementById('main').hasAttribute('aria-busy')
    && document.querySelector('main h1'), { timeout: STEP_MS });
}

async function clean(page, label, problems) {
  const csp = await cspViolations(page);
  ok(!problems.length && !csp.length, `${label}: no console error, failed request, exception, dialog or CSP violation`,
    [], [...problems, ...csp.map((c) => 'CSP: ' + c)]);
  problems.length = 0;
}

async function shot(page, name) {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

async function noOverflow(page, label) {
  const w = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth }));
  ok(w.scroll <= w.client, `${label} at 360 px: no horizontal overflow`, `<= ${w.client}`, w.scroll);
}

async function api(base, p, init) {
  const r = await fetch(base + p, init);
  return { status: r.status, headers: r.headers, body: await r.text() };
}
async function json(base, p) {
  const r = await api(base, p);
  if (r.status !== 200) throw new Error(`${p}: ${r.status} ${r.body}`);
  return JSON.parse(r.body);
}
async function allItems(base, p) {
  const out = [];
  let cursor = null;
  do {
    const sep = p.includes('?') ? '&' : '?';
    const page = await json(base, p + sep + 'limit=500' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

// ------------------------------------------------------------------ checks
const CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async function checkHeaders(base) {
  const files = [['/', 'text/html'], ['/ui/app.js', 'text/javascript'], ['/ui/style.css', 'text/css'],
    ['/ui/icon.svg', 'image/svg+xml']];
  const html = (await api(base, '/')).body;
  const refs = [...html.matchAll(/(?:src|href)="(\/ui\/[^"]+)"/g)].map((m) => m[1]);
  ok(refs.includes('/ui/app.js') && refs.includes('/ui/style.css'), 'index.html loads /ui/app.js and /ui/style.css',
    ['/ui/app.js', '/ui/style.css'], refs);
  for (const [p, type] of files) {
    const r = await api(base, p);
    const etag = r.headers.get('etag');
    ok(r.status === 200 && (r.headers.get('content-type') || '').startsWith(type) && etag
      && r.headers.get('cache-control') === 'no-cache' && r.headers.get('content-security-policy') === CSP
      && r.headers.get('x-content-type-options') === 'nosniff',
    `GET ${p}: 200 ${type}, ETag, no-cache, CSP, nosniff`, type,
    [r.status, ...['content-type', 'etag', 'cache-control', 'content-security-policy', 'x-content-type-options']
      .map((h) => `${h}: ${r.headers.get(h)}`)]);
    const again = await api(base, p, { headers: { 'If-None-Match': etag } });
    ok(again.status === 304 && !again.body, `GET ${p} with its ETag: 304, no body`, 304, again.status);
  }
  const bad = await api(base, '/ui/no-such-file.js');
  ok(bad.status === 404 && (bad.headers.get('content-type') || '').startsWith('application/problem+json'),
    'GET /ui/no-such-file.js: 404 problem', 404, bad.status);
  const spec = await api(base, '/openapi.yaml');
  ok(spec.status === 200 && (spec.headers.get('content-type') || '').startsWith('text/plain'),
    'GET /openapi.yaml is text/plain (a browser shows it)', 'text/plain', spec.headers.get('content-type'));
}

async function main() {
  fs.mkdirSync(shots, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecfacts-ui-'));
  let srv = null;
  let browser = null;
  try {
    srv = await startServer(dir);
    const base = `http://127.0.0.1:${srv.port}`;
    diag(`server on ${base}, screenshots in ${shots}`);
    await checkHeaders(base);
    browser = await puppeteer.launch({
      executablePath: chromium, headless: true, protocolTimeout: 60000,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions',
        '--disable-background-networking', '--disable-sync', '--disable-component-update'],
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(STEP_MS);
    await page.setViewport({ width: 1280, height: 900 });
    const problems = watch(page, base);
    await runPages(page, base, problems);
    await runNarrow(browser, base);
    await runDark(browser, base);
    await runMonitorSelfTest(browser, base);
  } catch (e) {
    ok(false, 'the UI test ran without an unexpected exception', '', e.stack || String(e));
    if (srv) diag(srv.stderr().slice(-2000));
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (srv) {
      const code = await stopServer(srv);
      ok(code === 0, 'serve exits 0 on SIGTERM', 0, code);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function runPages(page, base, problems) {
  // Search: "Huawie" finds Huawei, with its type and country; the keyboard works.
  await visit(page, base, '#/');
  const hits = await json(base, '/v1/search?q=Huawie&limit=10');
  await page.type('#q', 'Huawie');
  await page.waitForSelector('#hits [role=option][data-id="huawei"]');
  const opt = await page.$eval('#hits [role=option][data-id="huawei"]', (li) => ({
    text: li.textContent, id: li.id, type: li.querySelector('.badge').textContent,
    country: (li.querySelector('.country') || {}).textContent,
  }));
  const want = hits.items.find((x) => x.entity.id === 'huawei');
  ok(want && opt.text.includes('Huawei') && opt.type === want.entity.type && opt.country === want.country,
    'search "Huawie" lists Huawei with its type and country', want && [want.entity.type, want.country], opt);
  const n = await page.$$eval('#hits [role=option]', (els) => els.length);
  ok(n === hits.items.length, 'the list shows every hit /v1/search gives', hits.items.length, n);
  const combo = () => page.$eval('#q', (i) => ({ expanded: i.getAttribute('aria-expanded'),
    active: i.getAttribute('aria-activedescendant'),
    selected: [...document.querySelectorAll('#hits [aria-selected=true]')].map((e) => e.id) }));
  let st = await combo();
  ok(st.expanded === 'true' && st.active === 'hit-0' && st.selected.join() === 'hit-0',
    'combobox: expanded, the first hit active and selected', 'hit-0', st);
  if (n > 1) {
    await page.keyboard.press('ArrowDown');
    st = await combo();
    ok(st.active === 'hit-1' && st.selected.join() === 'hit-1', 'ArrowDown moves to the second hit', 'hit-1', st);
    await page.keyboard.press('ArrowUp');
  }
  st = await combo();
  await shot(page, 'search-light');
  const huaweiIndex = hits.items.findIndex((x) => x.entity.id === 'huawei');
  for (let i = 0; i < huaweiIndex; i++) await page.keyboard.press('ArrowDown');
  const rendered = page.evaluate(() => new Promise((r) => document.addEventListener('ecf:rendered', r, { once: true })));
  await page.keyboard.press('Enter');
  await rendered;
  const where = await page.evaluate(() => location.hash);
  ok(where === '#/entity/huawei', 'Enter on Huawei opens its entity page', '#/entity/huawei', where);
  await clean(page, 'search', problems);

  // Entity page: each claim with its evidence, the mentions highlighted.
  for (const id of ['huawei', 'ascend-910c']) {
    const e = await json(base, `/v1/entities/${id}`);
    await visit(page, base, `#/entity/${id}`);
    const head = await page.$eval('main h1', (h) => h.textContent);
    ok(head === e.name, `entity ${id}: the heading is its name`, e.name, head);
    const claims = [...e.facts_out, ...e.facts_in, ...e.sanctions];
    const shown = await page.$$eval('main li.claim', (els) => els.map((li) => li.dataset.id));
    ok(claims.every((c) => shown.includes(c.id)) && shown.length === claims.length,
      `entity ${id}: every fact out, fact in and sanction is shown once`, claims.length, shown.length);
    // a fact whose evidence names its subject: that name is highlighted
    const f = claims.find((c) => c.subject && c.evidence[0].sentence.includes(c.subject.name));
    const got = await page.$eval(`main li.claim[data-id="${f.id}"]`, (li) => ({
      quote: li.querySelector('blockquote').textContent,
      marks: [...li.querySelector('blockquote').querySelectorAll('mark')].map((m) => [m.textContent, m.className]),
      meta: li.querySelector('.claim-meta').textContent,
      link: li.querySelector('.cite a').getAttribute('href'),
    }));
    const ev = f.evidence[0];
    ok(got.quote === ev.sentence, `entity ${id}: fact ${f.id} shows its evidence sentence`, ev.sentence, got.quote);
    ok(got.marks.some(([t, c]) => t === f.subject.name && c === 'm-a'),
      `entity ${id}: the subject "${f.subject.name}" is highlighted in the sentence`, f.subject.name, got.marks);
    if (f.object && ev.sentence.includes(f.object.name))
      ok(got.marks.some(([t, c]) => t === f.object.name && c === 'm-b'),
        `entity ${id}: the object "${f.object.name}" is highlighted`, f.object.name, got.marks);
    ok(got.meta.includes(`confidence ${f.confidence.toFixed(2)}`) && got.meta.includes(`${f.mentions} mention`),
      `entity ${id}: confidence and mentions are shown`, f.confidence, got.meta);
    ok(got.link === `#/article/${ev.article}?s=${ev.start}-${ev.end}`, `entity ${id}: the evidence links to its article and sentence`,
      `#/article/${ev.article}?s=${ev.start}-${ev.end}`, got.link);
    for (const c of claims.filter((x) => x.status !== 'asserted')) {
      const badge = await page.$eval(`main li.claim[data-id="${c.id}"]`, (li) => (li.querySelector('.status') || {}).textContent);
      ok(badge === c.status, `entity ${id}: the ${c.status} claim ${c.id} says so`, c.status, badge);
    }
    await shot(page, `entity-${id}-light`);
    await clean(page, `entity ${id}`, problems);
  }

  // Lineage: the SVG has exactly the API's nodes and edges.
  for (const depth of [2, 1]) {
    const g = await json(base, `/v1/chips/ascend-910c/lineage?depth=${depth}`);
    if (depth === 2) {
      await visit(page, base, '#/chip/ascend-910c');
    } else {
      const rendered2 = page.evaluate(() => new Promise((r) => document.addEventListener('ecf:rendered', r, { once: true })));
      await page.select('#depth', '1');
      await rendered2;
      const h = await page.evaluate(() => location.hash);
      ok(h === '#/chip/ascend-910c?depth=1', 'choosing depth 1 puts it in the URL', '#/chip/ascend-910c?depth=1', h);
    }
    const vid = (e) => e.object ?? `value:${e.predicate}:${e.value}`;
    const wantNodes = new Set([...g.nodes.map((x) => x.id), ...g.edges.filter((e) => !e.object).map(vid)]);
    const wantEdges = new Set(g.edges.map((e) => `${e.subject} ${e.predicate} ${vid(e)}`));
    const svg = await page.$eval('svg.lineage', (s) => ({
      nodes: [...s.querySelectorAll('.node')].map((x) => x.dataset.id),
      edges: [...s.querySelectorAll('.edge')].map((x) => `${x.dataset.subject} ${x.dataset.predicate} ${x.dataset.object}`),
      boxes: [...s.querySelectorAll('.node')].map((x) => {
        const b = x.querySelector('rect').getBBox();
        const t = x.querySelector('text').getBBox();
        return { id: x.dataset.id, x: b.x, y: b.y, w: b.width, h: b.height, tw: t.width };
      }),
      links: Object.fromEntries([...s.querySelectorAll('a.node')].map((a) => [a.dataset.id, a.getAttribute('href')])),
    }));
    const same = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
    ok(same(new Set(svg.nodes), wantNodes) && svg.nodes.length === wantNodes.size,
      `lineage ascend-910c depth ${depth}: the SVG's nodes are the API's`, [...wantNodes].sort(), svg.nodes.sort());
    ok(same(new Set(svg.edges), wantEdges) && svg.edges.length === g.edges.length,
      `lineage ascend-910c depth ${depth}: the SVG's edges are the API's (${g.edges.length})`, [...wantEdges].sort(), svg.edges.sort());
    const known = depth === 2 ? ['ascend-910c', 'ascend-910b', 'ascend-910', 'huawei', 'smic', 'h100']
      : ['ascend-910c', 'ascend-910b', 'huawei', 'h100'];
    ok(known.every((k) => svg.nodes.includes(k)), `lineage depth ${depth}: the known chain ${known.join(', ')} is drawn`, known, svg.nodes);
    const overlaps = [];
    for (const a of svg.boxes) {
      if (a.tw > a.w) overlaps.push(`${a.id}: label wider than its box`);
      for (const b of svg.boxes) {
        if (a.id < b.id && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
          overlaps.push(`${a.id} overlaps ${b.id}`);
      }
    }
    ok(!overlaps.length, `lineage depth ${depth}: no two nodes overlap, every label fits its box`, [], overlaps);
    if (depth === 2) {
      const x = Object.fromEntries(svg.boxes.map((b) => [b.id, b.x]));
      ok(x['ascend-910'] < x['ascend-910b'] && x['ascend-910b'] < x['ascend-910c'],
        'lineage: the successor chain runs left to right (910, 910B, 910C)', 'increasing x', x);
      ok(svg.links.huawei === '#/entity/huawei' && /^#\/chip\/ascend-910b\?depth=2$/.test(svg.links['ascend-910b']),
        'lineage: nodes are links (an entity page; a chip its own graph)', '#/entity/huawei', svg.links);
      await shot(page, 'lineage-ascend-910c-light');
    }
    await clean(page, `lineage depth ${depth}`, problems);
  }
  // the node opens what it names
  {
    const rendered3 = page.evaluate(() => new Promise((r) => document.addEventListener('ecf:rendered', r, { once: true })));
    await page.click('svg.lineage a.node[data-id="ascend-910b"]');
    await rendered3;
    const h = await page.evaluate(() => location.hash);
    ok(h === '#/chip/ascend-910b?depth=1', 'clicking the ascend-910b node opens its graph', '#/chip/ascend-910b?depth=1', h);
  }
  // the largest sample graph stays readable
  {
    let big = null;
    for (const c of await allItems(base, '/v1/chips')) {
      const g = await json(base, `/v1/chips/${c.id}/lineage?depth=5`);
      if (!big || g.nodes.length > big.nodes.length) big = g;
    }
    await visit(page, base, `#/chip/${big.chip.id}?depth=5`);
    const bad = await page.$eval('svg.lineage', (s) => {
      const boxes = [...s.querySelectorAll('.node rect')].map((r) => r.getBBox());
      let n = 0;
      boxes.forEach((a, i) => boxes.forEach((b, j) => {
        if (i < j && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) n++;
      }));
      return { n, count: boxes.length };
    });
    ok(bad.n === 0 && bad.count >= big.nodes.length, `lineage ${big.chip.id} depth 5 (${big.nodes.length} nodes): no overlapping nodes`, 0, bad);
    await shot(page, `lineage-${big.chip.id}-depth5-light`);
    await clean(page, `lineage ${big.chip.id}`, problems);
  }

  // 30 nodes (more than the sample data has): the layout keeps them apart
  {
    const res = await page.evaluate(async () => {
      const { layout } = await import('/ui/lineage.js');
      const nodes = [];
      const edges = [];
      const chip = (i) => `chip-${i}`;
      for (let i = 0; i < 8; i++) nodes.push({ id: chip(i), name: `Chip ${i} Pro Max`, type: 'chip' });
      for (let i = 1; i < 8; i++) edges.push({ subject: chip(i), predicate: i % 3 ? 'successor_of' : 'rivals', object: chip(i - 1), value: null });
      for (let i = 0; i < 8; i++) {
        nodes.push({ id: `maker-${i}`, name: `Maker Company Number ${i}`, type: 'company' });
        edges.push({ subject: `maker-${i}`, predicate: 'develops', object: chip(i), value: null });
      }
      for (let i = 0; i < 14; i++) {
        nodes.push({ id: `user-${i}`, name: `User ${i}`, type: 'company' });
        edges.push({ subject: `user-${i}`, predicate: 'uses', object: chip(i % 8), value: null });
      }
      const L = layout({ chip: nodes[0], nodes, edges });
      const boxes = [...L.nodes.values()];
      let overlaps = 0;
      for (const a of boxes) for (const b of boxes) {
        if (a.id < b.id && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + 28 && b.y < a.y + 28) overlaps++;
      }
      return { n: boxes.length, overlaps, minX: Math.min(...boxes.map((b) => b.x)) };
    });
    ok(res.n === 30 && res.overlaps === 0 && res.minX >= 0, 'lineage layout: 30 nodes, none overlapping', 0, res);
  }

  // Sanctions: the filter narrows the table, lives in the URL, survives a reload.
  const every = await allItems(base, '/v1/sanctions');
  await visit(page, base, '#/sanctions');
  const rows = () => page.$$eval('table.sanctions tbody tr', (trs) => trs.map((tr) => tr.dataset.id));
  let r = await rows();
  ok(r.length === every.length, 'sanctions: the table lists every sanction', every.length, r.length);
  const counts = {};
  for (const x of every) counts[x.measure] = (counts[x.measure] || 0) + 1;
  const measure = Object.keys(counts).sort((a, b) => counts[b] - counts[a])[0];
  const expect = (await allItems(base, `/v1/sanctions?measure=${measure}`)).map((x) => x.id).sort();
  await page.select('#f-measure', measure);
  await page.waitForFunction((k) => document.querySelectorAll('table.sanctions tbody tr').length === k
    && location.hash.includes('measure='), {}, expect.length);
  r = await rows();
  ok(r.length < every.length && r.slice().sort().join() === expect.join(),
    `sanctions: measure=${measure} narrows the table to the API's ${expect.length}`, expect, r.slice().sort());
  const hash = await page.evaluate(() => location.hash);
  ok(hash === `#/sanctions?measure=${measure}`, 'sanctions: the filter is in the URL', `#/sanctions?measure=${measure}`, hash);
  // one more filter: a date range
  const dated = every.filter((x) => x.measure === measure && x.date).map((x) => x.date).sort();
  const since = dated.length ? dated[dated.length - 1].slice(0, 4) : '2020';
  const expect2 = (await allItems(base, `/v1/sanctions?measure=${measure}&since=${since}`)).map((x) => x.id).sort();
  await page.$eval('#f-since', (el, v) => {
    el.value = v;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, since);
  await page.waitForFunction((v) => location.hash.includes(`since=${v}`), {}, since);
  await page.waitForFunction((k) => document.querySelectorAll('table.sanctions tbody tr').length === k, {}, expect2.length);
  r = await rows();
  ok(r.slice().sort().join() === expect2.join(), `sanctions: since=${since} narrows to the API's ${expect2.length}`, expect2, r);
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => !document.getElementById('main').hasAttribute('aria-busy')
    && document.querySelector('table.sanctions'));
  const after = await page.evaluate(() => ({ hash: location.hash, measure: document.getElementById('f-measure').value,
    since: document.getElementById('f-since').value, rows: [...document.querySelectorAll('table.sanctions tbody tr')].map((x) => x.dataset.id) }));
  ok(after.measure === measure && after.since === since && after.rows.slice().sort().join() === expect2.join(),
    'sanctions: after a reload the filters and the table are the same', [measure, since, expect2.length],
    [after.measure, after.since, after.rows.length]);
  const bars = await page.$$eval('svg.bars .bar', (bs) => bs.map((b) => b.getAttribute('aria-label')));
  const monthly = {};
  for (const x of every.filter((s) => expect2.includes(s.id) && s.date && s.date.length >= 7)) {
    monthly[x.date.slice(0, 7)] = (monthly[x.date.slice(0, 7)] || 0) + 1;
  }
  const wantBars = Object.entries(monthly).sort().map(([m, k]) => `${m}: ${k}`);
  ok(bars.join() === wantBars.join(), 'sanctions: the timeline has a bar per month with its count', wantBars, bars);
  await page.click('button.clear');
  await page.waitForFunction((k) => document.querySelectorAll('table.sanctions tbody tr').length === k
    && location.hash === '#/sanctions', {}, every.length);
  await shot(page, 'sanctions-light');
  await clean(page, 'sanctions', problems);

  // Entity page, issue 17: the words the extractor read are highlighted from
  // the evidence's mentions, a pronoun too (name matching would miss "It"),
  // with code points converted past a non-BMP character.
  {
    const mtext = 'Mentions test \u{1F680}\n\nNvidia met officials from the Commerce Department on Monday. '
      + 'It \u{1F600} later unveiled the B30A.\n';
    const mpost = await api(base, '/v1/articles', { method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'ui-mentions', text: mtext }) });
    ok(mpost.status === 201, 'POST an article whose fact names its subject "It"', 201, `${mpost.status} ${mpost.body}`);
    const nv = await json(base, '/v1/entities/nvidia');
    const fact = nv.facts_out.find((c) => c.predicate === 'develops' && c.object && c.object.id === 'b30a');
    const mev = fact && fact.evidence.find((x) => x.article === 'ui-mentions');
    const cps = [...mtext];
    const said = (mev ? mev.mentions || [] : []).map((m) => [m.role, cps.slice(m.start, m.end).join('')]);
    ok(JSON.stringify(said) === JSON.stringify([['subject', 'It'], ['object', 'B30A']]),
      'the API gives the evidence\'s mentions: "It" and "B30A"', [['subject', 'It'], ['object', 'B30A']], said);
    await visit(page, base, '#/entity/nvidia');
    const marks = fact && mev ? await page.$eval(`main li.claim[data-id="${fact.id}"]`, (li, sentence) => {
      const q = [...li.querySelectorAll('blockquote')].find((b) => b.textContent === sentence);
      return q ? [...q.querySelectorAll('mark')].map((m) => [m.textContent, m.className, m.title]) : null;
    }, mev.sentence) : null;
    ok(JSON.stringify(marks) === JSON.stringify([['It', 'm-a', 'Nvidia'], ['B30A', 'm-b', 'B30A']]),
      'entity nvidia: the pronoun "It" is highlighted as the subject, "B30A" (past an emoji) as the object',
      [['It', 'm-a', 'Nvidia'], ['B30A', 'm-b', 'B30A']], marks);
    await clean(page, 'entity mentions', problems);
  }

  // Article: a title that is HTML shows as text; mentions and the sentence are marked.
  const title = '<img src=x onerror=alert(1)>';
  const text = 'ignored first line\nHuawei uses the Ascend 910B in its servers. '
    + 'The U.S. Department of Commerce added Huawei to the Entity List in May 2019. <script>alert(2)</script>\n';
  const post = await api(base, '/v1/articles', { method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 'ui-xss', title, text }) });
  ok(post.status === 201, 'POST an article titled <img src=x onerror=alert(1)>', 201, `${post.status} ${post.body}`);
  const art = await json(base, '/v1/articles/ui-xss');
  const ev = [...art.facts, ...art.sanctions].flatMap((c) => c.evidence).find((x) => x.article === 'ui-xss');
  await visit(page, base, `#/article/ui-xss?s=${ev.start}-${ev.end}`);
  const view = await page.evaluate(() => ({
    h1: document.querySelector('main h1').textContent,
    imgs: document.querySelectorAll('main img, main script').length,
    text: document.querySelector('.article-text').textContent,
    mentions: [...document.querySelectorAll('.article-text a.mention')].map((a) => [a.textContent, a.getAttribute('href')]),
    sentence: [...document.querySelectorAll('.article-text mark.sentence')].map((m) => m.textContent).join(''),
  }));
  ok(view.h1 === title && view.imgs === 0, 'article: the HTML title shows as text (no img or script element)', title, view);
  ok(view.text.includes('<script>alert(2)</script>'), 'article: markup in the text shows as text', '<script>…', view.text);
  const wantMentions = art.entities.filter((e) => art.text.includes(e.name)).map((e) => e.id);
  const gotMentions = new Set(view.mentions.map(([, href]) => decodeURIComponent(href.replace('#/entity/', ''))));
  ok(wantMentions.length && wantMentions.every((id) => gotMentions.has(id)),
    'article: every entity named in the text is a highlighted mention linking to it', wantMentions, [...gotMentions]);
  ok(view.sentence === ev.sentence, 'article: ?s=START-END marks the evidence sentence (code point offsets)', ev.sentence, view.sentence);
  const facts = await page.$$eval('main li.claim', (els) => els.map((e) => e.dataset.id));
  const wantClaims = [...art.facts, ...art.sanctions].map((c) => c.id);
  ok(wantClaims.length && wantClaims.every((id) => facts.includes(id)), 'article: its facts and sanctions are listed', wantClaims, facts);
  await shot(page, 'article-xss-light');
  await clean(page, 'article', problems);
  await visit(page, base, '#/articles');
  const listed = await page.$$eval('ul.articles a', (as) => as.map((a) => a.textContent));
  ok(listed.includes(title) && !(await page.$('main img')), 'articles: the HTML title is listed as text', title, listed);
  await shot(page, 'articles-light');
  await clean(page, 'articles', problems);
  await visit(page, base, '#/article/sample-01-ascend-lineage');
  await shot(page, 'article-sample-01-light');
  await clean(page, 'article sample-01', problems);

  // Status: the counts are /v1/stats; the sources with their last fetch;
  // links to the metrics and the contract.
  const site = await startSite();
  const storyUrl = `http://127.0.0.1:${site.address().port}/story.html`;
  let job;
  try {
    job = await fetchFixture(base, storyUrl);
  } finally {
    site.close();
  }
  ok(job.state === 'done', 'POST /v1/fetch of a loopback page: the job is done', 'done', job);
  const srcs = await allItems(base, '/v1/sources');
  const mine = srcs.find((x) => x.url === storyUrl);
  const stats = await json(base, '/v1/stats');
  await visit(page, base, '#/status');
  const srcRows = await page.$$eval('table.sources-table tbody tr', (trs) => trs.map((tr) =>
    [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  const row = srcRows.find((r) => r[0] && r[0].startsWith(storyUrl));
  ok(mine && row && row[1] === mine.last_fetch && row[2].startsWith('200') && row[4] === String(mine.counts.stored),
    'status: the fetched page is a source row with its last fetch, HTTP status and counts',
    mine && [storyUrl, mine.last_fetch, mine.http_status, mine.counts.stored], srcRows);
  const status = await page.evaluate(() => ({
    nums: [...document.querySelectorAll('.cards .num')].map((x) => Number(x.textContent)),
    links: [...document.querySelectorAll('main a')].map((a) => a.getAttribute('href')),
  }));
  ok(status.nums.join() === [stats.articles, stats.entities, stats.facts, stats.sanctions].join(),
    'status: the counts are /v1/stats', [stats.articles, stats.entities, stats.facts, stats.sanctions], status.nums);
  ok(['/metrics', '/openapi.yaml', '#/api'].every((l) => status.links.includes(l)), 'status: links to /metrics and the API contract',
    ['/metrics', '/openapi.yaml', '#/api'], status.links);
  await shot(page, 'status-light');
  await clean(page, 'status', problems);
  await visit(page, base, '#/api');
  const pre = await page.$eval('pre.yaml', (p) => p.textContent.slice(0, 20));
  ok(pre.startsWith('openapi: '), 'the API page shows openapi.yaml as text', 'openapi: …', pre);
  await clean(page, 'api', problems);
  // /openapi.yaml itself opens as text in the browser (no download)
  await page.goto(base + '/openapi.yaml', { waitUntil: 'load' });
  const shown = await page.evaluate(() => ({ type: document.contentType, start: document.body.textContent.slice(0, 9) }));
  ok(shown.type === 'text/plain' && shown.start === 'openapi: ', 'the browser shows /openapi.yaml as text', 'text/plain', shown);
  await visit(page, base, '#/no-such-page');
  const nf = await page.$eval('main h1', (h) => h.textContent);
  ok(nf === 'Not found', 'an unknown route says Not found', 'Not found', nf);
  await clean(page, 'unknown route', problems);
  // a shared link whose escape is cut short must not leave the page loading
  await visit(page, base, '#/entity/%E0%A4%A');
  const bad = await page.$eval('main h1', (h) => h.textContent);
  ok(bad === 'Not found', 'a malformed %-escape in the route says Not found', 'Not found', bad);
  await clean(page, 'malformed escape', problems);
}

const ROUTES = [['search', '#/'], ['entity', '#/entity/huawei'], ['lineage', '#/chip/ascend-910c'],
  ['sanctions', '#/sanctions?measure=entity_listing'], ['article', '#/article/sample-01-ascend-lineage'],
  ['articles', '#/articles'], ['status', '#/status'], ['api', '#/api']];

async function runNarrow(browser, base) {
  const page = await browser.newPage();
  page.setDefaultTimeout(STEP_MS);
  await page.setViewport({ width: 360, height: 740, isMobile: true, hasTouch: true });
  const problems = watch(page, base);
  for (const [name, route] of ROUTES) {
    await visit(page, base, route);
    await noOverflow(page, name);
    await shot(page, `${name}-360`);
    await clean(page, `${name} at 360 px`, problems);
  }
  await page.close();
}

async function runDark(browser, base) {
  const page = await browser.newPage();
  page.setDefaultTimeout(STEP_MS);
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
  await page.setViewport({ width: 1280, height: 900 });
  const problems = watch(page, base);
  for (const [name, route] of ROUTES) {
    await visit(page, base, route);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    if (name === 'search') ok(bg === 'rgb(20, 23, 27)', 'dark scheme: the page follows prefers-color-scheme', 'rgb(20, 23, 27)', bg);
    await shot(page, `${name}-dark`);
    await clean(page, `${name} (dark)`, problems);
  }
  await page.close();
}

// The monitor must be able to fail: an inline style on the dashboard is a
// CSP violation it sees.
async function runMonitorSelfTest(browser, base) {
  const page = await browser.newPage();
  const problems = watch(page, base);
  await visit(page, base, '#/status');
  await page.evaluate(() => {
    const st = document.createElement('style');
    st.textContent = 'body { color: red }';
    document.head.append(st);
  });
  await page.waitForFunction(() => (window.__csp || []).length > 0);
  const csp = await cspViolations(page);
  ok(csp.some((c) => c.startsWith('style-src')), 'self-test: an inline style is refused and seen as a CSP violation', 'style-src…', csp);
  ok(problems.length === 0 || problems.every((p) => /Content Security Policy|Refused/.test(p)),
    'self-test: only the CSP refusal was reported', [], problems);
  await page.close();
}

const watchdog = setTimeout(() => {
  ok(false, `the UI test finished within ${TOTAL_MS / 1000} s`);
  console.log(`1..${n}`);
  process.exit(1);
}, TOTAL_MS);
await main();
clearTimeout(watchdog);
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
