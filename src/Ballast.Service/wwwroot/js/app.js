// The dashboard: a hash router over four pages (five on a cluster silo), and the journal head on every page (kept current by SSE).
import { get } from './api.js';
import { esc } from './format.js';
import { vaultList } from './vaults.js';
import { vaultPage } from './vault.js';
import { positionPage } from './position.js';
import { governancePage } from './governance.js';
import { clusterPage, isCluster } from './cluster.js';

const page = document.getElementById('page');

async function route() {
  const [, name, arg] = (location.hash || '#/').split('/');
  page.innerHTML = '<p>Loading…</p>';
  try {
    if (name === 'vault' && arg) await vaultPage(page, decodeURIComponent(arg));
    else if (name === 'position') await positionPage(page);
    else if (name === 'governance') await governancePage(page);
    else if (name === 'cluster') await clusterPage(page);
    else await vaultList(page);
  } catch (e) {
    page.innerHTML = `<p class="neg">Could not load this page: ${esc(e.message)}</p>`;
  }
}

function showHead(head) {
  const el = document.getElementById('journal-head');
  el.textContent = `journal head ${head.sequence}:${head.hash.slice(0, 16)}…`;
  el.dataset.sequence = head.sequence;
  el.dataset.hash = head.hash;
  document.getElementById('export-link').href = `/api/journal?from=1&to=${head.sequence}`;
}

// The head now, then every journal event as it is appended (the stream opens with the head).
get('/api/head').then(showHead).catch(() => {});
const events = new EventSource('/api/events');
events.addEventListener('head', e => showHead(JSON.parse(e.data)));
events.addEventListener('journal', e => {
  const ev = JSON.parse(e.data);
  showHead({ sequence: ev.sequence, hash: ev.hash });
});

// The cluster page's link appears only on a cluster silo.
isCluster().then(yes => { document.getElementById('cluster-link').hidden = !yes; });

window.addEventListener('hashchange', route);
route();
