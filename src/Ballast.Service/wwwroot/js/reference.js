// The API reference, rendered offline from the service's own OpenAPI document.
const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

const doc = await (await fetch('../openapi/v1.json')).json();
const rows = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => `
  <tr><td class="text"><code>${method.toUpperCase()}</code></td><td class="text"><code>${esc(path)}</code></td>
  <td class="wrap">${esc(op.summary ?? op.description ?? '')}
    ${(op.parameters ?? []).length ? `<br><span class="result">parameters: ${op.parameters.map(p => `<code>${esc(p.name)}</code> (${p.in})`).join(', ')}</span>` : ''}
    <br><span class="result">responses: ${Object.keys(op.responses ?? {}).join(', ')}</span></td></tr>`));
document.getElementById('page').innerHTML = `
  <h1>${esc(doc.info?.title)} ${esc(doc.info?.version)}</h1>
  <p>OpenAPI ${esc(doc.openapi)}; the document itself: <a href="../openapi/v1.json">/openapi/v1.json</a>. Commands and their bodies: docs/service.md.</p>
  <table id="operations"><thead><tr><th class="text">Method</th><th class="text">Path</th><th class="text">What</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
