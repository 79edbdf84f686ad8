// The public /v1 API, and nothing else. Errors are the API's problem
// documents (application/problem+json), thrown as ApiError.

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export async function get(path, params, signal) {
  const r = await fetch(path + query(params), { signal, headers: { Accept: 'application/json' } });
  if (!r.ok) {
    let detail = `${r.status} ${r.statusText}`;
    if ((r.headers.get('content-type') || '').includes('json')) {
      const p = await r.json().catch(() => null);
      if (p && p.detail) detail = p.detail;
    }
    throw new ApiError(r.status, detail);
  }
  return r.json();
}

// Every item of a paged list (limit 500 a page), up to max items.
export async function all(path, params, signal, max = 5000) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(path, { ...params, limit: 500, cursor }, signal);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

// Aliases of the entities with these ids, as Map id -> [name, ...aliases],
// from /v1/entities?q=ID (a name or alias prefix, or the id). At most max
// lookups; the others keep just their name.
export async function aliasesOf(refs, signal, max = 40) {
  const map = new Map();
  const todo = [];
  for (const r of refs) {
    if (!map.has(r.id)) {
      map.set(r.id, [r.name]);
      if (todo.length < max) todo.push(r);
    }
  }
  await Promise.all(todo.map(async (r) => {
    try {
      const page = await get('/v1/entities', { q: r.id, limit: 20 }, signal);
      const e = page.items.find((x) => x.id === r.id);
      if (e) map.set(r.id, [e.name, ...e.aliases]);
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      // a name is still highlighted without its aliases
    }
  }));
  return map;
}
