// Tide's web UI: one page, hash routes, live rows from /api/stream (server-sent events), no build step.
'use strict';

const state = { kinds: [], rows: new Map(), view: null };
const TOKEN = 'tide.token';
const main = document.getElementById('main');

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const keyOf = (r) => `${r.kind}/${r.namespace}/${r.name}`;
const href = (r) => `#/objects/${encodeURIComponent(r.kind)}/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}`;
const kindOrder = (kind) => { const i = state.kinds.findIndex((k) => k.kind === kind); return i < 0 ? 99 : i; };

// The states a row can be filtered by; a suspended object is also ready, failed or progressing.
const OVERVIEW_ROWS = 100;
const LIST_ROWS = 250;
const STATES = [['failed', 'Failed'], ['progressing', 'Progressing'], ['suspended', 'Suspended'], ['ready', 'Ready']];
function matches(r, s) {
  switch (s) {
    case 'ready': return r.ready === 'True';
    case 'failed': return r.ready === 'False';
    case 'progressing': return r.ready !== 'True' && r.ready !== 'False';
    case 'suspended': return r.suspended;
    default: return true;
  }
}
const rank = (r) => (r.ready === 'False' ? 0 : r.ready !== 'True' ? 1 : r.suspended ? 2 : 3);
function byAttention(a, b) {
  return rank(a) - rank(b) || kindOrder(a.kind) - kindOrder(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
}

function badge(r) {
  const ready = r.ready === 'True' ? ['ready', 'Ready'] : r.ready === 'False' ? ['failed', 'Failed'] : ['progressing', 'Progressing'];
  let html = `<span class="badge ${ready[0]}">${ready[1]}</span>`;
  if (r.suspended) html += ` <span class="badge suspended">Suspended</span>`;
  return html;
}

// The columns of `tide get -A` (with KIND where several kinds share a table).
function rowsTable(rows, { caption, withKind, id }) {
  const head = `${withKind ? '<th scope="col" class="w-kind">Kind</th>' : ''}<th scope="col" class="w-ns">Namespace</th><th scope="col" class="w-name">Name</th>` +
    '<th scope="col" class="w-rev">Revision</th><th scope="col" class="w-susp">Suspended</th><th scope="col" class="w-ready">Ready</th><th scope="col">Message</th>';
  const body = rows.map((r) => `<tr data-key="${esc(keyOf(r))}">` +
    (withKind ? `<td data-label="Kind">${esc(r.kind)}</td>` : '') +
    `<td data-label="Namespace">${esc(r.namespace)}</td><td data-label="Name"><a href="${href(r)}">${esc(r.name)}</a></td>` +
    `<td data-label="Revision" class="rev">${esc(r.revision)}</td><td data-label="Suspended">${r.suspended ? 'True' : 'False'}</td>` +
    `<td data-label="Ready">${badge(r)}</td><td data-label="Message" class="msg">${esc(r.message)}</td></tr>`).join('');
  return `<table class="rows objects"${id ? ` id="${id}"` : ''}><caption class="muted">${esc(caption)}</caption><thead><tr>${head}</tr></thead>` +
    `<tbody>${body || `<tr><td colspan="${withKind ? 7 : 6}">None.</td></tr>`}</tbody></table>`;
}

// ---- views: mount() builds a page once per route; update() refreshes what the stream changed ----

function overview() {
  return {
    title: 'Overview',
    mount() {
      main.innerHTML = '<h1>Overview</h1><section aria-labelledby="counts-h"><h2 id="counts-h">Objects by kind and state</h2><div id="counts"></div></section>' +
        '<section aria-labelledby="att-h"><h2 id="att-h">Every object, failing first</h2><div id="all"></div></section>';
    },
    update() {
      const rows = [...state.rows.values()];
      const counts = state.kinds.map((k) => {
        const of = rows.filter((r) => r.kind === k.kind);
        const cell = (s) => { const n = of.filter((r) => matches(r, s)).length; return `<td class="n" data-label="${s}">${n ? `<a href="#/kinds/${k.kind}?state=${s}">${n}</a>` : 0}</td>`; };
        return `<tr><th scope="row"><a href="#/kinds/${esc(k.kind)}">${esc(k.kind)}</a></th><td class="n" data-label="Total">${of.length}</td>` +
          STATES.map(([s]) => cell(s)).join('') + '</tr>';
      }).join('');
      document.getElementById('counts').innerHTML = '<table class="counts rows"><thead><tr><th scope="col">Kind</th><th scope="col">Total</th>' +
        STATES.map(([, label]) => `<th scope="col">${label}</th>`).join('') + `</tr></thead><tbody>${counts}</tbody></table>`;
      // The first rows only: a thousand-row table would cost the first paint; each kind's list has them all.
      const shown = rows.sort(byAttention).slice(0, OVERVIEW_ROWS);
      const caption = shown.length < rows.length ? `The first ${shown.length} of ${rows.length} objects; each kind's list shows the rest` : `${rows.length} objects`;
      document.getElementById('all').innerHTML = rowsTable(shown, { caption, withKind: true, id: 'attention' });
    },
  };
}

function list(kind, params) {
  const filter = { ns: params.get('ns') || '', state: params.get('state') || '', q: params.get('q') || '' };
  let showAll = false;
  return {
    title: kind,
    mount() {
      main.innerHTML = `<h1>${esc(kind)}</h1><form class="filters" role="search" aria-label="Filter ${esc(kind)} objects">` +
        '<label>Namespace <select id="f-ns"></select></label>' +
        `<label>State <select id="f-state"><option value="">Any</option>${STATES.map(([v, l]) => `<option value="${v}">${l}</option>`).join('')}</select></label>` +
        '<label>Text <input id="f-q" type="search" placeholder="name, revision or message"></label></form><div id="list"></div>';
      const ns = document.getElementById('f-ns'), st = document.getElementById('f-state'), q = document.getElementById('f-q');
      st.value = filter.state; q.value = filter.q;
      const changed = () => {
        Object.assign(filter, { ns: ns.value, state: st.value, q: q.value });
        const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString();
        history.replaceState(null, '', `#/kinds/${kind}${query ? '?' + query : ''}`);
        this.update();
      };
      ns.addEventListener('change', changed); st.addEventListener('change', changed); q.addEventListener('input', changed);
      document.querySelector('form.filters').addEventListener('submit', (e) => e.preventDefault());
    },
    update() {
      const of = [...state.rows.values()].filter((r) => r.kind === kind);
      const ns = document.getElementById('f-ns');
      const namespaces = [...new Set(of.map((r) => r.namespace))].sort();
      const options = '<option value="">All</option>' + namespaces.map((n) => `<option>${esc(n)}</option>`).join('');
      if (ns.innerHTML !== options) { ns.innerHTML = options; }
      ns.value = filter.ns;
      const q = filter.q.toLowerCase();
      const shown = of.filter((r) => (!filter.ns || r.namespace === filter.ns) && matches(r, filter.state) &&
        (!q || `${r.namespace}/${r.name} ${r.revision} ${r.message}`.toLowerCase().includes(q)))
        .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
      const page = showAll ? shown : shown.slice(0, LIST_ROWS);
      document.getElementById('list').innerHTML = rowsTable(page, { caption: `${shown.length} of ${of.length} ${kind} objects` }) +
        (page.length < shown.length ? `<p><button id="show-all">Show all ${shown.length}</button></p>` : '');
      document.getElementById('show-all')?.addEventListener('click', () => { showAll = true; this.update(); });
    },
  };
}

function objectPage(kind, ns, name) {
  const key = `${kind}/${ns}/${name}`;
  let pending = null; let requested = null; let detail = null;
  const api = `/api/objects/${encodeURIComponent(kind)}/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;
  const say = (text, error) => { const n = document.getElementById('result'); n.className = `notice ${error ? 'error' : 'info'}`; n.setAttribute('role', error ? 'alert' : 'status'); n.textContent = text; };

  async function act(action, query) {
    const headers = { 'X-Tide-Action': '1' };
    const token = sessionStorage.getItem(TOKEN);
    if (token) headers.Authorization = `Bearer ${token}`;
    say(`${action}: sending…`);
    const response = await fetch(`${api}/${action}${query || ''}`, { method: 'POST', headers });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401) { showLogin(body.message); say(`Not done: ${body.message}`, true); return; }
    if (!response.ok) { say(`Refused: ${body.message}`, true); return; }
    requested = body.requestedAt || null;
    say(requested ? `Reconcile requested at ${requested}; waiting for the result…` : `${action} done.`);
    refresh();
  }
  function showLogin(message) {
    const box = document.getElementById('login');
    box.innerHTML = `<form class="login" aria-label="Log in"><p>${esc(message || 'Log in to act as yourself.')}</p>` +
      '<label>Bearer token <input id="token" type="password" autocomplete="off" required></label><button>Use this token</button></form>';
    box.querySelector('form').addEventListener('submit', (e) => {
      e.preventDefault(); sessionStorage.setItem(TOKEN, document.getElementById('token').value); box.innerHTML = '<p class="muted">Token set for this tab.</p>';
    });
    document.getElementById('token').focus();
  }
  // A reconcile request is answered once status.lastHandledReconcileAt equals it.
  function followRequest() {
    if (!requested || !detail || detail.lastHandledReconcileAt !== requested) return;
    const r = detail.row;
    say(r.ready === 'True' ? `Reconciled: ${r.message || 'ready'} (revision ${r.revision})` : `Reconciled with Ready=${r.ready}: ${r.message}`, r.ready === 'False');
    requested = null;
  }
  async function refresh() {
    const response = await fetch(api);
    if (!response.ok) { document.getElementById('detail').innerHTML = `<p class="notice error">${esc((await response.json()).message)}</p>`; return; }
    detail = await response.json();
    render(); followRequest();
  }
  function facts(pairs) {
    return '<dl class="facts">' + pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('') + '</dl>';
  }
  const ref = (r) => r.missing ? `${esc(r.kind)} ${esc(r.namespace)}/${esc(r.name)} <span class="badge missing">not found</span>`
    : `<a href="${href(r)}">${esc(r.kind)} ${esc(r.namespace)}/${esc(r.name)}</a> ${badge(r)} <span class="muted">${esc(r.message)}</span>`;
  const refs = (items) => items.length ? `<ul>${items.map((r) => `<li>${ref(r)}</li>`).join('')}</ul>` : '<p class="muted">None.</p>';
  function tree(nodes, top) {
    if (!nodes.length) return '';
    return `<ul${top ? ' class="tree"' : ''}>` + nodes.map((n) => {
      const label = `${esc(n.kind)}/${n.namespace ? esc(n.namespace) + '/' : ''}${esc(n.name)}`;
      const known = state.kinds.some((k) => k.kind === n.kind) && state.rows.get(`${n.kind}/${n.namespace}/${n.name}`);
      return `<li>${known ? `<a href="${href(known)}">${label}</a> ${badge(known)}` : label}${tree(n.children)}</li>`;
    }).join('') + '</ul>';
  }
  // status.history: a HelmRelease's releases, or a Kustomization's builds (by digest) with their last outcome.
  function history(entries) {
    const helm = entries[0].chartVersion !== undefined;
    const columns = helm ? ['Release', 'Chart', 'Status', 'Deployed'] : ['Revision', 'Last status', 'Reconciliations', 'Last reconciled', 'Took'];
    const cells = (h) => (helm ? [h.version, `${h.chartName ?? ''} ${h.chartVersion}`, h.status, h.lastDeployed || h.firstDeployed]
      : [h.metadata?.revision, h.lastReconciledStatus, h.totalReconciliations, h.lastReconciled, h.lastReconciledDuration]);
    return `<table class="rows"><thead><tr>${columns.map((c) => `<th scope="col">${c}</th>`).join('')}</tr></thead><tbody>` +
      entries.map((h) => `<tr>${cells(h).map((v, i) => `<td data-label="${columns[i]}">${esc(v)}</td>`).join('')}</tr>`).join('') + '</tbody></table>';
  }
  function render() {
    const d = detail, r = d.row;
    document.getElementById('suspend').textContent = r.suspended ? 'Resume' : 'Suspend';
    const differs = !d.isSource && d.lastAttemptedRevision && d.lastAttemptedRevision !== d.lastAppliedRevision;
    const conditions = d.conditions.map((c) => `<tr><td data-label="Type">${esc(c.type)}</td><td data-label="Status">${esc(c.status)}</td>` +
      `<td data-label="Reason">${esc(c.reason)}</td><td data-label="Message" class="msg">${esc(c.message)}</td><td data-label="Since">${esc(c.lastTransitionTime)}</td></tr>`).join('');
    const events = d.events.slice().reverse().map((e) => `<tr><td data-label="Last seen">${esc(e.lastSeen)}</td><td data-label="Type">${esc(e.type)}</td>` +
      `<td data-label="Reason">${esc(e.reason)}</td><td data-label="Message" class="msg">${esc(e.message)}</td></tr>`).join('');
    document.getElementById('detail').innerHTML =
      '<section aria-labelledby="s-status"><h2 id="s-status">Status</h2>' + facts([
        ['Ready', `${badge(r)} ${esc(r.message)}`],
        ['Revision', `<span class="mono" id="revision">${esc(r.revision)}</span>`],
        ['Last applied revision', d.lastAppliedRevision && `<span class="mono">${esc(d.lastAppliedRevision)}</span>`],
        ['Last attempted revision', d.lastAttemptedRevision && `<span class="mono">${esc(d.lastAttemptedRevision)}</span>${differs ? ' <span class="badge failed">not applied</span>' : ''}`],
        ['Artifact', d.artifact && `<span class="mono">${esc(d.artifact.digest)}</span> <span class="muted">${esc(d.artifact.lastUpdateTime)}</span>`],
        ['Interval', esc(d.interval)],
        ['Generation', d.generation !== undefined && `${esc(d.generation)} (observed ${esc(d.observedGeneration ?? '–')})`],
        ['Reconcile requested at', d.requestedAt && `<span id="requested-at">${esc(d.requestedAt)}</span>`],
        ['Last handled request', d.lastHandledReconcileAt && `<span id="handled-at">${esc(d.lastHandledReconcileAt)}</span>`],
      ]) + '</section>' +
      `<section aria-labelledby="s-cond"><h2 id="s-cond">Conditions</h2><table class="rows"><thead><tr><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Message</th><th scope="col">Since</th></tr></thead><tbody>${conditions || '<tr><td colspan="5">None yet.</td></tr>'}</tbody></table></section>` +
      (d.history.length ? `<section aria-labelledby="s-hist"><h2 id="s-hist">History</h2>${history(d.history)}</section>` : '') +
      (d.isSource ? '' : `<section aria-labelledby="s-src"><h2 id="s-src">Source</h2>${d.source ? refs([d.source]) : '<p class="muted">None.</p>'}</section>`) +
      `<section aria-labelledby="s-cons"><h2 id="s-cons">${d.isSource ? 'Consumers' : 'Other consumers of the source'}</h2>${refs(d.consumers)}</section>` +
      (d.isSource ? '' : `<section aria-labelledby="s-dep"><h2 id="s-dep">Depends on</h2>${refs(d.dependsOn)}<h3>Depended on by</h3>${refs(d.dependents)}</section>`) +
      (d.isSource ? '' : `<section aria-labelledby="s-inv"><h2 id="s-inv">Inventory</h2>${d.inventory.length ? tree(d.inventory, true) : '<p class="muted">Nothing applied.</p>'}</section>`) +
      `<section aria-labelledby="s-ev"><h2 id="s-ev">Events</h2><table class="rows"><thead><tr><th scope="col">Last seen</th><th scope="col">Type</th><th scope="col">Reason</th><th scope="col">Message</th></tr></thead><tbody>${events || `<tr><td colspan="4">${esc(d.eventsError ? 'Events cannot be read: ' + d.eventsError : 'None.')}</td></tr>`}</tbody></table></section>`;
  }
  return {
    title: `${kind} ${ns}/${name}`,
    mount() {
      const isSource = state.kinds.find((k) => k.kind === kind)?.isSource;
      main.innerHTML = `<h1>${esc(kind)} <span class="muted">${esc(ns)}/</span>${esc(name)} <span id="state"></span></h1>` +
        '<p>Revision <span id="row-revision" class="mono"></span></p>' +
        '<div class="actions" role="group" aria-label="Actions"><button id="reconcile">Reconcile</button>' +
        (isSource ? '' : '<button id="reconcile-source">Reconcile with source</button>') +
        '<button id="suspend">Suspend</button></div><div id="result" class="notice" role="status"></div><div id="login"></div>' +
        '<div id="detail"><p>Loading…</p></div>';
      document.getElementById('reconcile').addEventListener('click', () => act('reconcile'));
      document.getElementById('reconcile-source')?.addEventListener('click', () => act('reconcile', '?withSource=true'));
      document.getElementById('suspend').addEventListener('click', () => act(detail?.row.suspended ? 'resume' : 'suspend'));
      refresh();
    },
    update(changed) {
      if (changed && !changed.includes(key) && !changed.includes(null)) return;
      // The row arrives with the event: shown at once, the rest of the page follows its fetch.
      const row = state.rows.get(key);
      if (row) { document.getElementById('state').innerHTML = badge(row); document.getElementById('row-revision').textContent = row.revision; }
      clearTimeout(pending); pending = setTimeout(refresh, 50);
    },
  };
}

function cluster() {
  return {
    title: 'Cluster',
    async mount() {
      main.innerHTML = '<h1>Cluster</h1><div class="actions"><button id="refresh">Refresh</button></div><div id="cluster"><p>Loading…</p></div>';
      document.getElementById('refresh').addEventListener('click', () => this.load());
      this.load();
    },
    async load() {
      const response = await fetch('/api/cluster');
      const c = await response.json();
      const box = document.getElementById('cluster');
      if (!response.ok) { box.innerHTML = `<p class="notice error">${esc(c.message)}</p>`; return; }
      const rows = c.nodes.map((n) => {
        const total = Object.values(n.entities).reduce((a, b) => a + b, 0);
        const marks = [n.address === c.leader ? 'leader' : '', n.address === c.self ? 'this node' : '', n.unreachable ? 'unreachable' : ''].filter(Boolean).join(', ');
        return `<tr><td data-label="Node" class="mono">${esc(n.address)}${marks ? ` <span class="muted">(${marks})</span>` : ''}</td><td data-label="Status">${esc(n.status)}</td>` +
          `<td data-label="Version">${esc(n.version ?? '–')}</td>` + c.kinds.map((k) => `<td class="n" data-label="${esc(k)}">${n.entities[k] ?? 0}</td>`).join('') + `<td class="n" data-label="Total">${total}</td></tr>`;
      }).join('');
      box.innerHTML = '<table class="rows counts"><caption class="muted">Tide nodes and the entities each runs, per kind</caption><thead><tr><th scope="col">Node</th><th scope="col">Status</th><th scope="col">Version</th>' +
        c.kinds.map((k) => `<th scope="col">${esc(k)}</th>`).join('') + `<th scope="col">Total</th></tr></thead><tbody>${rows}</tbody></table>`;
    },
    update() {},
  };
}

// ---- routing and the live stream ----

function route() {
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'kinds' && parts[1]) return list(parts[1], new URLSearchParams(query));
  if (parts[0] === 'objects' && parts.length === 4) return objectPage(parts[1], parts[2], parts[3]);
  if (parts[0] === 'cluster') return cluster();
  return overview();
}

function navigate() {
  state.view = route();
  document.title = `${state.view.title} · Tide`;
  state.view.mount();
  state.view.update();
  renderNav();
}

function renderNav() {
  const links = [['#/', 'Overview'], ...state.kinds.map((k) => [`#/kinds/${k.kind}`, k.kind]), ['#/cluster', 'Cluster']];
  const current = location.hash.split('?')[0] || '#/';
  document.getElementById('nav').innerHTML = links.map(([h, label]) =>
    `<li><a href="${h}"${h === current || (current === '#' && h === '#/') ? ' aria-current="page"' : ''}>${esc(label)}</a></li>`).join('');
}

let scheduled = false; const changedKeys = new Set();
function schedule(key) {
  changedKeys.add(key);
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    const keys = [...changedKeys]; changedKeys.clear();
    state.view.update(keys);
  });
}

function connect() {
  const live = document.getElementById('live');
  const stream = new EventSource('/api/stream');
  let first = true;
  stream.addEventListener('snapshot', (e) => {
    if (first) performance.mark('tide-snapshot');
    const data = JSON.parse(e.data);
    state.kinds = data.kinds;
    state.rows = new Map(data.rows.map((r) => [keyOf(r), r]));
    live.textContent = 'live';
    if (first) {
      first = false; navigate();
      // After the next frame: when the first page with data has been painted (bench/ measures it).
      requestAnimationFrame(() => setTimeout(() => performance.mark('tide-painted')));
    } else { renderNav(); schedule(null); }
  });
  stream.addEventListener('upsert', (e) => { const r = JSON.parse(e.data); state.rows.set(keyOf(r), r); schedule(keyOf(r)); });
  stream.addEventListener('delete', (e) => { const r = JSON.parse(e.data); state.rows.delete(keyOf(r)); schedule(keyOf(r)); });
  stream.addEventListener('kinds', (e) => { state.kinds = JSON.parse(e.data); renderNav(); schedule(null); });
  stream.onerror = () => { live.textContent = 'reconnecting…'; };
}

// update(keys) gets the keys of the rows that changed (null: all); the object page redraws only for its own.
window.addEventListener('hashchange', () => { navigate(); main.focus(); });
connect();
