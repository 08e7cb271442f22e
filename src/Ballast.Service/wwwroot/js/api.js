// Reads and commands against the service's own API (same origin; nothing else is fetched).

const KEY = 'ballast-api-key';

/** The API key kept for this tab (sessionStorage), or null. */
export const apiKey = () => sessionStorage.getItem(KEY);
export const setApiKey = key => key ? sessionStorage.setItem(KEY, key) : sessionStorage.removeItem(KEY);

/** GET a JSON read; throws an Error carrying the problem's detail. */
export async function get(path) {
  const response = await fetch(path, { headers: apiKey() ? { Authorization: `Bearer ${apiKey()}` } : {} });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.detail ?? `${response.status} ${response.statusText}`);
  return body;
}

/**
 * POSTs a protocol command as the signed-in account with a fresh Idempotency-Key (the command id).
 * Returns { ok, status, body, key }.
 */
export async function command(name, members) {
  const key = `web-${name}-${crypto.randomUUID()}`;
  const response = await fetch(`/api/commands/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, Authorization: `Bearer ${apiKey() ?? ''}` },
    body: JSON.stringify(members),
  });
  const body = await response.json().catch(() => null);
  return { ok: response.ok, status: response.status, body, key };
}
