import type { BarSeries, MarketData } from './data/bar-series.ts';
import { windowMean } from './series-indicators.ts';

/**
 * The bars of every symbol merged into one time line of slices (all bars sharing a start time),
 * plus each symbol's history up to the current bar. Series that will split are copied so a run
 * can rescale their history without touching the caller's data.
 */
export class MarketView {
  readonly series: readonly BarSeries[];
  readonly symbols: readonly string[];
  readonly seriesOf: ReadonlyMap<string, number>;
  /** Index of the latest bar seen per series (−1 before its first bar). */
  readonly cursor: Int32Array;
  /** Start time of each slice, epoch ms. */
  readonly sliceTime: Float64Array;
  /** Slice k holds the series ids `order[sliceStart[k]] … order[sliceStart[k + 1] − 1]`. */
  readonly sliceStart: Int32Array;
  readonly order: Int32Array;
  readonly totalBars: number;
  /**
   * The bars in time-line order, five numbers each (open, high, low, close, volume of the bar
   * at `order[j]`: `slab[5j … 5j + 4]`), so a slice's bars are read from one run of memory
   * rather than from six arrays per symbol (with a thousand symbols, thousands of pages per
   * slice). Undefined above {@link SLAB_MAX_BARS} bars, where the run reads the series.
   * Holds the bars as loaded: a split rescales the series' history, never a bar yet to come.
   */
  readonly slab: Float64Array | undefined;
  /**
   * The closes of each series' latest {@link RECENT_BARS} bars, series after series
   * (`recentClose[id · RECENT_BARS + (i mod RECENT_BARS)]` is bar i's close), written by the
   * run as each bar arrives. Window indicators read their window from here: one dense block
   * for all symbols rather than a page of each symbol's history, which with a thousand symbols
   * no longer stays in the caches from one slice to the next.
   */
  readonly recentClose: Float64Array;

  constructor(data: MarketData) {
    const splitSymbols = new Set(data.splits.map((s) => s.symbol));
    this.series = data.bars.map((s) => (splitSymbols.has(s.symbol) ? copySeries(s) : s));
    this.symbols = this.series.map((s) => s.symbol);
    this.seriesOf = new Map(this.symbols.map((s, i) => [s, i]));
    this.cursor = new Int32Array(this.series.length).fill(-1);
    const merged = mergeTimeline(this.series);
    this.sliceTime = merged.sliceTime;
    this.sliceStart = merged.sliceStart;
    this.order = merged.order;
    this.totalBars = merged.order.length;
    this.slab = this.totalBars <= SLAB_MAX_BARS ? buildSlab(this.series, merged.order) : undefined;
    this.recentClose = new Float64Array(this.series.length * RECENT_BARS);
  }

  /** Number of slices in the time line. */
  get slices(): number {
    return this.sliceTime.length;
  }

  /** Rescales a symbol's history up to its current bar for a split of `ratio` new shares per old. */
  applySplit(seriesId: number, ratio: number): void {
    const s = this.series[seriesId]!;
    const n = this.cursor[seriesId]! + 1;
    for (let i = 0; i < n; i++) {
      s.open[i]! /= ratio;
      s.high[i]! /= ratio;
      s.low[i]! /= ratio;
      s.close[i]! /= ratio;
      s.volume[i]! *= ratio;
    }
    // The same division of the same values as the history's, so both stay equal.
    const base = seriesId * RECENT_BARS;
    for (let i = Math.max(0, n - RECENT_BARS); i < n; i++)
      this.recentClose[base + (i & RECENT_MASK)]! /= ratio;
  }

  /** Resets every cursor so the view can be replayed. */
  rewind(): void {
    this.cursor.fill(-1);
  }
}

/** Bars per series kept in {@link MarketView.recentClose} (a power of two). */
export const RECENT_BARS = 64;
const RECENT_MASK = RECENT_BARS - 1;

/**
 * Mean of the closes of bars `end − period + 1 … end` of series `id`, summed in the same order
 * as `windowMean` over the history (so bit for bit the same), read from
 * {@link MarketView.recentClose} when the window lies within its last {@link RECENT_BARS} bars
 * up to the current one, else from the history. NaN when the window starts before the data.
 */
export function recentCloseMean(view: MarketView, id: number, end: number, period: number): number {
  const start = end - period + 1;
  if (start < 0 || period < 1) return Number.NaN;
  const current = view.cursor[id]!;
  if (end > current || start <= current - RECENT_BARS) return windowMean(view.series[id]!.close, end, period);
  const ring = view.recentClose;
  const base = id * RECENT_BARS;
  let sum = 0;
  for (let i = start; i <= end; i++) sum += ring[base + (i & RECENT_MASK)]!;
  return sum / period;
}

/** The most bars copied into a {@link MarketView.slab} (40 bytes a bar: 160 MB). */
export const SLAB_MAX_BARS = 4_000_000;

function buildSlab(series: readonly BarSeries[], order: Int32Array): Float64Array {
  const slab = new Float64Array(order.length * 5);
  const next = new Int32Array(series.length);
  for (let j = 0; j < order.length; j++) {
    const id = order[j]!;
    const s = series[id]!;
    const i = next[id]!++;
    const b = j * 5;
    slab[b] = s.open[i]!;
    slab[b + 1] = s.high[i]!;
    slab[b + 2] = s.low[i]!;
    slab[b + 3] = s.close[i]!;
    slab[b + 4] = s.volume[i]!;
  }
  return slab;
}

function copySeries(s: BarSeries): BarSeries {
  return {
    ...s,
    time: s.time.slice(0, s.length),
    open: s.open.slice(0, s.length),
    high: s.high.slice(0, s.length),
    low: s.low.slice(0, s.length),
    close: s.close.slice(0, s.length),
    volume: s.volume.slice(0, s.length),
  };
}

/**
 * Merges the series into slices: the distinct bar times in order (a native sort of all times),
 * then each series' bars placed into their slice in series order. O(N log N) for N bars.
 */
function mergeTimeline(series: readonly BarSeries[]): {
  sliceTime: Float64Array;
  sliceStart: Int32Array;
  order: Int32Array;
} {
  const total = series.reduce((n, s) => n + s.length, 0);
  if (series.length > 0 && series.every((s) => sameTimes(s, series[0]!))) {
    // The common case of aligned symbols: one slice per bar time, every series in each.
    const first = series[0]!;
    const k = series.length;
    const order = new Int32Array(total);
    for (let i = 0; i < total; i++) order[i] = i % k;
    return {
      sliceTime: first.time.slice(0, first.length),
      sliceStart: Int32Array.from({ length: first.length + 1 }, (_, i) => i * k),
      order,
    };
  }
  const all = new Float64Array(total);
  let n = 0;
  for (const s of series) {
    all.set(s.time.subarray(0, s.length), n);
    n += s.length;
  }
  all.sort();
  let slices = 0;
  for (let i = 0; i < total; i++) if (i === 0 || all[i] !== all[i - 1]) all[slices++] = all[i]!;
  const sliceTime = all.slice(0, slices);
  const sliceStart = new Int32Array(slices + 1);
  // Pass 1 counts the bars of each slice; pass 2 places each series' bars after the counts.
  const slot = new Int32Array(total);
  let k = 0;
  for (const s of series) {
    let p = 0;
    for (let i = 0; i < s.length; i++) {
      const t = s.time[i]!;
      while (sliceTime[p]! < t) p++;
      slot[k++] = p;
      sliceStart[p + 1]!++;
    }
  }
  for (let i = 0; i < slices; i++) sliceStart[i + 1]! += sliceStart[i]!;
  const fill = sliceStart.slice(0, slices);
  const order = new Int32Array(total);
  k = 0;
  for (let id = 0; id < series.length; id++) {
    const len = series[id]!.length;
    for (let i = 0; i < len; i++) order[fill[slot[k++]!]!++] = id;
  }
  return { sliceTime, sliceStart, order };
}

function sameTimes(a: BarSeries, b: BarSeries): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a.time[i] !== b.time[i]) return false;
  return true;
}
