// One vault: NAV against its buy-and-hold twin, allocation against targets, rebalances as markers with their
// reasons, the policy text and hash, the rails, and "verify this rebalance".
import { get } from './api.js';
import { decimal, esc, time, units } from './format.js';

const seconds = t => new Date(t).getTime() / 1000;
const colours = ['#1f5fbf', '#d9822b', '#1c7c3a', '#8e44ad', '#b3261e', '#16a2b8', '#6c757d', '#c9a227'];

/** Every point of a paged series (at most `pages` pages of 10,000, oldest first). */
async function allPoints(id, pages = 5) {
  let points = [], after = null;
  for (let i = 0; i < pages; i++) {
    const page = await get(`/api/vaults/${encodeURIComponent(id)}/series?limit=10000${after == null ? '' : `&after=${after}`}`);
    points = points.concat(page.points);
    if (page.next == null) break;
    after = page.next;
  }
  return points;
}

/** A uPlot line chart; `markers` (times in seconds, with titles) are drawn as DOM markers over the plot. */
function chart(el, title, data, series, yLabel, markers = []) {
  const width = Math.max(480, el.clientWidth || 900);
  const plot = new uPlot({
    title, width, height: 280,
    scales: { x: { time: true } },
    axes: [{}, { label: yLabel, size: 90 }],
    series: [{}, ...series],
    hooks: {
      draw: [u => {
        u.over.querySelectorAll('.marker').forEach(m => m.remove());
        for (const m of markers) {
          const left = u.valToPos(m.t, 'x');
          if (left < 0 || left > u.over.clientWidth) continue;
          const div = document.createElement('div');
          div.className = 'marker';
          div.style.left = `${left}px`;
          div.title = m.title;
          div.dataset.sequence = m.sequence;
          u.over.appendChild(div);
        }
      }],
    },
  }, data, el);
  return plot;
}

export async function vaultPage(page, id) {
  const enc = encodeURIComponent(id);
  const vault = await get(`/api/vaults/${enc}`);
  const composed = vault.kind === 'composed';
  const [points, twin, rebalances, policy] = await Promise.all([
    allPoints(id),
    composed ? get(`/api/vaults/${enc}/twin`) : Promise.resolve([]),
    composed ? get(`/api/vaults/${enc}/rebalances`) : Promise.resolve([]),
    vault.policy_hash ? get(`/api/policies/${vault.policy_hash}`).catch(() => null) : Promise.resolve(null),
  ]);
  const d = vault.asset_decimals;
  const markers = rebalances.map(r => ({ t: seconds(r.time), title: `${time(r.time)}: ${r.reason}`, sequence: r.sequence }));

  page.innerHTML = `
    <h1>${esc(vault.id)} <span class="tag">${vault.kind}</span> ${vault.paused ? '<span class="tag warn">paused</span>' : ''}</h1>
    <div class="grid">
      <div class="panel"><dl>
        <dt>NAV</dt><dd id="vault-nav">${units(vault.nav, d)} ${esc(vault.asset)}</dd>
        <dt>Share price</dt><dd>${decimal(vault.share_price, 6)}</dd>
        <dt>Shares</dt><dd>${units(vault.total_supply, vault.share_decimals)}</dd>
        <dt>Last report</dt><dd>${time(vault.last_report_at)}</dd>
        <dt>Last rebalance</dt><dd>${time(vault.last_rebalance_at)}</dd>
        <dt>Last keeper call</dt><dd>${time(vault.last_keeper_call_at)}</dd>
        <dt>Rebalances</dt><dd id="rebalance-count">${vault.rebalances}</dd>
      </dl></div>
      ${composed ? `<div class="panel"><h2>Allocation now</h2><table><thead><tr><th class="text">Child</th><th>Value</th><th>Weight</th><th>Target</th></tr></thead><tbody>
        ${vault.allocation.map((a, i) => `<tr><td><a href="#/vault/${encodeURIComponent(a.child)}">${esc(a.child)}</a></td><td>${units(a.assets, d)}</td>
          <td>${(a.ppm / 1e4).toFixed(2)} %</td><td>${vault.targets_ppm ? (vault.targets_ppm[i] / 1e4).toFixed(2) + ' %' : '–'}</td></tr>`).join('')}
        </tbody></table></div>` : ''}
    </div>
    <div class="panel"><div class="chart" id="nav-chart"></div></div>
    ${composed ? '<div class="panel"><div class="chart" id="allocation-chart"></div></div>' : ''}
    ${composed ? `<div class="grid">
      <div class="panel"><h2>Policy</h2>${policy ? `<p>${esc(policy.name)} <code id="policy-hash">${esc(policy.hash)}</code></p><pre id="policy-text">${esc(policy.text)}</pre>` : '<p>No policy attached.</p>'}</div>
      <div class="panel"><h2>Rails</h2><pre id="rails">${esc(JSON.stringify(JSON.parse(vault.rails ?? '{}'), null, 2))}</pre></div>
    </div>
    <div class="panel"><h2>Rebalances</h2>
      <table id="rebalances"><thead><tr><th class="text">When</th><th class="text">Trigger</th><th class="text">Reason</th><th>NAV before</th><th>NAV after</th><th>Costs</th><th></th></tr></thead><tbody>
      ${rebalances.slice().reverse().map(r => `<tr class="rebalance" data-sequence="${r.sequence}">
        <td>${time(r.time)}</td><td class="text">${esc(r.trigger)}</td><td class="wrap">${esc(r.reason)}</td>
        <td>${units(r.nav_before, d)}</td><td>${units(r.nav_after, d)}</td><td>${units((BigInt(r.flow_fees) + BigInt(r.fixed_costs)).toString(), d)}</td>
        <td><button class="verify" data-sequence="${r.sequence}">verify this rebalance</button></td></tr>`).join('') || '<tr><td colspan="7">None yet.</td></tr>'}
      </tbody></table>
      <div id="verification"></div>
    </div>` : ''}`;

  const navEl = document.getElementById('nav-chart');
  if (composed && twin.length > 0) {
    chart(navEl, 'NAV and its buy-and-hold twin', [twin.map(p => seconds(p.time)), twin.map(p => Number(BigInt(p.nav)) / 10 ** d), twin.map(p => Number(BigInt(p.twin_nav)) / 10 ** d)],
      [{ label: 'NAV', stroke: colours[0], width: 2 }, { label: 'buy-and-hold twin', stroke: colours[1], dash: [6, 4] }], vault.asset, markers);
  } else {
    chart(navEl, 'NAV', [points.map(p => seconds(p.time)), points.map(p => Number(BigInt(p.nav)) / 10 ** d)], [{ label: 'NAV', stroke: colours[0], width: 2 }], vault.asset, markers);
  }

  if (composed) {
    const alloc = points.filter(p => p.allocation_ppm);
    const xs = alloc.map(p => seconds(p.time));
    // Targets over time: each rebalance states the targets in force from then on (the current ones before any).
    const targetAt = t => { let tg = vault.targets_ppm; for (const r of rebalances) if (seconds(r.time) <= t) tg = r.targets_ppm; return tg; };
    const data = [xs], series = [];
    vault.allocation.forEach((a, i) => {
      data.push(alloc.map(p => p.allocation_ppm[i] / 1e4));
      series.push({ label: a.child, stroke: colours[i % colours.length] });
      if (vault.targets_ppm) {
        data.push(xs.map(t => (targetAt(t)?.[i] ?? null) / 1e4));
        series.push({ label: `${a.child} target`, stroke: colours[i % colours.length], dash: [4, 4], width: 1 });
      }
    });
    chart(document.getElementById('allocation-chart'), 'Allocation (% of NAV) and targets', data, series, '%', markers);
    page.querySelectorAll('button.verify').forEach(b => b.addEventListener('click', () => verify(id, b.dataset.sequence)));
  }
}

async function verify(id, sequence) {
  const out = document.getElementById('verification');
  out.innerHTML = '<p>Replaying the journal…</p>';
  const v = await get(`/api/vaults/${encodeURIComponent(id)}/rebalances/${sequence}/verify`);
  out.innerHTML = `
    <h2>Rebalance at event ${v.sequence} (command <code>${esc(v.command_id)}</code>)</h2>
    <p id="verify-verdict" class="${v.verified && v.identical ? 'pos' : 'neg'}">${v.verified && v.identical
      ? `verified: the journal 1..${v.events_checked} replays, and the rules re-derive this decision byte for byte`
      : `NOT verified: ${esc(v.discrepancy ?? 're-derived decision differs from the journaled one')}`}</p>
    <p>Inputs digest (SHA-256 of what the policy saw): <code id="inputs-digest">${esc(v.inputs_digest)}</code></p>
    <div class="grid"><div><h2>Journaled</h2><pre>${esc(JSON.stringify(JSON.parse(v.journaled), null, 2))}</pre></div>
    <div><h2>Re-derived by the server</h2><pre>${v.rederived ? esc(JSON.stringify(JSON.parse(v.rederived), null, 2)) : '–'}</pre></div></div>`;
}
