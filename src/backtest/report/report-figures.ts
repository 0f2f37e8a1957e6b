/**
 * Figures the report adds to the run's metrics, as pure functions of the equity curve, the
 * trades and the bars: calendar returns, drawdown periods, a buy-and-hold benchmark, per-symbol
 * results, and the thinning of long series for the charts.
 */
import { newYorkWallClock } from '../../core/session.ts';
import type { OpenPositionRecord, TradeRecord } from '../backtest-types.ts';
import type { BarSeries, SplitEvent } from '../data/bar-series.ts';

export interface MonthlyReturn {
  readonly year: number;
  /** 1–12, New York calendar. */
  readonly month: number;
  readonly returnPercent: number;
}

export interface YearlyReturn {
  readonly year: number;
  readonly returnPercent: number;
}

/**
 * Returns per New York calendar month and year: the last equity of each period against the last
 * equity of the one before (the starting equity for the first). Periods without equity points
 * are absent.
 */
export function calendarReturns(
  time: Float64Array,
  equity: Float64Array,
  startingEquity: number,
): { monthly: MonthlyReturn[]; yearly: YearlyReturn[] } {
  const monthly: MonthlyReturn[] = [];
  const yearly: YearlyReturn[] = [];
  let monthBase = startingEquity;
  let yearBase = startingEquity;
  for (let i = 0; i < equity.length; i++) {
    const d = newYorkWallClock(time[i]!);
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth() + 1;
    const e = equity[i]!;
    const lastM = monthly.at(-1);
    if (lastM === undefined || lastM.year !== year || lastM.month !== month) {
      if (lastM !== undefined) monthBase = equity[i - 1]!;
      monthly.push({ year, month, returnPercent: 0 });
    }
    const lastY = yearly.at(-1);
    if (lastY === undefined || lastY.year !== year) {
      if (lastY !== undefined) yearBase = equity[i - 1]!;
      yearly.push({ year, returnPercent: 0 });
    }
    monthly[monthly.length - 1] = { year, month, returnPercent: change(monthBase, e) };
    yearly[yearly.length - 1] = { year, returnPercent: change(yearBase, e) };
  }
  return { monthly, yearly };
}

function change(from: number, to: number): number {
  return from > 0 ? (to / from - 1) * 100 : Number.NaN;
}

/** One fall of equity below its running peak and the climb back. Times in epoch ms. */
export interface DrawdownPeriod {
  /** The last instant at the peak before the fall (the first point when the run starts below it). */
  readonly start: number;
  readonly trough: number;
  /** First instant back at the peak; null when equity never got back. */
  readonly recovery: number | null;
  /** Depth in percent of the peak, and in dollars. */
  readonly depthPercent: number;
  readonly depthUsd: number;
}

/** The `count` deepest drawdown periods, deepest first (the starting equity is the first peak). */
export function drawdownPeriods(
  time: Float64Array,
  equity: Float64Array,
  startingEquity: number,
  count = 5,
): DrawdownPeriod[] {
  const periods: DrawdownPeriod[] = [];
  let peak = startingEquity;
  let peakTime = time.length > 0 ? time[0]! : Number.NaN;
  let open: { start: number; trough: number; low: number } | undefined;
  const close = (recovery: number | null) => {
    if (open === undefined) return;
    periods.push({
      start: open.start,
      trough: open.trough,
      recovery,
      depthPercent: peak > 0 ? ((peak - open.low) / peak) * 100 : 0,
      depthUsd: peak - open.low,
    });
    open = undefined;
  };
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    const t = time[i]!;
    if (e >= peak) {
      close(t);
      peak = e;
      peakTime = t;
    } else if (open === undefined) open = { start: peakTime, trough: t, low: e };
    else if (e < open.low) {
      open.low = e;
      open.trough = t;
    }
  }
  close(null);
  return periods.sort((a, b) => b.depthPercent - a.depthPercent || a.start - b.start).slice(0, count);
}

/**
 * Buy-and-hold of one symbol with the starting equity, at each equity point: the last close at or
 * before the point against the close at the first point the symbol had a bar (NaN before it).
 * Prices are raw, so the shares held multiply by each split's ratio from its time on.
 */
export function benchmarkSeries(
  time: Float64Array,
  bars: BarSeries,
  startingEquity: number,
  splits: readonly SplitEvent[] = [],
): Float64Array {
  const mine = splits.filter((x) => x.symbol === bars.symbol).sort((a, b) => a.time - b.time);
  const out = new Float64Array(time.length).fill(Number.NaN);
  let j = -1;
  let base = Number.NaN;
  let shares = 1;
  let k = 0;
  for (let i = 0; i < time.length; i++) {
    while (j + 1 < bars.length && bars.time[j + 1]! <= time[i]!) j++;
    if (j < 0) continue;
    const barTime = bars.time[j]!;
    // Splits up to the close being read; those before the first close held change nothing.
    while (k < mine.length && mine[k]!.time <= barTime) {
      if (!Number.isNaN(base)) shares *= mine[k]!.ratio;
      k++;
    }
    const close = bars.close[j]!;
    if (Number.isNaN(base)) base = close;
    out[i] = base > 0 ? (startingEquity * close * shares) / base : Number.NaN;
  }
  return out;
}

export interface SymbolResult {
  readonly symbol: string;
  readonly trades: number;
  readonly wins: number;
  /** Percent of closed trades with a positive P&L; null without trades. */
  readonly winRatePercent: number | null;
  /** Closed-trade P&L in dollars. */
  readonly pnl: number;
  /** Percent of equity points at which the symbol had a position. */
  readonly exposurePercent: number;
  /** Shares still held at the end. */
  readonly openQty: number;
}

/** Trades, win rate, P&L and time with a position per symbol, in the order of `symbols`. */
export function symbolResults(
  trades: readonly TradeRecord[],
  open: readonly OpenPositionRecord[],
  time: Float64Array,
  symbols: readonly string[],
): SymbolResult[] {
  const names = [...symbols];
  for (const t of trades) if (!names.includes(t.symbol)) names.push(t.symbol);
  return names.map((symbol) => {
    const mine = trades.filter((t) => t.symbol === symbol);
    const wins = mine.filter((t) => t.pnl > 0).length;
    const held = open.find((p) => p.symbol === symbol);
    const spans = mine.map((t) => [t.entryTime, t.exitTime] as const);
    if (held !== undefined) spans.push([held.entryTime, Number.POSITIVE_INFINITY]);
    // A symbol holds one position at a time, so its spans do not overlap: count the points in each.
    let exposed = 0;
    for (const [from, to] of spans) exposed += firstAtOrAfter(time, to) - firstAtOrAfter(time, from);
    return {
      symbol,
      trades: mine.length,
      wins,
      winRatePercent: mine.length > 0 ? (wins / mine.length) * 100 : null,
      pnl: mine.reduce((s, t) => s + t.pnl, 0),
      exposurePercent: time.length > 0 ? (exposed / time.length) * 100 : 0,
      openQty: held?.qty ?? 0,
    };
  });
}

/** Index of the first time at or after `t` (the length when none). */
function firstAtOrAfter(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Indices of a series to draw when it has more than `maxPoints` points: the first and last, the
 * lowest and highest of each of `maxPoints / 2` equal buckets (so spikes and troughs survive),
 * and the indices in `keep` (e.g. bars with a trade marker); in increasing order, no repeats.
 */
export function pickIndices(
  values: ArrayLike<number>,
  maxPoints: number,
  keep: Iterable<number> = [],
): number[] {
  const n = values.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const picked = new Set<number>([0, n - 1]);
  for (const k of keep) if (k >= 0 && k < n) picked.add(k);
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      const v = values[i]!;
      if (!(v >= values[lo]!)) lo = i;
      if (!(v <= values[hi]!)) hi = i;
    }
    picked.add(lo);
    picked.add(hi);
  }
  return [...picked].sort((a, b) => a - b);
}
