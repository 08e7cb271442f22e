// My position: sign in with an API key (kept in sessionStorage for this tab), then value, profit and loss, pending
// requests, history, and forms to deposit, redeem and request a withdrawal.
import { apiKey, command, get, setApiKey } from './api.js';
import { esc, time, toBase, units } from './format.js';

export async function positionPage(page) {
  if (!apiKey()) return signIn(page);
  let me;
  try {
    me = await get('/api/whoami');
  } catch (e) {
    setApiKey(null);
    return signIn(page, `That key was not accepted (${e.message}).`);
  }

  const vaults = await get('/api/vaults');
  const byId = Object.fromEntries(vaults.map(v => [v.id, v]));
  let account = null;
  try { account = await get(`/api/accounts/${encodeURIComponent(me.account)}`); } catch { /* nothing journaled yet */ }
  const positions = account?.positions ?? [];
  const dec = v => byId[v]?.asset_decimals ?? 0;
  const sum = f => positions.reduce((s, p) => s + BigInt(f(p) ?? '0'), 0n).toString();
  const assetDecimals = vaults[0]?.asset_decimals ?? 0;
  const vaultOptions = filter => vaults.filter(filter).map(v => `<option value="${esc(v.id)}">${esc(v.id)} (${v.kind}, ${v.pricing})</option>`).join('');

  page.innerHTML = `
    <h1>My position: <span id="account">${esc(me.account)}</span> <span class="tag">${me.roles.join(', ')}</span>
      <button class="link" id="sign-out">sign out</button></h1>
    <div class="grid">
      <div class="panel"><dl>
        <dt>Value</dt><dd id="total-value">${units(sum(p => p.value), assetDecimals)}</dd>
        <dt>Profit and loss</dt><dd id="total-pnl">${units(sum(p => p.profit_and_loss), assetDecimals)}</dd>
        <dt>Wallet</dt><dd id="wallet">${Object.entries(account?.wallets ?? {}).map(([s, a]) => `${units(a, assetDecimals)} ${esc(s)}`).join(', ') || '–'}</dd>
        <dt>In escrow</dt><dd>${Object.entries(account?.escrowed ?? {}).map(([s, a]) => `${units(a, assetDecimals)} ${esc(s)}`).join(', ') || '–'}</dd>
      </dl></div>
      <div class="panel">
        <h2>Deposit</h2>
        <form id="deposit-form"><label>Vault<select name="vault">${vaultOptions(() => true)}</select></label>
          <label>Amount<input name="amount" placeholder="1000.00" required></label><button>Deposit</button></form>
        <h2>Redeem</h2>
        <form id="redeem-form"><label>Vault<select name="vault">${vaultOptions(v => positions.some(p => p.vault === v.id))}</select></label>
          <label>Shares<input name="amount" placeholder="100.0" required></label><button>Redeem</button></form>
        <h2>Request a withdrawal</h2>
        <form id="withdraw-form"><label>Simple vault<select name="vault">${vaultOptions(v => v.kind === 'simple' && positions.some(p => p.vault === v.id))}</select></label>
          <label>Shares<input name="amount" required></label><label>Max loss (bps)<input name="loss" value="100" size="5"></label><button>Request</button></form>
        <div id="command-result" class="result"></div>
      </div>
    </div>
    <h2>Positions</h2>
    <table id="positions"><thead><tr><th class="text">Vault</th><th>Shares</th><th>Locked</th><th>Value</th><th>Put in</th><th>Taken out</th><th>Profit and loss</th></tr></thead><tbody>
      ${positions.map(p => `<tr data-vault="${esc(p.vault)}"><td><a href="#/vault/${encodeURIComponent(p.vault)}">${esc(p.vault)}</a></td>
        <td>${units(p.shares, byId[p.vault]?.share_decimals ?? 0, 4)}</td><td>${units(p.locked_shares, byId[p.vault]?.share_decimals ?? 0, 4)}</td>
        <td>${units(p.value, dec(p.vault))}</td><td>${units(p.invested, dec(p.vault))}</td><td>${units(p.returned, dec(p.vault))}</td>
        <td class="${(p.profit_and_loss ?? '0').startsWith('-') ? 'neg' : 'pos'}">${units(p.profit_and_loss, dec(p.vault))}</td></tr>`).join('') || '<tr><td colspan="7">No shares yet.</td></tr>'}
    </tbody></table>
    <h2>Pending requests</h2>
    <table id="requests"><thead><tr><th class="text">Request</th><th class="text">Vault</th><th class="text">Kind</th><th>Amount</th><th>Since</th></tr></thead><tbody>
      ${(account?.requests ?? []).map(r => `<tr class="request"><td>${r.id}</td><td class="text">${esc(r.vault)}</td><td class="text">${r.kind}</td>
        <td>${r.kind === 'deposit' ? units(r.amount, dec(r.vault)) : units(r.amount, byId[r.vault]?.share_decimals ?? 0, 4)}</td><td>${time(r.at)}</td></tr>`).join('')}
      ${(account?.withdrawals ?? []).map(w => `<tr class="request"><td>${w.id}</td><td class="text">${esc(w.vault)}</td><td class="text">withdrawal</td>
        <td>${units(w.shares, byId[w.vault]?.share_decimals ?? 0, 4)}</td><td>not before ${time(w.not_before)}</td></tr>`).join('')}
    </tbody></table>
    <h2>History</h2>
    <table id="history"><thead><tr><th class="text">Event</th><th class="text">When</th><th class="text">Command</th><th class="text">Id</th><th class="text">By</th></tr></thead><tbody>
      ${(account?.history ?? []).slice(-50).reverse().map(h => `<tr><td>${h.sequence}</td><td class="text">${time(h.time)}</td><td class="text">${esc(h.command)}</td>
        <td class="text mono">${esc(h.command_id)}</td><td class="text">${esc(h.actor)}</td></tr>`).join('')}
    </tbody></table>`;

  document.getElementById('sign-out').onclick = () => { setApiKey(null); positionPage(page); };
  const submit = (formId, build) => document.getElementById(formId).addEventListener('submit', async e => {
    e.preventDefault();
    const out = document.getElementById('command-result');
    try {
      const f = new FormData(e.target);
      const vault = byId[f.get('vault')];
      if (!vault) throw new Error('choose a vault');
      const [name, members] = build(vault, f);
      const r = await command(name, members);
      out.innerHTML = r.ok
        ? `<span class="pos">${name} ${r.body.status} (command <code>${esc(r.body.command_id ?? r.key)}</code>${r.body.events?.length ? `, events ${r.body.events[0].sequence}..${r.body.events.at(-1).sequence}` : ''})</span>`
        : `<span class="neg">${name}: ${r.status} ${esc(r.body?.code ?? '')} ${esc(r.body?.detail ?? '')}</span>`;
      if (r.ok) setTimeout(() => positionPage(page).then(() => { document.getElementById('command-result').innerHTML = out.innerHTML; }), 300);
    } catch (err) {
      out.innerHTML = `<span class="neg">${esc(err.message)}</span>`;
    }
  });
  submit('deposit-form', (v, f) => [v.pricing === 'forward' ? 'request-deposit' : 'deposit', { vault: v.id, assets: toBase(f.get('amount'), v.asset_decimals) }]);
  submit('redeem-form', (v, f) => [v.pricing === 'forward' ? 'request-redeem' : 'redeem', { vault: v.id, shares: toBase(f.get('amount'), v.share_decimals) }]);
  submit('withdraw-form', (v, f) => ['request-withdrawal', { vault: v.id, shares: toBase(f.get('amount'), v.share_decimals), max_loss_bps: Number(f.get('loss')) }]);
}

function signIn(page, message = '') {
  page.innerHTML = `
    <h1>My position</h1>
    <div class="panel">
      <p>Sign in with your API key (the demo prints one per account). It is kept in this tab only (sessionStorage) and sent as <code>Authorization: Bearer</code>.</p>
      ${message ? `<p class="neg">${esc(message)}</p>` : ''}
      <form id="sign-in"><label>API key<input name="key" type="password" size="60" autocomplete="off" required></label><button>Sign in</button></form>
    </div>`;
  document.getElementById('sign-in').addEventListener('submit', e => {
    e.preventDefault();
    setApiKey(new FormData(e.target).get('key').trim());
    positionPage(page);
  });
}
