import { newYorkWallClock } from '../../core/session.ts';

export { escapeHtml } from './svg-chart.ts';

/** New York wall-clock time of an instant: `YYYY-MM-DD HH:MM`. */
export function nyTime(time: number | null): string {
  if (time === null || !Number.isFinite(time)) return '–';
  return newYorkWallClock(time).toISOString().slice(0, 16).replace('T', ' ');
}

/** New York date of an instant: `YYYY-MM-DD`. */
export const nyDate = (time: number | null): string => nyTime(time).slice(0, 10);

export const money = (v: number): string =>
  Number.isFinite(v)
    ? v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    : '–';
export const fixed = (v: number, d = 2): string =>
  Number.isFinite(v) ? v.toFixed(d) : v === Number.POSITIVE_INFINITY ? '∞' : '–';
export const pct = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}%` : '–');

/** A table cell: text (already escaped) with an optional numeric sort value. */
export type Cell = string | { readonly html: string; readonly sort: number | null; readonly cls?: string };

/** A column: its heading and whether it sorts by number. */
export type Column = string | { readonly label: string; readonly numeric: true };

/** A number cell: shown as `html`, sorted by `sort`. */
export const num = (html: string, sort: number | null | undefined, cls?: string): Cell => ({
  html,
  sort: sort === undefined || sort === null || !Number.isFinite(sort) ? null : Number(sort.toFixed(6)),
  ...(cls !== undefined ? { cls } : {}),
});

/** An HTML table; with `sortable` a click on a heading sorts the rows (numeric columns by number). */
export function table(
  head: readonly Column[],
  rows: readonly (readonly Cell[])[],
  options: { cls?: string; id?: string; sortable?: boolean } = {},
): string {
  if (rows.length === 0) return '<p class="sub">None.</p>';
  const cls = [options.cls ?? '', options.sortable ? 'sortable' : ''].join(' ').trim();
  const th = head
    .map((h) =>
      typeof h === 'string' ? `<th>${h}</th>` : `<th data-type="number" class="n">${h.label}</th>`,
    )
    .join('');
  const td = (c: Cell) =>
    typeof c === 'string'
      ? `<td>${c}</td>`
      : `<td class="n${c.cls === undefined ? '' : ` ${c.cls}`}"${c.sort === null ? '' : ` data-v="${c.sort}"`}>${c.html}</td>`;
  return `<table${options.id === undefined ? '' : ` id="${options.id}"`}${cls === '' ? '' : ` class="${cls}"`}><thead><tr>${th}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(td).join('')}</tr>`)
    .join('')}</tbody></table>`;
}
