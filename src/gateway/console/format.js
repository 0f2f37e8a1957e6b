// Formatting and DOM helpers. Text is always set as text, never parsed as HTML: symbols, reasons
// and labels come from users and brokers.

/** Creates an element with attributes (class, hidden, data-*, …) and children (nodes or text). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name in node && typeof value !== 'string') node[name] = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const money = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 2,
});
const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

/** Dollars: "$1,234.50"; "—" for a missing value. */
export const usd = (v) => (typeof v === 'number' && Number.isFinite(v) ? money.format(v) : '—');
/** A plain number with up to 4 decimals. */
export const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? plain.format(v) : '—');
/** A percent with 2 decimals. */
export const pct = (v) => (typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(2)}%` : '—');

/** An epoch-ms time as local date and time, with how long ago; "—" for 0 or none. */
export function when(ms, now = Date.now()) {
  if (typeof ms !== 'number' || ms <= 0) return '—';
  return `${new Date(ms).toLocaleString()} (${ago(now - ms)})`;
}

/** A duration in ms as "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** Replaces a table's content with a header row and body rows (arrays of cells). */
export function fillTable(table, headers, rows, empty) {
  table.replaceChildren(
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headers.map((h) => el('th', {}, h)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.length === 0
        ? el('tr', {}, el('td', { colspan: headers.length, class: 'empty' }, empty))
        : rows.map((cells) =>
            el(
              'tr',
              {},
              cells.map((c) => (c instanceof Node && c.tagName === 'TD' ? c : el('td', {}, c))),
            ),
          ),
    ),
  );
}
