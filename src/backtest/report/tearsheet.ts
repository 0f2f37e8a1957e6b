import type { BacktestResult } from '../backtest-types.ts';
import { escapeHtml, fixed, money, pct, table } from './report-format.ts';
import type { ReportFigures } from './report-model.ts';

/**
 * The top of the report: return, CAGR, volatility, Sharpe, Sortino, maximum drawdown, time with
 * a position, trades, win rate and profit factor (and the benchmark's return), then what the
 * risk engine did: denials by code, breaker trips, time latched per state and breaker, warnings.
 */
export function tearsheet(r: BacktestResult, figures: ReportFigures): string {
  const m = r.metrics;
  const card = (label: string, value: string, tone = '') =>
    `<div class="card ${tone}"><div>${label}</div><b>${value}</b></div>`;
  const tone = (v: number) => (v >= 0 ? 'up' : 'down');
  const b = figures.benchmark;
  const cards = [
    card('Total return', pct(m.totalReturnPercent), tone(m.totalReturnPercent)),
    card('CAGR', pct(m.cagrPercent), tone(m.cagrPercent)),
    card('Volatility (annualised)', pct(m.volatilityPercent)),
    card('Sharpe', fixed(m.sharpe)),
    card('Sortino', fixed(m.sortino)),
    card('Max drawdown', pct(-m.maxDrawdownPercent), 'down'),
    card('Exposure time', pct(m.exposurePercent)),
    card('Trades', m.trades.toLocaleString('en-US')),
    card('Win rate', pct(m.winRatePercent)),
    card('Profit factor', fixed(m.profitFactor)),
    card('Final equity', `$${money(r.finalEquity)}`),
    b === null
      ? ''
      : card(`Buy &amp; hold ${escapeHtml(b.symbol)}`, pct(b.totalReturnPercent), tone(b.totalReturnPercent)),
  ];
  return `<section id="tearsheet"><div class="cards">${cards.join('')}</div>${riskSummary(r)}</section>`;
}

function riskSummary(r: BacktestResult): string {
  const latch = r.risk.latch;
  const latchedTrips = r.risk.trips.filter((t) => t.action !== 'pause');
  const byCode = new Map<string, number>();
  for (const t of latchedTrips) byCode.set(t.code, (byCode.get(t.code) ?? 0) + 1);
  const pauses = r.risk.trips.length - latchedTrips.length;
  const denied = r.risk.denials.reduce((s, d) => s + d.count, 0);
  const states = Object.entries(r.risk.timeInState)
    .map(([state, v]) => `${escapeHtml(state)} ${pct(v.fraction * 100)} (${fixed(v.days, 1)} d)`)
    .join(' · ');
  const by = Object.entries(latch.latchedBy)
    .sort((a, b) => b[1].fraction - a[1].fraction)
    .map(([code, v]) => `${escapeHtml(code)} ${pct(v.fraction * 100)} (${fixed(v.days, 1)} d)`)
    .join(' · ');
  const rearms = new Map<string, number>();
  for (const x of latch.rearms) rearms.set(x.code, (rearms.get(x.code) ?? 0) + 1);
  const rows: string[][] = [
    [
      'Denied orders',
      denied === 0
        ? 'none'
        : `${denied.toLocaleString('en-US')}: ${r.risk.denials.map((d) => `${escapeHtml(d.code)} ${d.count.toLocaleString('en-US')}`).join(' · ')}`,
    ],
    [
      'Breaker trips',
      `${latchedTrips.length} latched${latchedTrips.length > 0 ? ` (${[...byCode].map(([c, n]) => `${escapeHtml(c)} ${n}`).join(' · ')})` : ''}, ${pauses} pause${pauses === 1 ? '' : 's'}`,
    ],
    ['Time in each state', states],
    [
      'Time latched',
      `${pct(latch.latchedFraction * 100)} of the run${by === '' ? '' : `: ${by}`}; ${latch.rearms.length} automatic re-arm${latch.rearms.length === 1 ? '' : 's'}${rearms.size > 0 ? ` (${[...rearms].map(([c, n]) => `${escapeHtml(c)} ${n}`).join(' · ')})` : ''}`,
    ],
    [
      'Latch policies',
      `${latch.policies.map((p) => `${escapeHtml(p.code)} ${escapeHtml(p.rearm)}`).join(' · ') || 'no breakers'}; operator ${latch.operator.resetAfterDays === null ? 'none' : `resets manual latches after ${latch.operator.resetAfterDays} day(s) (${latch.operator.resets} reset(s))`}`,
    ],
    ['State at the end', `${escapeHtml(latch.end.state)} (${escapeHtml(latch.end.code)})`],
  ];
  const warnings =
    latch.warnings.length === 0
      ? ''
      : `<div class="warn" id="latch-warnings"><b>Warning${latch.warnings.length === 1 ? '' : 's'}</b><ul>${latch.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></div>`;
  return `<h3>Risk activity</h3>${table(['', ''], rows, { cls: 'kv', id: 'risk-summary' })}${warnings}`;
}
