import type { BacktestResult, LatchReport } from '../backtest-types.ts';
import { nyTime } from './report-format.ts';

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
    `costs        commission $${money(r.costs.commission)}  slippage $${money(r.costs.slippage)} (fixed $${money(r.costs.slippageByKind.fixed)}, spread $${money(r.costs.slippageByKind.spread)}, impact $${money(r.costs.slippageByKind.impact)})  borrow $${money(r.costs.borrow)}`,
    `breakers     ${trips}`,
    `denials      ${denials}`,
    `states       active ${f(r.risk.timeInState.active.fraction * 100, 1)}%  reducing ${f(r.risk.timeInState.reducing.fraction * 100, 1)}%  halted ${f(r.risk.timeInState.halted.fraction * 100, 1)}%`,
    ...latchLines(r.risk.latch),
  ];
  return lines.join('\n');
}

/** Latch policies, the simulated operator, re-arms, time latched by breaker and the warnings. */
function latchLines(latch: LatchReport): string[] {
  const policies = latch.policies.map((p) => `${p.code} ${p.rearm}`).join(', ') || 'no breakers';
  const days = latch.operator.resetAfterDays;
  const operator =
    days === null
      ? 'operator none (manual latches hold to the end; --reset-after-days <n> simulates one)'
      : `operator resets manual latches after ${days} day(s): ${latch.operator.resets} reset(s)`;
  const byCode = new Map<string, number>();
  for (const r of latch.rearms) byCode.set(r.code, (byCode.get(r.code) ?? 0) + 1);
  const rearms =
    latch.rearms.length === 0
      ? 'no automatic re-arms'
      : `${latch.rearms.length} automatic re-arm(s): ${[...byCode].map(([c, n]) => `${c} ${n}`).join(', ')}`;
  const by = Object.entries(latch.latchedBy)
    .sort((a, b) => b[1].fraction - a[1].fraction)
    .map(([code, v]) => `${code} ${(v.fraction * 100).toFixed(1)}%`)
    .join(', ');
  return [
    `latch policy ${policies}; ${operator}`,
    `latched      ${(latch.latchedFraction * 100).toFixed(1)}% of the run${by === '' ? '' : ` (${by})`}; ${rearms}`,
    ...latch.warnings.map((w) => `warning      ${w}`),
  ];
}
