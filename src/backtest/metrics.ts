import { newYorkOffsetMs } from '../core/session.ts';
import type { TradeRecord } from './backtest-types.ts';

const DAY_MS = 86_400_000;
const TRADING_DAYS = 252;

/**
 * Performance figures of a run. Returns are computed from the equity at the end of each New
 * York session (so hourly and minute runs annualise the same way as daily ones), with a zero
 * risk-free rate. NaN where a figure is undefined (e.g. no trades); NaN becomes null in JSON.
 */
export interface Metrics {
  /** Percent change of equity over the run. */
  readonly totalReturnPercent: number;
  /** Compound annual growth rate, percent per year. */
  readonly cagrPercent: number;
  /** Annualised standard deviation of daily returns, percent per year. */
  readonly volatilityPercent: number;
  /** Annualised mean / standard deviation of daily returns. */
  readonly sharpe: number;
  /** Annualised mean / downside deviation of daily returns. */
  readonly sortino: number;
  /** Largest fall from a peak, percent of the peak, and in dollars. */
  readonly maxDrawdownPercent: number;
  readonly maxDrawdownUsd: number;
  /** When that drawdown's peak and trough were, and when equity regained the peak (null if never); epoch ms. */
  readonly maxDrawdownPeak: number | null;
  readonly maxDrawdownTrough: number | null;
  readonly maxDrawdownRecovery: number | null;
  /** CAGR divided by the maximum drawdown (both percent). */
  readonly calmar: number;
  /** Percent of bars with a position open. */
  readonly exposurePercent: number;
  /** Average gross position value in percent of equity. */
  readonly averageGrossExposurePercent: number;
  readonly trades: number;
  /** Percent of closed trades with positive P&L. */
  readonly winRatePercent: number;
  /** Gross profit / gross loss of closed trades. */
  readonly profitFactor: number;
  /** Mean R multiple of the trades that had an initial risk. */
  readonly averageR: number;
  /** Sum of closed-trade P&L in dollars. */
  readonly totalTradePnl: number;
  /** Mean P&L per trade, per winner and per loser, in dollars. */
  readonly expectancyUsd: number;
  readonly averageWinUsd: number;
  readonly averageLossUsd: number;
  readonly largestWinUsd: number;
  readonly largestLossUsd: number;
  readonly averageBarsHeld: number;
}

/** Computes {@link Metrics} from an equity curve (with gross exposure per point) and the closed trades. */
export function computeMetrics(
  time: Float64Array,
  equity: Float64Array,
  gross: Float64Array,
  trades: readonly TradeRecord[],
  startingEquity: number,
): Metrics {
  const n = equity.length;
  const final = n > 0 ? equity[n - 1]! : startingEquity;
  const daily = sessionCloses(time, equity);
  const returns: number[] = [];
  let prev = startingEquity;
  for (const e of daily) {
    if (prev > 0) returns.push(e / prev - 1);
    prev = e;
  }
  const mean = avg(returns);
  const sd = stdev(returns, mean);
  const years = n > 0 ? (time[n - 1]! - time[0]!) / DAY_MS / 365.25 : 0;
  const cagr = years > 0 && final > 0 ? ((final / startingEquity) ** (1 / years) - 1) * 100 : Number.NaN;
  const dd = maxDrawdown(time, equity, startingEquity);
  let exposed = 0;
  let grossShare = 0;
  for (let i = 0; i < n; i++) {
    if (gross[i]! > 0) exposed++;
    if (equity[i]! > 0) grossShare += gross[i]! / equity[i]!;
  }
  const pnls = trades.map((t) => t.pnl);
  const wins = pnls.filter((p) => p > 0);
  const losses = pnls.filter((p) => p < 0);
  const rs = trades.map((t) => t.rMultiple).filter((r): r is number => r !== undefined && Number.isFinite(r));
  return {
    totalReturnPercent: (final / startingEquity - 1) * 100,
    cagrPercent: cagr,
    volatilityPercent: sd * Math.sqrt(TRADING_DAYS) * 100,
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(TRADING_DAYS) : Number.NaN,
    sortino: sortinoRatio(returns),
    maxDrawdownPercent: dd.percent,
    maxDrawdownUsd: dd.usd,
    maxDrawdownPeak: dd.peak,
    maxDrawdownTrough: dd.trough,
    maxDrawdownRecovery: dd.recovery,
    calmar: dd.percent > 0 ? cagr / dd.percent : Number.NaN,
    exposurePercent: n > 0 ? (exposed / n) * 100 : 0,
    averageGrossExposurePercent: n > 0 ? (grossShare / n) * 100 : 0,
    trades: trades.length,
    winRatePercent: trades.length > 0 ? (wins.length / trades.length) * 100 : Number.NaN,
    profitFactor: profitFactor(pnls),
    averageR: rs.length > 0 ? avg(rs) : Number.NaN,
    totalTradePnl: sum(pnls),
    expectancyUsd: pnls.length > 0 ? avg(pnls) : Number.NaN,
    averageWinUsd: wins.length > 0 ? avg(wins) : Number.NaN,
    averageLossUsd: losses.length > 0 ? avg(losses) : Number.NaN,
    largestWinUsd: wins.length > 0 ? Math.max(...wins) : Number.NaN,
    largestLossUsd: losses.length > 0 ? Math.min(...losses) : Number.NaN,
    averageBarsHeld: trades.length > 0 ? avg(trades.map((t) => t.barsHeld)) : Number.NaN,
  };
}

/**
 * Annualised Sortino ratio of daily returns (zero target): the mean over the downside deviation,
 * the root mean square of the returns below zero counted over all days, × √252. NaN when no
 * return is below zero.
 */
export function sortinoRatio(returns: readonly number[]): number {
  const downside = Math.sqrt(avg(returns.map((r) => Math.min(r, 0) ** 2)));
  return downside > 0 ? (avg(returns) / downside) * Math.sqrt(TRADING_DAYS) : Number.NaN;
}

/** Gross profit over gross loss of trade P&Ls: ∞ with profits and no losses, NaN with neither. */
export function profitFactor(pnls: readonly number[]): number {
  let won = 0;
  let lost = 0;
  for (const p of pnls) {
    if (p > 0) won += p;
    else lost -= p;
  }
  return lost > 0 ? won / lost : won > 0 ? Number.POSITIVE_INFINITY : Number.NaN;
}

/** Equity at the last point of each New York session date. */
export function sessionCloses(time: Float64Array, equity: Float64Array): number[] {
  const out: number[] = [];
  let day = Number.NaN;
  for (let i = 0; i < equity.length; i++) {
    const t = time[i]!;
    const d = Math.floor((t + newYorkOffsetMs(t)) / DAY_MS);
    if (d === day) out[out.length - 1] = equity[i]!;
    else {
      out.push(equity[i]!);
      day = d;
    }
  }
  return out;
}

/** Drawdown in percent of the running peak at each point. */
export function drawdownSeries(equity: Float64Array, startingEquity: number): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = startingEquity;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    out[i] = peak > 0 ? ((peak - e) / peak) * 100 : 0;
  }
  return out;
}

function maxDrawdown(time: Float64Array, equity: Float64Array, startingEquity: number) {
  let peak = startingEquity;
  let peakTime = time.length > 0 ? time[0]! : Number.NaN;
  let best = { percent: 0, usd: 0, peak: null as number | null, trough: null as number | null, peakValue: 0 };
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) {
      peak = e;
      peakTime = time[i]!;
    }
    const percent = peak > 0 ? ((peak - e) / peak) * 100 : 0;
    if (percent > best.percent)
      best = { percent, usd: peak - e, peak: peakTime, trough: time[i]!, peakValue: peak };
  }
  let recovery: number | null = null;
  if (best.trough !== null) {
    for (let i = 0; i < equity.length; i++) {
      if (time[i]! > best.trough && equity[i]! >= best.peakValue) {
        recovery = time[i]!;
        break;
      }
    }
  }
  return { percent: best.percent, usd: best.usd, peak: best.peak, trough: best.trough, recovery };
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function avg(xs: readonly number[]): number {
  return xs.length > 0 ? sum(xs) / xs.length : Number.NaN;
}

function stdev(xs: readonly number[], mean: number): number {
  if (xs.length < 2) return Number.NaN;
  let s = 0;
  for (const x of xs) s += (x - mean) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}
