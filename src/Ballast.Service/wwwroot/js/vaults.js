// The vault list: every vault with its figures now (GET /api/vaults/summary).
import { get } from './api.js';
import { decimal, esc, percent, time, units } from './format.js';

export async function vaultList(page) {
  const [vaults, list] = await Promise.all([get('/api/vaults/summary'), get('/api/vaults')]);
  const decimals = Object.fromEntries(list.map(v => [v.id, v.asset_decimals]));
  const rows = vaults.map(v => `
    <tr data-vault="${esc(v.id)}">
      <td><a href="#/vault/${encodeURIComponent(v.id)}">${esc(v.id)}</a> <span class="tag">${v.kind}</span></td>
      <td class="nav">${units(v.nav, decimals[v.id] ?? 0)} ${esc(v.asset)}</td>
      <td class="share-price">${decimal(v.share_price, 4)}</td>
      <td>${percent(v.return_30d)}</td>
      <td>${percent(v.return_1y)}</td>
      <td>${percent(v.return_since_start)}</td>
      <td>${percent(v.volatility)}</td>
      <td>${percent(v.max_drawdown == null ? null : -v.max_drawdown)}</td>
      <td>${v.drift_from_target == null ? '–' : (v.drift_from_target * 100).toFixed(2) + ' pp'}</td>
      <td>${time(v.last_report_at)}</td>
      <td>${time(v.last_keeper_call_at)}</td>
      <td class="text">${v.paused ? '<span class="tag warn">paused</span>' : ''}${v.report_held ? ' <span class="tag warn">report held</span>' : ''}${!v.paused && !v.report_held ? '<span class="tag ok">live</span>' : ''}</td>
    </tr>`).join('');
  page.innerHTML = `
    <h1>Vaults</h1>
    <table id="vaults">
      <thead><tr>
        <th class="text">Vault</th><th>NAV</th><th>Share price</th><th>30 days</th><th>1 year</th><th>Since start</th>
        <th>Volatility (ann.)</th><th>Max drawdown</th><th>Drift from target</th><th>Last report</th><th>Last keeper call</th><th class="text">State</th>
      </tr></thead>
      <tbody>${rows}</tbody>
    </table>
    <p class="result">Returns are of the share price over the protocol's own time; n/a where the vault is younger than the window.
    Volatility: daily log returns, annualised. Drift: the largest gap between a child's weight and its target.</p>`;
}
