import type { BacktestResult } from '../backtest-types.ts';
import { drawdownSeries } from '../metrics.ts';
import { type ReportFigures, reportFigures } from './report-model.ts';

const TIME_METRICS = new Set(['maxDrawdownPeak', 'maxDrawdownTrough', 'maxDrawdownRecovery']);

/** An instant as ISO-8601 UTC, or null. */
function iso(time: number | null | undefined): string | null {
  return time === null || time === undefined || !Number.isFinite(time) ? null : new Date(time).toISOString();
}

/** A number rounded for the report (NaN and infinities become null). */
function num(value: number | undefined, digits = 4): number | null {
  if (value === undefined || !Number.isFinite(value)) return null;
  return Number(value.toFixed(digits));
}

/**
 * The run as plain JSON: times as ISO-8601 UTC strings, money in dollars rounded to cents (prices
 * to 4 decimals), undefined figures as null. Stable field order, suitable for diffs. With the
 * report's figures: the benchmark, monthly and yearly returns, the worst drawdowns, per-symbol
 * results (the benchmark needs the figures computed with the market data).
 */
export function toJsonReport(
  result: BacktestResult,
  extra: Record<string, unknown> = {},
  figures: ReportFigures = reportFigures(result),
): Record<string, unknown> {
  const m = result.metrics;
  const dd = drawdownSeries(result.equity.equity, result.startingEquity);
  const bench = figures.benchmark;
  return {
    ...extra,
    strategy: result.strategy,
    symbols: result.symbols,
    start: iso(result.start),
    end: iso(result.end),
    startingEquity: num(result.startingEquity, 2),
    finalEquity: num(result.finalEquity, 2),
    metrics: Object.fromEntries(
      Object.entries(m).map(([k, v]) => [k, TIME_METRICS.has(k) ? iso(v) : num(v)]),
    ),
    benchmark:
      bench === null
        ? null
        : { symbol: bench.symbol, totalReturnPercent: num(bench.totalReturnPercent), kind: 'buy-and-hold' },
    monthlyReturns: figures.monthly.map((x) => ({ ...x, returnPercent: num(x.returnPercent) })),
    yearlyReturns: figures.yearly.map((x) => ({ ...x, returnPercent: num(x.returnPercent) })),
    drawdowns: figures.drawdowns.map((d) => ({
      start: iso(d.start),
      trough: iso(d.trough),
      recovery: iso(d.recovery),
      depthPercent: num(d.depthPercent),
      depthUsd: num(d.depthUsd, 2),
    })),
    symbolResults: figures.symbols.map((x) => ({
      ...x,
      winRatePercent: num(x.winRatePercent ?? Number.NaN),
      pnl: num(x.pnl, 2),
      exposurePercent: num(x.exposurePercent),
    })),
    risk: {
      denials: result.risk.denials,
      trips: result.risk.trips.map((t) => ({ ...t, time: iso(t.time) })),
      states: result.risk.states.map((s) => ({ ...s, from: iso(s.from), to: iso(s.to) })),
      timeInState: Object.fromEntries(
        Object.entries(result.risk.timeInState).map(([k, v]) => [
          k,
          { fraction: num(v.fraction), days: num(v.days, 2) },
        ]),
      ),
      exitSignals: result.risk.exitSignals,
      latch: {
        ...result.risk.latch,
        rearms: result.risk.latch.rearms.map((r) => ({ ...r, time: iso(r.time) })),
        latchedFraction: num(result.risk.latch.latchedFraction),
        latchedBy: Object.fromEntries(
          Object.entries(result.risk.latch.latchedBy).map(([k, v]) => [
            k,
            { fraction: num(v.fraction), days: num(v.days, 2) },
          ]),
        ),
        end: { ...result.risk.latch.end, since: iso(result.risk.latch.end.since) },
      },
    },
    orders: result.orders,
    costs: {
      commission: num(result.costs.commission, 2),
      slippage: num(result.costs.slippage, 2),
      slippageByKind: {
        fixed: num(result.costs.slippageByKind.fixed, 2),
        spread: num(result.costs.slippageByKind.spread, 2),
        impact: num(result.costs.slippageByKind.impact, 2),
      },
      borrow: num(result.costs.borrow, 2),
    },
    trades: result.trades.map((t) => ({
      symbol: t.symbol,
      side: t.side,
      qty: t.qty,
      entryTime: iso(t.entryTime),
      entryPrice: num(t.entryPrice),
      exitTime: iso(t.exitTime),
      exitPrice: num(t.exitPrice),
      pnl: num(t.pnl, 2),
      rMultiple: num(t.rMultiple, 3),
      barsHeld: t.barsHeld,
      exitReason: t.exitReason,
    })),
    openPositions: result.openPositions.map((p) => ({
      ...p,
      entryTime: iso(p.entryTime),
      avgPrice: num(p.avgPrice),
      lastPrice: num(p.lastPrice),
      unrealizedPnl: num(p.unrealizedPnl, 2),
    })),
    equity: Array.from(result.equity.time, (t, i) => ({
      time: iso(t),
      equity: num(result.equity.equity[i], 2),
      drawdownPercent: num(dd[i], 4),
      grossExposure: num(result.equity.gross[i], 2),
      ...(bench === null ? {} : { benchmark: num(bench.equity[i], 2) }),
    })),
    stats: { ...result.stats, loopMs: num(result.stats.loopMs, 1) },
    log: result.log,
  };
}
