import { escapeHtml, money, num, nyDate, pct, table } from './report-format.ts';
import type { ReportFigures } from './report-model.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One decimal, without a minus on a value that rounds to zero. */
const oneDecimal = (v: number) => (Math.abs(v) < 0.05 ? '0.0' : v.toFixed(1));

/** Years × months grid of returns (New York calendar), with the year's return at the end. */
export function monthlyTable(figures: ReportFigures): string {
  if (figures.yearly.length === 0) return '<p class="sub">None.</p>';
  const largest = Math.max(
    0.5,
    ...figures.monthly.map((m) => Math.abs(m.returnPercent)).filter(Number.isFinite),
  );
  const cell = (v: number | undefined) => {
    if (v === undefined || !Number.isFinite(v)) return '<td></td>';
    const alpha = Math.min(1, Math.abs(v) / largest) * 0.45 + 0.05;
    const color = v >= 0 ? `rgba(26,127,55,${alpha.toFixed(2)})` : `rgba(207,34,46,${alpha.toFixed(2)})`;
    return `<td class="n" style="background:${color}">${oneDecimal(v)}</td>`;
  };
  const rows = figures.yearly.map((y) => {
    const months = MONTHS.map(
      (_, i) => figures.monthly.find((m) => m.year === y.year && m.month === i + 1)?.returnPercent,
    );
    return `<tr><th>${y.year}</th>${months.map(cell).join('')}<td class="n year">${Number.isFinite(y.returnPercent) ? oneDecimal(y.returnPercent) : '–'}</td></tr>`;
  });
  return `<table id="monthly" class="grid"><thead><tr><th>%</th>${MONTHS.map((m) => `<th class="n">${m}</th>`).join('')}<th class="n">Year</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Trades, win rate, P&L and time with a position per symbol. */
export function symbolTable(figures: ReportFigures): string {
  const rows = figures.symbols.map((s) => [
    escapeHtml(s.symbol),
    num(String(s.trades), s.trades),
    num(s.winRatePercent === null ? '–' : pct(s.winRatePercent), s.winRatePercent),
    num(money(s.pnl), s.pnl, s.pnl >= 0 ? 'up' : 'down'),
    num(pct(s.exposurePercent), s.exposurePercent),
    num(s.openQty === 0 ? '' : String(s.openQty), s.openQty),
  ]);
  const n = (label: string) => ({ label, numeric: true as const });
  return table(
    ['symbol', n('trades'), n('win rate'), n('P&amp;L ($)'), n('exposure'), n('open at end')],
    rows,
    { id: 'symbols', sortable: true },
  );
}

/** The five deepest drawdowns with their dates. */
export function drawdownTable(figures: ReportFigures): string {
  const rows = figures.drawdowns.map((d, i) => [
    String(i + 1),
    nyDate(d.start),
    nyDate(d.trough),
    d.recovery === null ? '<span class="down">not recovered</span>' : nyDate(d.recovery),
    num(pct(-d.depthPercent), -d.depthPercent, 'down'),
    num(money(-d.depthUsd), -d.depthUsd),
    d.recovery === null ? '–' : String(Math.round((d.recovery - d.start) / 86_400_000)),
  ]);
  return table(
    ['#', 'peak', 'trough', 'recovered', 'depth', 'depth ($)', 'calendar days peak → recovery'],
    rows,
    {
      id: 'drawdowns',
    },
  );
}
