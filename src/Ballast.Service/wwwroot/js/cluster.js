// The cluster page (ballast serve --cluster): the silos Orleans' membership knows and their status, which silo holds
// each deployment's sequencer and the head it committed, and its keeper coordinator (silo, ticks, lag in events).
// Refreshed every 2 seconds while the page is shown (GET /api/cluster on the silo serving the page).
import { get } from './api.js';
import { esc, time } from './format.js';

const REFRESH_MS = 2000;
let timer = null;

/** Whether the service runs as a cluster (GET /api/cluster answers); the nav link is shown only then. */
export async function isCluster() {
  try {
    await get('/api/cluster');
    return true;
  } catch {
    return false;
  }
}

export async function clusterPage(page) {
  stop();
  await render(page);
  timer = setInterval(() => {
    if (!location.hash.startsWith('#/cluster')) return stop();
    render(page).catch(e => {
      const status = page.querySelector('#cluster-status');
      if (status) status.textContent = `could not refresh: ${e.message}`;
    });
  }, REFRESH_MS);
}

function stop() {
  if (timer !== null) clearInterval(timer);
  timer = null;
}

const statusTag = status => `<span class="tag ${status === 'Active' ? 'ok' : status === 'Dead' ? 'bad' : 'warn'}">${esc(status)}</span>`;

async function render(page) {
  let view;
  try {
    view = await get('/api/cluster');
  } catch (e) {
    page.innerHTML = `<h1>Cluster</h1><p id="cluster-status">This service is not a cluster silo (${esc(e.message)}): it runs as one process.</p>`;
    return;
  }

  const holders = new Map();
  const hold = (silo, tag) => { if (silo) holders.set(silo, [...(holders.get(silo) ?? []), tag]); };
  for (const s of view.sequencers) hold(s.silo, `<span class="tag sequencer">sequencer of ${esc(s.deployment)}</span>`);
  for (const k of view.keepers ?? []) hold(k.silo, `<span class="tag keeper">keeper of ${esc(k.deployment)}</span>`);
  const silos = view.silos.map(s => `
    <tr data-silo="${esc(s.address)}" data-status="${esc(s.status)}">
      <td class="text"><code>${esc(s.address)}</code>${s.address === view.silo ? ' <span class="tag">serving this page</span>' : ''}</td>
      <td class="text">${statusTag(s.status)}</td>
      <td class="text">${(holders.get(s.address) ?? []).join(' ')}</td>
    </tr>`).join('');
  const sequencers = view.sequencers.map(s => `
    <tr data-deployment="${esc(s.deployment)}">
      <td class="text">${esc(s.deployment)}</td>
      <td class="text holder">${s.silo ? `<code>${esc(s.silo)}</code>` : '<span class="muted">–</span>'}</td>
      <td class="head">${s.head_sequence ?? '–'}</td>
      <td class="text">${s.problem ? `<span class="neg">${esc(s.problem)}</span>` : ''}</td>
    </tr>`).join('');
  const heads = new Map(view.sequencers.map(s => [s.deployment, s.head_sequence]));
  const keepers = (view.keepers ?? []).map(k => {
    const head = heads.get(k.deployment);
    const behind = head == null || k.last_head == null ? '–' : Math.max(0, head - k.last_head);
    return `
    <tr data-deployment="${esc(k.deployment)}" data-ticking="${k.ticking === true}">
      <td class="text">${esc(k.deployment)}</td>
      <td class="text keeper-silo">${k.silo ? `<code>${esc(k.silo)}</code>` : '<span class="muted">–</span>'}</td>
      <td class="text">${k.ticking === true ? '<span class="tag ok">ticking</span>' : k.ticking === false ? '<span class="tag warn">stopped</span>' : '–'}</td>
      <td>${k.ticks ?? '–'}${k.failed ? ` <span class="neg">(${k.failed} failed)</span>` : ''}</td>
      <td class="text">${time(k.last_tick_at)}</td>
      <td class="behind">${behind}</td>
      <td class="text">${k.problem ? `<span class="neg">${esc(k.problem)}</span>` : ''}</td>
    </tr>`;
  }).join('');
  const active = view.silos.filter(s => s.status === 'Active').length;
  page.innerHTML = `
    <h1>Cluster ${esc(view.cluster)}</h1>
    <p id="cluster-status">${active} of ${view.silos.length} silos active; this page comes from <code>${esc(view.silo)}</code>, refreshed every ${REFRESH_MS / 1000} s.</p>
    <h2>Silos</h2>
    <table id="silos">
      <thead><tr><th class="text">Silo</th><th class="text">Membership</th><th class="text">Holds</th></tr></thead>
      <tbody>${silos}</tbody>
    </table>
    <h2>Sequencers</h2>
    <table id="sequencers">
      <thead><tr><th class="text">Deployment</th><th class="text">Silo</th><th>Committed head</th><th class="text">Problem</th></tr></thead>
      <tbody>${sequencers}</tbody>
    </table>
    <h2>Keeper</h2>
    <table id="keepers">
      <thead><tr><th class="text">Deployment</th><th class="text">Coordinator on</th><th class="text">Timer</th><th>Ticks</th>
        <th class="text">Last tick</th><th>Events since its last round</th><th class="text">Problem</th></tr></thead>
      <tbody>${keepers}</tbody>
    </table>
    <p class="result">Membership is Orleans' table in PostgreSQL as this silo reads it; a silo killed outright shows as
    Dead once the others have voted it out (seconds). Each deployment has one sequencer, the journal's single writer:
    it moves to a live silo when its silo dies. The keeper's coordinator (one per deployment) ticks on a timer and is
    brought back by a reminder on another silo when its silo dies; "events since its last round" is the journal's
    committed head less the head its last round was planned at: the keeper's lag, in events.</p>`;
}
