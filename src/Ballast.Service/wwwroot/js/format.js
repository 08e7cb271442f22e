// Formatting: exact base-unit strings to decimals (BigInt, no rounding through doubles), fractions to percent.

/** Base units (a string of digits, maybe signed) with `decimals` decimals, shown with `shown` decimals (truncated). */
export function units(text, decimals, shown = 2) {
  if (text == null) return '–';
  let value = BigInt(text);
  const negative = value < 0n;
  if (negative) value = -value;
  const scale = 10n ** BigInt(decimals);
  const whole = (value / scale).toLocaleString('en-US');
  const fraction = (value % scale).toString().padStart(decimals, '0').slice(0, shown);
  return `${negative ? '-' : ''}${whole}${shown > 0 ? '.' + fraction : ''}`;
}

/** A decimal text (e.g. a share price "1.0345") shown with `shown` decimals. */
export const decimal = (text, shown = 4) => text == null ? '–' : Number(text).toFixed(shown);

/** A fraction as a percentage with a sign class. */
export function percent(value, digits = 2) {
  if (value == null) return '<span class="muted">n/a</span>';
  const cls = value > 0 ? 'pos' : value < 0 ? 'neg' : '';
  return `<span class="${cls}">${(value * 100).toFixed(digits)} %</span>`;
}

/** A time as UTC text. */
export const time = t => t ? new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–';

/** Escapes text for HTML. */
export const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

/** Whole units typed by a person (e.g. "1,000.5") to base units text. */
export function toBase(text, decimals) {
  const clean = String(text).replace(/[,\s_]/g, '');
  if (!/^\d+(\.\d+)?$/.test(clean)) throw new Error(`'${text}' is not an amount`);
  const [whole, fraction = ''] = clean.split('.');
  if (fraction.length > decimals) throw new Error(`at most ${decimals} decimals`);
  return (BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0')).toString();
}
