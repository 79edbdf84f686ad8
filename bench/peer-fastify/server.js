'use strict';
// bench/peer-fastify/server.js — the service a user might write instead of
// ecfacts for GET /v1/entities/{id}: fastify + lmdb-js (npm `lmdb`) reading
// the SAME LMDB environment ecfacts writes (store/README.md), read-only.
//
// Per request: validate the id; get the Entity record; walk four indexes
// (fact_subj, fact_obj, sanc_imposer, sanc_target) under the prefix `id\0`
// and get + JSON.parse each listed record; walk ent_articles and build an
// ArticleRef {id,title} from each article; merge the two sanction lists by
// id; JSON.stringify the whole EntityDetail; ETag = a hash of the body
// (SHA-1 from node:crypto, native code, as express's `etag` module does;
// ecfacts uses XXH3, which Node has no built-in for).
// No response cache, no record cache (lmdb-js' `cache` option stays off).
// All reads of one request run in one LMDB read snapshot: the handler is
// synchronous and lmdb-js keeps its read transaction until the next turn.
//
// Usage: node server.js --data DIR [--listen 127.0.0.1:8081] [--workers 2]
// (env DATA, LISTEN, WORKERS work too). Workers are node cluster processes
// sharing the listening port.

const cluster = require('node:cluster');
const crypto = require('node:crypto');

function arg(name, envName, dflt) {
  const i = process.argv.indexOf('--' + name);
  if (i > 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith('--' + name + '='));
  if (eq) return eq.slice(name.length + 3);
  return process.env[envName] ?? dflt;
}

const DATA = arg('data', 'DATA', null);
const LISTEN = arg('listen', 'LISTEN', '127.0.0.1:8081');
const WORKERS = Math.max(1, parseInt(arg('workers', 'WORKERS', '2'), 10) || 1);
if (!DATA) {
  console.error('usage: node server.js --data DIR [--listen HOST:PORT] [--workers N]');
  process.exit(2);
}

if (cluster.isPrimary && WORKERS > 1) {
  let stopping = false;
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  cluster.on('exit', (w, code, sig) => {
    if (!stopping) {
      console.error(`peer: worker ${w.process.pid} died (${sig || code}); stopping`);
      stop(1);
    }
  });
  const stop = (code) => {
    stopping = true;
    for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
    setTimeout(() => process.exit(code), 200).unref();
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
} else {
  worker();
}

function worker() {
  const { open } = require('lmdb');
  const Fastify = require('fastify');

  const CAP = 500; // each list of a detail view (STORE_MAX_LIMIT)
  const ID_RE = /^[A-Za-z0-9._-]{1,127}$/; // keys_valid_id: < STORE_ID_MAX (128) bytes

  const env = open({ path: DATA, readOnly: true, maxDbs: 64 });
  const rec = (name) => env.openDB({ name, encoding: 'string', keyEncoding: 'binary' });
  const idx = (name) => env.openDB({ name, encoding: 'binary', keyEncoding: 'binary' });
  const db = {
    entities: rec('entities'),
    facts: rec('facts'),
    sanctions: rec('sanctions'),
    articles: rec('articles'),
    fact_subj: idx('fact_subj'),
    fact_obj: idx('fact_obj'),
    sanc_imposer: idx('sanc_imposer'),
    sanc_target: idx('sanc_target'),
    ent_articles: idx('ent_articles'),
  };

  // ids listed under `id\0` in an index, in key order (= id order), at most CAP
  function indexIds(index, id) {
    const start = Buffer.from(id + '\0', 'latin1');
    const end = Buffer.from(id + '\x01', 'latin1');
    const ids = [];
    for (const key of index.getKeys({ start, end, limit: CAP })) {
      ids.push(key.subarray(key.lastIndexOf(0) + 1).toString('latin1'));
    }
    return ids;
  }

  function getRecord(primary, id) {
    const s = primary.get(Buffer.from(id, 'latin1'));
    if (s === undefined) throw new Error(`index entry without its record: ${id}`);
    return JSON.parse(s);
  }

  const collect = (index, primary, id) => indexIds(index, id).map((x) => getRecord(primary, x));

  // two id-ordered lists into one without duplicates, capped (detail.c merge_by_id)
  function mergeById(a, b, cap) {
    const out = [];
    let i = 0, j = 0;
    while (out.length < cap && (i < a.length || j < b.length)) {
      const x = i < a.length ? a[i] : null, y = j < b.length ? b[j] : null;
      const c = !x ? 1 : !y ? -1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
      out.push(c <= 0 ? x : y);
      if (c <= 0) i++;
      if (c >= 0) j++;
    }
    return out;
  }

  function entityDetail(id) {
    const s = db.entities.get(Buffer.from(id, 'latin1'));
    if (s === undefined) return null;
    const e = JSON.parse(s);
    e.facts_out = collect(db.fact_subj, db.facts, id);
    e.facts_in = collect(db.fact_obj, db.facts, id);
    e.sanctions = mergeById(collect(db.sanc_imposer, db.sanctions, id),
                            collect(db.sanc_target, db.sanctions, id), CAP);
    e.sources = indexIds(db.ent_articles, id).map((a) => {
      const art = getRecord(db.articles, a);
      return { id: art.id ?? null, title: art.title ?? null };
    });
    return e;
  }

  // 16 hex digits of the body's SHA-1 (node:crypto, native)
  function bodyTag(buf) {
    return crypto.createHash('sha1').update(buf).digest('hex').slice(0, 16);
  }

  function etagMatch(inm, etag) {
    if (!inm) return false;
    return inm.split(',').some((t) => {
      t = t.trim();
      if (t === '*') return true;
      if (t.startsWith('W/')) t = t.slice(2);
      return t === etag;
    });
  }

  function problem(reply, status, title, slug, detail, instance) {
    const body = JSON.stringify({ type: `urn:ecfacts:problem:${slug}`, title, status, detail, instance });
    return reply.code(status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
  }

  const app = Fastify({ logger: false, maxParamLength: 4096 }); // ecfacts: 404 for a long id, not 414

  app.get('/v1/entities/:id', (req, reply) => {
    const id = req.params.id;
    const instance = req.url.split('?')[0];
    const e = ID_RE.test(id) ? entityDetail(id) : null;
    if (!e) return problem(reply, 404, 'Not found', 'not-found', 'no entity with that id', instance);
    const body = Buffer.from(JSON.stringify(e), 'utf8');
    const etag = `"${bodyTag(body)}"`;
    reply.header('etag', etag).header('cache-control', 'no-cache');
    if (etagMatch(req.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply.header('content-type', 'application/json; charset=utf-8').send(body);
  });

  app.get('/healthz', (req, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }));

  const [host, port] = (() => {
    const k = LISTEN.lastIndexOf(':');
    return [LISTEN.slice(0, k) || '127.0.0.1', parseInt(LISTEN.slice(k + 1), 10)];
  })();
  app.listen({ host, port }).catch((err) => {
    console.error('peer: listen failed:', err.message);
    process.exit(1);
  });
  const bye = () => app.close().finally(() => { env.close(); process.exit(0); });
  process.on('SIGTERM', bye);
  process.on('SIGINT', bye);
}
