/**
 * In-memory market data for a backtest, stored column by column in typed arrays so that the
 * event loop reads prices without allocating. Pure code (no I/O): the CSV loaders, the
 * synthetic market generator and the simulated exchange all produce or read these shapes.
 */

/** How often a series has bars; `daily` bars carry the whole regular session. */
export type Resolution = 'daily' | 'hour' | 'minute' | 'irregular';

/** Time-ordered OHLCV bars of one symbol. Prices in dollars, volume in shares. */
export interface BarSeries {
  readonly symbol: string;
  readonly resolution: Resolution;
  /** Where the bars came from (a file path or `synthetic`), for error messages and reports. */
  readonly source: string;
  /** Number of bars; the arrays may be longer (spare capacity is ignored). */
  readonly length: number;
  /** Bar start in epoch ms, strictly increasing. */
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  /** Volume in shares (0 when the source has none). */
  readonly volume: Float64Array;
}

/** Time-ordered readings of a market index such as the VIX (index points). */
export interface IndexSeries {
  /** Index name as the engine knows it, e.g. `VIX`. */
  readonly name: string;
  readonly source: string;
  readonly length: number;
  /** Epoch ms at which each value became known (for a daily close: 16:15 New York). */
  readonly time: Float64Array;
  readonly value: Float64Array;
}

/** Time-ordered top-of-book quote bars of one symbol (bid/ask at the bar's open and close). */
export interface QuoteSeries {
  readonly symbol: string;
  readonly source: string;
  readonly length: number;
  /** Quote bar start in epoch ms. */
  readonly time: Float64Array;
  readonly bidOpen: Float64Array;
  readonly askOpen: Float64Array;
  readonly bidClose: Float64Array;
  readonly askClose: Float64Array;
}

/** A stock split effective at the first bar of `symbol` at or after `time`. */
export interface SplitEvent {
  readonly symbol: string;
  /** Epoch ms from which the new share count applies. */
  readonly time: number;
  /** New shares per old share: 7 for a 7:1 split, 0.125 for a 1:8 reverse split. */
  readonly ratio: number;
}

/** Everything a backtest reads: bars, index levels, splits and (optionally) quotes. */
export interface MarketData {
  readonly bars: readonly BarSeries[];
  readonly indexes: readonly IndexSeries[];
  readonly splits: readonly SplitEvent[];
  readonly quotes: readonly QuoteSeries[];
  /** Sector per symbol when the source knows it (the synthetic market does). */
  readonly sectors: Readonly<Record<string, string>>;
}

/** An empty data set, to build on with spread syntax. */
export const EMPTY_MARKET_DATA: MarketData = Object.freeze({
  bars: [],
  indexes: [],
  splits: [],
  quotes: [],
  sectors: {},
});

/** Appends bars into growable typed arrays, then freezes them into a {@link BarSeries}. */
export class BarSeriesBuilder {
  readonly symbol: string;
  readonly source: string;
  #length = 0;
  #cols: Float64Array[];

  constructor(symbol: string, source: string, capacity = 1024) {
    this.symbol = symbol;
    this.source = source;
    this.#cols = Array.from({ length: 6 }, () => new Float64Array(Math.max(16, capacity)));
  }

  get length(): number {
    return this.#length;
  }

  /** Start time of the last bar appended (NaN when empty). */
  get lastTime(): number {
    return this.#length === 0 ? Number.NaN : this.#cols[0]![this.#length - 1]!;
  }

  push(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.#length === this.#cols[0]!.length) this.#grow();
    const i = this.#length++;
    const c = this.#cols;
    c[0]![i] = time;
    c[1]![i] = open;
    c[2]![i] = high;
    c[3]![i] = low;
    c[4]![i] = close;
    c[5]![i] = volume;
  }

  /** True when every bar so far starts at a time `test` accepts (false when empty). */
  every(test: (time: number) => boolean): boolean {
    const t = this.#cols[0]!;
    for (let i = 0; i < this.#length; i++) if (!test(t[i]!)) return false;
    return this.#length > 0;
  }

  /** Replaces each bar's time with `map(time)` (which must keep the order), dropping bars after `to`. */
  restamp(map: (time: number) => number, to = Number.POSITIVE_INFINITY): void {
    const t = this.#cols[0]!;
    let n = 0;
    for (let i = 0; i < this.#length; i++) {
      const next = map(t[i]!);
      if (next > to) break;
      t[i] = next;
      n = i + 1;
    }
    this.#length = n;
  }

  #grow(): void {
    this.#cols = this.#cols.map((col) => {
      const next = new Float64Array(col.length * 2);
      next.set(col);
      return next;
    });
  }

  /** The finished series; arrays are trimmed to the bar count. */
  build(resolution: Resolution = inferResolution(this.#cols[0]!, this.#length)): BarSeries {
    const n = this.#length;
    const [time, open, high, low, close, volume] = this.#cols.map((c) => c.slice(0, n)) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    return { symbol: this.symbol, resolution, source: this.source, length: n, time, open, high, low, close, volume };
  }
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Guesses the resolution from the most common spacing of the first bars. */
export function inferResolution(time: Float64Array, length: number): Resolution {
  const counts = new Map<number, number>();
  for (let i = 1; i < Math.min(length, 200); i++) {
    const gap = time[i]! - time[i - 1]!;
    counts.set(gap, (counts.get(gap) ?? 0) + 1);
  }
  let best = 0;
  let gap = 0;
  for (const [g, n] of counts) if (n > best) [best, gap] = [n, g];
  if (gap === MINUTE_MS) return 'minute';
  if (gap === HOUR_MS || gap === HOUR_MS / 2) return 'hour';
  if (gap >= DAY_MS - HOUR_MS) return 'daily';
  return 'irregular';
}
