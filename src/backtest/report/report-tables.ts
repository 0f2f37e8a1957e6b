import type { BacktestResult } from '../backtest-types.ts';
import type { Metrics } from '../metrics.ts';
import { escapeHtml, fixed, money, num, nyTime, pct, table } from './report-format.ts';

/** More rows than this and the trades table shows the first and last ones only (the CSV has all). */
export const MAX_TRADE_ROWS = 1000;

/** Breaker trips, pauses, the state timeline and denials in detail. */
export function riskSection(r: BacktestResult): string {
  const tripRow = (t: BacktestResult['risk']['trips'][number]) => [
    nyTime(t.time),
    escapeHtml(t.code),
    escapeHtml(t.action),
    t.flatten ? 'yes' : 'no',
    escapeHtml(t.message),
  ];
  const head = ['time', 'code', 'effect', 'flatten', 'message'];
  const latching = r.risk.trips.filter((t) => t.action !== 'pause').map(tripRow);
  const pauses = r.risk.trips.filter((t) => t.action === 'pause').map(tripRow);
  const pauseList =
    pauses.length === 0
      ? ''
      : `<details><summary>${pauses.length} pause${pauses.length === 1 ? '' : 's'} (entries blocked for a cooldown, no state change)</summary>${table(head, pauses)}</details>`;
  const transitions = r.risk.states.map((s) => [
    escapeHtml(s.state),
    nyTime(s.from),
    nyTime(s.to),
    escapeHtml(s.code),
  ]);
  const rearms = r.risk.latch.rearms.map((x) => [
    nyTime(x.time),
    escapeHtml(x.code),
    escapeHtml(x.policy),
    escapeHtml(x.reason),
  ]);
  const denials = r.risk.denials.map((d) => [
    escapeHtml(d.code),
    num(d.count.toLocaleString('en-US'), d.count),
    escapeHtml(d.example),
  ]);
  const signals = Object.entries(r.risk.exitSignals).map(([k, v]) => [escapeHtml(k), num(String(v), v)]);
  return `<h3>Breaker trips that latched the account</h3>${table(head, latching)}${pauseList}
<h3>Automatic re-arms</h3>${table(['time', 'code', 'policy', 'reason'], rearms)}
<h3>Trading-state timeline</h3>${table(['state', 'from', 'to', 'set by'], transitions)}
<div class="row"><div class="half"><h3>Denied orders by code</h3>${table(['code', { label: 'orders', numeric: true }, 'example'], denials)}</div>
<div class="half"><h3>Exit signals raised by the engine</h3>${table(['reason', { label: 'signals', numeric: true }], signals)}</div></div>`;
}

/** Closed trades per exit reason. */
export function exitTable(r: BacktestResult): string {
  const by = new Map<string, { n: number; pnl: number }>();
  for (const t of r.trades) {
    const e = by.get(t.exitReason) ?? { n: 0, pnl: 0 };
    e.n++;
    e.pnl += t.pnl;
    by.set(t.exitReason, e);
  }
  const rows = [...by]
    .sort((a, b) => b[1].n - a[1].n)
    .map(([k, v]) => [escapeHtml(k), num(String(v.n), v.n), num(money(v.pnl), v.pnl)]);
  return `<h3>Exits by reason</h3>${table(['exit reason', { label: 'trades', numeric: true }, { label: 'P&amp;L ($)', numeric: true }], rows)}`;
}

const METRIC_LABELS: readonly [keyof Metrics, string, (v: number) => string][] = [
  ['totalReturnPercent', 'Total return', pct],
  ['cagrPercent', 'CAGR', pct],
  ['volatilityPercent', 'Volatility (annualised)', pct],
  ['sharpe', 'Sharpe (rf = 0)', (v) => fixed(v)],
  ['sortino', 'Sortino', (v) => fixed(v)],
  ['calmar', 'Calmar', (v) => fixed(v)],
  ['maxDrawdownPercent', 'Max drawdown', pct],
  ['maxDrawdownUsd', 'Max drawdown ($)', money],
  ['exposurePercent', 'Time with a position', pct],
  ['averageGrossExposurePercent', 'Average gross exposure / equity', pct],
  ['trades', 'Closed trades', (v) => String(v)],
  ['winRatePercent', 'Win rate', pct],
  ['profitFactor', 'Profit factor', (v) => fixed(v)],
  ['averageR', 'Average R', (v) => fixed(v, 3)],
  ['totalTradePnl', 'Closed-trade P&L ($)', money],
  ['expectancyUsd', 'Expectancy per trade ($)', money],
  ['averageWinUsd', 'Average win ($)', money],
  ['averageLossUsd', 'Average loss ($)', money],
  ['largestWinUsd', 'Largest win ($)', money],
  ['largestLossUsd', 'Largest loss ($)', money],
  ['averageBarsHeld', 'Average bars held', (v) => fixed(v, 1)],
];

/** Every metric of the run. */
export function metricsTable(m: Metrics): string {
  const rows = METRIC_LABELS.map(([k, label, fmt]) => [escapeHtml(label), fmt(m[k] as number)]);
  rows.splice(8, 0, [
    'Max drawdown peak → trough → recovery',
    `${nyTime(m.maxDrawdownPeak)} → ${nyTime(m.maxDrawdownTrough)} → ${m.maxDrawdownRecovery === null ? 'not recovered' : nyTime(m.maxDrawdownRecovery)}`,
  ]);
  return table(['metric', 'value'], rows, { cls: 'kv' });
}

/** Order counts and costs. */
export function ordersTable(r: BacktestResult): string {
  const o = r.orders;
  const rows = [
    [
      'Orders sent / accepted / modified / denied',
      `${o.submitted} / ${o.accepted} / ${o.modified} / ${o.denied}`,
    ],
    [
      'Filled / partially filled / canceled / expired',
      `${o.filled} / ${o.partiallyFilled} / ${o.canceled} / ${o.expired}`,
    ],
    ['Fills', String(o.fills)],
    ['Commission ($)', money(r.costs.commission)],
    [
      'Slippage ($): fixed / spread / impact',
      `${money(r.costs.slippage)}: ${money(r.costs.slippageByKind.fixed)} / ${money(r.costs.slippageByKind.spread)} / ${money(r.costs.slippageByKind.impact)}`,
    ],
    ['Borrow on shorts ($)', money(r.costs.borrow)],
  ];
  return `<h3>Orders and costs</h3>${table(['', ''], rows, { cls: 'kv' })}`;
}

/** The closed trades; a click on a heading sorts them. */
export function tradesTable(r: BacktestResult): string {
  const t = r.trades;
  const shown =
    t.length <= MAX_TRADE_ROWS ? t : [...t.slice(0, MAX_TRADE_ROWS / 2), ...t.slice(-MAX_TRADE_ROWS / 2)];
  const rows = shown.map((x) => [
    escapeHtml(x.symbol),
    x.side,
    num(String(x.qty), x.qty),
    num(nyTime(x.entryTime), x.entryTime),
    num(fixed(x.entryPrice, 4), x.entryPrice),
    num(nyTime(x.exitTime), x.exitTime),
    num(fixed(x.exitPrice, 4), x.exitPrice),
    num(money(x.pnl), x.pnl, x.pnl >= 0 ? 'up' : 'down'),
    num(x.rMultiple === undefined ? '–' : fixed(x.rMultiple), x.rMultiple),
    num(String(x.barsHeld), x.barsHeld),
    escapeHtml(x.exitReason),
  ]);
  const note =
    t.length > MAX_TRADE_ROWS
      ? `<p class="sub">Showing the first and last ${MAX_TRADE_ROWS / 2} of ${t.length.toLocaleString('en-US')} trades; the CSV export and report.json have all.</p>`
      : '';
  const n = (label: string) => ({ label, numeric: true as const });
  return `${note}${table(
    [
      'symbol',
      'side',
      n('qty'),
      n('entry'),
      n('price'),
      n('exit'),
      n('price'),
      n('P&amp;L ($)'),
      n('R'),
      n('bars'),
      'exit reason',
    ],
    rows,
    { cls: 'trades', id: 'trades', sortable: true },
  )}`;
}

/** Positions still open at the end. */
export function openTable(r: BacktestResult): string {
  if (r.openPositions.length === 0) return '';
  const rows = r.openPositions.map((p) => [
    escapeHtml(p.symbol),
    String(p.qty),
    nyTime(p.entryTime),
    fixed(p.avgPrice, 4),
    fixed(p.lastPrice, 4),
    money(p.unrealizedPnl),
  ]);
  return `<h2>Open at the end</h2>${table(['symbol', 'qty', 'entry', 'avg price', 'last', 'unrealised P&amp;L ($)'], rows)}`;
}
