/**
 * The bar lengths a risk profile may count in. Every bar count (a time exit's `maxBars`) and
 * every indicator window (ATR, realized volatility) names one, so a profile means the same
 * thing in a daily backtest and in the gateway, which builds one-minute bars from marks.
 */
export type Timeframe = '1m' | '5m' | '15m' | '1h' | '1d';

/** Every accepted timeframe, finest first. */
export const TIMEFRAMES: readonly Timeframe[] = ['1m', '5m', '15m', '1h', '1d'];

const MINUTE_MS = 60_000;

/** Nominal length of a timeframe in milliseconds (a `1d` bar is one New York trading day). */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '1d': 24 * 60 * MINUTE_MS,
};

/** Minutes of the regular US equity session (09:30–16:00 New York). */
const SESSION_MINUTES = 390;
/** Trading days per year used to annualize. */
const TRADING_DAYS_PER_YEAR = 252;

/**
 * Bars of a timeframe in a trading year, to annualize a per-bar volatility: 252 daily bars, or
 * 252 regular sessions of 390 minutes for intraday bars (extended hours are not counted).
 */
export function barsPerYear(timeframe: Timeframe): number {
  if (timeframe === '1d') return TRADING_DAYS_PER_YEAR;
  return (TRADING_DAYS_PER_YEAR * SESSION_MINUTES * MINUTE_MS) / TIMEFRAME_MS[timeframe];
}

/**
 * Why bars of `barMs` milliseconds cannot build bars of `timeframe`, or null when they can: a
 * bar must not be longer than the timeframe, and an intraday timeframe must be a whole number of
 * input bars (45-second bars would straddle minute boundaries). Any bar up to a day builds `1d`.
 */
export function resolutionProblem(barMs: number, timeframe: Timeframe): string | null {
  const tfMs = TIMEFRAME_MS[timeframe];
  if (!(barMs > 0) || !Number.isFinite(barMs)) return `bar length ${barMs} ms is not a positive duration`;
  if (barMs > tfMs) return `bars of ${describeMs(barMs)} are coarser than ${timeframe}`;
  if (timeframe !== '1d' && tfMs % barMs !== 0)
    return `${timeframe} is not a whole number of ${describeMs(barMs)} bars`;
  return null;
}

/** A duration for messages: `60s`, `5m`, `1d`. */
export function describeMs(ms: number): string {
  if (ms >= TIMEFRAME_MS['1d'] && ms % TIMEFRAME_MS['1d'] === 0) return `${ms / TIMEFRAME_MS['1d']}d`;
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= MINUTE_MS && ms % MINUTE_MS === 0) return `${ms / MINUTE_MS}m`;
  return `${ms / 1000}s`;
}
