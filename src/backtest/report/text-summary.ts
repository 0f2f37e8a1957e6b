import type { BacktestResult } from '../backtest-types.ts';
import { nyTime } from './html-report.ts';

/** A few lines for a terminal: returns, risk-adjusted figures, trades and the risk engine's activity. */
export function toTextSummary(r: BacktestResult): string {
  const m = r.metrics;
  const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  const money = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
  const denials = r.risk.denials.map((d) => `${d.code} ${d.count}`).join(', ') || 'none';
  const byCode = new Map<string, number>();
  for (const t of r.risk.trips) byCode.set(t.code, (byCode.get(t.code) ?? 0) + 1);
  const first = r.risk.trips[0];
  const trips =
    first === undefined
      ? 'none'
      : `${r.risk.trips.length} trip(s): ${[...byCode].map(([c, n]) => `${c} ${n}`).join(', ')} (first ${nyTime(first.time).slice(0, 10)} ${first.code})`;
  const seconds = r.stats.loopMs / 1000;
  const lines = [
    `${r.strategy} on ${r.symbols.length} symbol(s), ${nyTime(r.start).slice(0, 10)} → ${nyTime(r.end).slice(0, 10)}: ${r.stats.bars.toLocaleString('en-US')} bars in ${seconds.toFixed(2)} s`,
    `equity       $${money(r.startingEquity)} → $${money(r.finalEquity)}  return ${f(m.totalReturnPercent)}%  CAGR ${f(m.cagrPercent)}%  vol ${f(m.volatilityPercent)}%`,
    `risk-adj.    Sharpe ${f(m.sharpe)}  Sortino ${f(m.sortino)}  max drawdown ${f(m.maxDrawdownPercent)}% (${nyTime(m.maxDrawdownPeak).slice(0, 10)} → ${nyTime(m.maxDrawdownTrough).slice(0, 10)})`,
    `trades       ${m.trades}  win rate ${f(m.winRatePercent, 1)}%  profit factor ${f(m.profitFactor)}  avg R ${f(m.averageR, 3)}  P&L $${money(m.totalTradePnl)}  exposure ${f(m.exposurePercent, 1)}% of bars`,
    `breakers     ${trips}`,
    `denials      ${denials}`,
    `states       active ${f(r.risk.timeInState.active.fraction * 100, 1)}%  reducing ${f(r.risk.timeInState.reducing.fraction * 100, 1)}%  halted ${f(r.risk.timeInState.halted.fraction * 100, 1)}%`,
  ];
  return lines.join('\n');
}
