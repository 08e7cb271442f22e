// Governance: proposals (state, votes, quorum, timelock countdown, evidence claimed beside the system's re-run),
// gauges and emissions, locks; forms to lock BANK and to vote (as the signed-in account).
import { apiKey, command, get } from './api.js';
import { esc, time, toBase } from './format.js';

const bank = text => Number(text).toLocaleString('en-US', { maximumFractionDigits: 2 });

/** Protocol time left until `eta` from the journal's time `now`, in words. */
function countdown(eta, now) {
  const s = (new Date(eta) - new Date(now)) / 1000;
  if (s <= 0) return 'executable now (timelock over)';
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  return `${d} d ${h} h ${m} min of protocol time left`;
}

const resultTag = r => r == null ? '<span class="tag">no claim</span>'
  : `<span class="tag ${r === 'verified' ? 'ok' : r === 'mismatch' ? 'bad' : 'warn'} evidence-result">${esc(r)}</span>`;

export async function governancePage(page) {
  const g = await get('/api/governance');
  const proposals = g.proposals.slice().reverse().map(p => `
    <div class="panel proposal" data-proposal="${p.id}">
      <h2>#${p.id} ${esc(p.description)} <span class="tag proposal-state">${p.state}</span></h2>
      <dl>
        <dt>Proposer</dt><dd>${esc(p.proposer)} at ${time(p.proposed_at)}</dd>
        <dt>Voting</dt><dd>from ${time(p.snapshot)} to ${time(p.deadline)}</dd>
        <dt>Votes</dt><dd>for ${bank(p.for)}, against ${bank(p.against)}, abstain ${bank(p.abstain)} veBANK</dd>
        <dt>Quorum</dt><dd>${bank(p.quorum)} veBANK: ${p.quorum_reached ? '<span class="pos">reached</span>' : 'not reached'}</dd>
        <dt>Timelock</dt><dd>${p.eta ? `eta ${time(p.eta)}: ${countdown(p.eta, g.at)}; expires ${time(p.expires_at)}` : 'not queued'}</dd>
        <dt>Content hash</dt><dd class="mono">${esc(p.content_hash)}</dd>
      </dl>
      ${p.actions.map((a, i) => `
        <h2>Action ${i + 1}: ${esc(a.kind)}${a.vault ? ` for ${esc(a.vault)}` : ''} ${a.policy_hash ? `<code>${esc(a.policy_hash.slice(0, 16))}…</code>` : ''} ${resultTag(a.evidence_result)}</h2>
        ${a.evidence.length ? `<p class="result">Claimed on data <code>${esc(a.data_digest.slice(0, 16))}…</code>, ${esc(a.period)}</p>
        <table class="evidence"><thead><tr><th class="text">Metric</th><th>Claimed</th><th>System's re-run</th></tr></thead><tbody>
          ${a.evidence.map(m => `<tr><td>${esc(m.metric)}</td><td>${esc(m.claimed ?? '–')}</td>
            <td class="${m.rerun == null ? '' : m.rerun === m.claimed ? 'pos' : 'neg'}">${esc(m.rerun ?? 'not re-run (data unknown)')}</td></tr>`).join('')}
        </tbody></table>` : ''}`).join('')}
      <h2>Votes</h2>
      <table><tbody>${p.votes.map(v => `<tr><td>${esc(v.voter)}</td><td class="text">${v.support}</td><td>${bank(v.weight)}</td><td>${time(v.at)}</td></tr>`).join('') || '<tr><td>none yet</td></tr>'}</tbody></table>
    </div>`).join('');
  page.innerHTML = `
    <h1>Governance <span class="result">as of ${time(g.at)} (journal time)</span></h1>
    ${apiKey() ? `<div class="panel">
      <form id="lock-form"><label>Lock BANK<input name="amount" required placeholder="1000"></label><label>Weeks<input name="weeks" value="52" size="4"></label><button>Lock</button></form>
      <form id="vote-form"><label>Proposal<input name="proposal" size="4" required></label><label>Vote<select name="support"><option value="1">for</option><option value="0">against</option><option value="2">abstain</option></select></label><button>Vote</button></form>
      <div id="command-result" class="result"></div></div>` : '<p>Sign in on <a href="#/position">My position</a> to lock and vote.</p>'}
    <h2>Proposals</h2>${proposals || '<p>No proposals yet.</p>'}
    <div class="grid">
      <div class="panel"><h2>Gauges</h2><table id="gauges"><thead><tr><th class="text">Gauge</th><th>Weight this week</th><th>Next week</th><th>Emitted</th><th>Claimed</th></tr></thead><tbody>
        ${g.gauges.map(x => `<tr><td>${esc(x.gauge)}${x.active ? '' : ' (removed)'}</td><td>${bank(x.weight_now)}</td><td>${bank(x.weight_next)}</td><td>${bank(x.emitted)}</td><td>${bank(x.claimed)}</td></tr>`).join('') || '<tr><td>none</td></tr>'}
      </tbody></table></div>
      <div class="panel"><h2>Emissions</h2><table><tbody>${g.distributed.map(d => `<tr><td>week of ${time(d.week)}</td><td>${bank(d.amount)} BANK</td></tr>`).join('') || '<tr><td>none yet</td></tr>'}</tbody></table></div>
      <div class="panel"><h2>Locks</h2><table><tbody>${g.locks.map(l => `<tr><td>${esc(l.account)}</td><td>${bank(l.locked)} BANK</td><td>until ${time(l.unlock)}</td><td>${bank(l.power)} veBANK</td></tr>`).join('') || '<tr><td>none</td></tr>'}</tbody></table></div>
    </div>`;

  const report = r => {
    document.getElementById('command-result').innerHTML = r.ok ? `<span class="pos">${esc(r.body.status)}</span>` : `<span class="neg">${r.status} ${esc(r.body?.code ?? '')} ${esc(r.body?.detail ?? '')}</span>`;
    if (r.ok) setTimeout(() => governancePage(page), 300);
  };
  document.getElementById('lock-form')?.addEventListener('submit', async e => {
    e.preventDefault();
    const f = new FormData(e.target);
    const unlock = Math.floor(new Date(g.at).getTime() / 1000) + Number(f.get('weeks')) * 7 * 86400;
    report(await command('create-lock', { amount: toBase(f.get('amount'), 18), unlock_time: unlock }));
  });
  document.getElementById('vote-form')?.addEventListener('submit', async e => {
    e.preventDefault();
    const f = new FormData(e.target);
    report(await command('cast-vote', { proposal_id: Number(f.get('proposal')), support: Number(f.get('support')) }));
  });
}
