import type { Bar } from '../market.ts';
import { newYorkOffsetMs } from '../session.ts';
import { TIMEFRAME_MS, type Timeframe } from './timeframe.ts';

const DAY_MS = 86_400_000;

/** A bar being built: its bucket's start and end (epoch ms) and the prices so far. */
interface OpenBar {
  start: number;
  end: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Called with each completed bar of a timeframe; `bar.time` is the bucket's start. */
export type CompletedBar = (timeframe: Timeframe, bar: Bar) => void;

/**
 * Builds bars of each timeframe a profile counts in from the bars the host feeds (one-minute
 * bars built from marks in the gateway, the data's own bars in a backtest), so both count the
 * same bars. Intraday buckets are aligned to the clock (New York's offset is whole hours, so a
 * `1h` bar is 10:00–11:00 local); a `1d` bucket is one New York calendar day, the session's
 * trading day. A bucket is complete on the input bar that reaches its end, or, when bars are
 * missing, on the first bar of a later bucket. An input bar as long as the timeframe is passed
 * through as it is (daily data for `1d`). O(timeframes) per bar, no allocation for intraday bars.
 */
export class TimeframeBars {
  readonly timeframes: readonly Timeframe[];
  readonly #open = new Map<string, (OpenBar | undefined)[]>();

  constructor(timeframes: readonly Timeframe[]) {
    this.timeframes = timeframes;
  }

  /** Adds an input bar `durationMs` long; reports every bar it completes, per timeframe in order. */
  add(bar: Bar, durationMs: number, completed: CompletedBar): void {
    const tfs = this.timeframes;
    if (tfs.length === 0) return;
    let slots = this.#open.get(bar.symbol);
    if (slots === undefined) {
      slots = new Array<OpenBar | undefined>(tfs.length).fill(undefined);
      this.#open.set(bar.symbol, slots);
    }
    for (let i = 0; i < tfs.length; i++) {
      const tf = tfs[i]!;
      const tfMs = TIMEFRAME_MS[tf];
      if (durationMs >= tfMs) {
        completed(tf, bar);
        continue;
      }
      let open = slots[i];
      if (open !== undefined && bar.time < open.start) continue; // a late bar of a finished bucket
      if (open !== undefined && bar.time >= open.end) {
        // A gap in the data: the open bucket ended without a bar reaching its end.
        slots[i] = undefined;
        completed(tf, toBar(bar.symbol, open));
        open = undefined;
      }
      if (open === undefined) {
        const [start, end] = bucket(tf, bar.time);
        open = { start, end, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: 0 };
        slots[i] = open;
      } else {
        if (bar.high > open.high) open.high = bar.high;
        if (bar.low < open.low) open.low = bar.low;
        open.close = bar.close;
      }
      open.volume += bar.volume;
      if (bar.time + durationMs >= open.end) {
        slots[i] = undefined;
        completed(tf, toBar(bar.symbol, open));
      }
    }
  }

  /** Rescales the bars being built after a split of `ratio` new shares per old share. */
  adjustForSplit(symbol: string, ratio: number): void {
    for (const open of this.#open.get(symbol) ?? []) {
      if (open === undefined) continue;
      open.open /= ratio;
      open.high /= ratio;
      open.low /= ratio;
      open.close /= ratio;
      open.volume *= ratio;
    }
  }
}

function toBar(symbol: string, open: OpenBar): Bar {
  return {
    kind: 'bar',
    symbol,
    time: open.start,
    open: open.open,
    high: open.high,
    low: open.low,
    close: open.close,
    volume: open.volume,
  };
}

/** The [start, end) epoch ms of the bucket of `tf` that holds `time`. */
function bucket(tf: Timeframe, time: number): [number, number] {
  if (tf !== '1d') {
    const tfMs = TIMEFRAME_MS[tf];
    const start = Math.floor(time / tfMs) * tfMs;
    return [start, start + tfMs];
  }
  const offset = newYorkOffsetMs(time);
  const localMidnight = Math.floor((time + offset) / DAY_MS) * DAY_MS;
  const start = localMidnight - newYorkOffsetMs(localMidnight - offset);
  // The next midnight may be in the other offset (a daylight saving switch that day).
  const nextLocal = localMidnight + DAY_MS;
  const end = nextLocal - newYorkOffsetMs(nextLocal - offset);
  return [start, end];
}
