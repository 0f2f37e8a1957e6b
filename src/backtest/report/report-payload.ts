/**
 * The data the report's page script draws: equity with its benchmark, drawdown and exposure,
 * latched periods and breaker trips, prices with trade markers and stops per symbol, and the
 * trades for the CSV export. Long series are thinned (see the limits below) so the file stays
 * small; report.json keeps every point.
 */
import type { BacktestResult } from '../backtest-types.ts';
import type { MarketData } from '../data/bar-series.ts';
import { drawdownSeries } from '../metrics.ts';
import { pickIndices } from './report-figures.ts';
import type { ReportFigures } from './report-model.ts';

/** Equity points drawn (and exported as CSV); longer curves keep each bucket's low and high. */
export const MAX_EQUITY_POINTS = 5000;
/** Symbols with a price chart: those with the most trades first. */
export const MAX_PRICE_SYMBOLS = 30;
/** Bars drawn per price chart; longer series keep each bucket's low and high close and every trade's bar. */
export const MAX_PRICE_POINTS = 2000;

const round = (v: number, digits: number): number | null =>
  Number.isFinite(v) ? Number(v.toFixed(digits)) : null;
const seconds = (ms: number) => Math.round(ms / 1000);

export interface PricePayload {
  readonly t: number[];
  readonly close: (number | null)[];
  readonly entries: [number, number][];
  readonly exits: [number, number][];
  readonly stops: [number, number | null][];
  readonly bars: number;
  readonly trades: number;
}

/** The page's data, as plain JSON. */
export function reportPayload(result: BacktestResult, figures: ReportFigures, data?: MarketData) {
  const eq = result.equity;
  const dd = drawdownSeries(eq.equity, result.startingEquity);
  const keep = pickIndices(eq.equity, MAX_EQUITY_POINTS);
  const bench = figures.benchmark;
  return {
    equity: {
      points: eq.time.length,
      t: keep.map((i) => seconds(eq.time[i]!)),
      equity: keep.map((i) => round(eq.equity[i]!, 2)),
      benchmark: bench === null ? null : keep.map((i) => round(bench.equity[i]!, 2)),
      drawdown: keep.map((i) => round(-dd[i]!, 3)),
      exposure: keep.map((i) => round(eq.equity[i]! > 0 ? (eq.gross[i]! / eq.equity[i]!) * 100 : 0, 2)),
    },
    benchmark: bench === null ? null : bench.symbol,
    bands: result.risk.states
      .filter((s) => s.state !== 'active')
      .map((s) => ({ from: seconds(s.from), to: seconds(s.to), state: s.state, code: s.code })),
    trips: result.risk.trips.map((t) => ({ t: seconds(t.time), action: t.action, code: t.code })),
    prices: prices(result, data),
    trades: result.trades.map((t) => [
      t.symbol,
      t.side,
      t.qty,
      new Date(t.entryTime).toISOString(),
      round(t.entryPrice, 4),
      new Date(t.exitTime).toISOString(),
      round(t.exitPrice, 4),
      round(t.pnl, 2),
      t.rMultiple === undefined ? null : round(t.rMultiple, 3),
      t.barsHeld,
      t.exitReason,
    ]),
  };
}

function prices(result: BacktestResult, data?: MarketData) {
  const bars = data?.bars ?? [];
  const count = new Map<string, number>();
  for (const t of result.trades) count.set(t.symbol, (count.get(t.symbol) ?? 0) + 1);
  const ranked = bars
    .map((b) => b.symbol)
    .sort((a, b) => (count.get(b) ?? 0) - (count.get(a) ?? 0) || a.localeCompare(b));
  const chosen = ranked.slice(0, MAX_PRICE_SYMBOLS);
  const from = result.start;
  const to = result.end;
  const bySymbol: Record<string, PricePayload> = {};
  for (const symbol of chosen) {
    const s = bars.find((b) => b.symbol === symbol)!;
    // The bars of the run's span (warm-up bars before it left out).
    let lo = 0;
    while (lo < s.length && s.time[lo]! < from) lo++;
    let hi = lo;
    while (hi < s.length && s.time[hi]! <= to) hi++;
    const time = s.time.subarray(lo, hi);
    // Raw prices, adjusted back for later splits so the chart has no split cliffs; trade and stop
    // prices are scaled the same way (a trade's prices are in shares as of its exit: a position
    // open across a split is rescaled).
    const close = Float64Array.from(
      s.close.subarray(lo, hi),
      (c, i) => c / splitFactor(data, symbol, time[i]!, to),
    );
    const trades = result.trades.filter((t) => t.symbol === symbol);
    const marks = trades.flatMap((t) => [indexAt(time, t.entryTime), indexAt(time, t.exitTime)]);
    const keep = pickIndices(close, MAX_PRICE_POINTS, marks);
    const stops = result.stops[symbol];
    bySymbol[symbol] = {
      t: keep.map((i) => seconds(time[i]!)),
      close: keep.map((i) => round(close[i]!, 4)),
      entries: trades.map((t) => [
        seconds(t.entryTime),
        round(t.entryPrice / splitFactor(data, symbol, t.exitTime, to), 4)!,
      ]),
      exits: trades.map((t) => [
        seconds(t.exitTime),
        round(t.exitPrice / splitFactor(data, symbol, t.exitTime, to), 4)!,
      ]),
      stops:
        stops === undefined
          ? []
          : stops.time.map((t, i) => [
              seconds(t),
              round(stops.level[i]! / splitFactor(data, symbol, t, to), 4),
            ]),
      bars: time.length,
      trades: trades.length,
    };
  }
  return { symbols: chosen, omitted: ranked.length - chosen.length, bySymbol };
}

/** Shares per original share from splits after `time` up to the run's end. */
function splitFactor(data: MarketData | undefined, symbol: string, time: number, end: number): number {
  let factor = 1;
  for (const s of data?.splits ?? [])
    if (s.symbol === symbol && s.time > time && s.time <= end) factor *= s.ratio;
  return factor;
}

/** Index of the last time at or before `t` (0 when none). */
function indexAt(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (time[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
