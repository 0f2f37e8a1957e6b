import type { Bar } from '../../core/market.ts';

interface Open {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  count: number;
}

/**
 * Builds fixed-length bars from marks (one minute by default, `--bar-seconds`), each stamped
 * with its length. The engine builds the bars of every timeframe the profile counts in (`5m`,
 * `1d`, ...) from these, with the same code a backtest uses, so ATR-based stops and bar-counting
 * exits mean the same in both. A bar is emitted when the first mark of the next interval arrives.
 */
export class BarBuilder {
  readonly #intervalMs: number;
  readonly #open = new Map<string, Open>();

  /** `intervalMs`: bar length in milliseconds. */
  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** Adds a mark (price in dollars, time in epoch ms); returns the bar it closed, if any. */
  add(symbol: string, price: number, time: number): Bar | undefined {
    if (!(price > 0) || !Number.isFinite(price)) return undefined;
    const start = time - (time % this.#intervalMs);
    const current = this.#open.get(symbol);
    if (current === undefined || start > current.start) {
      this.#open.set(symbol, { start, open: price, high: price, low: price, close: price, count: 1 });
      if (current === undefined) return undefined;
      return {
        kind: 'bar',
        symbol,
        time: current.start,
        open: current.open,
        high: current.high,
        low: current.low,
        close: current.close,
        volume: current.count,
        durationMs: this.#intervalMs,
      };
    }
    if (start < current.start) return undefined; // late mark of a finished bar
    current.high = Math.max(current.high, price);
    current.low = Math.min(current.low, price);
    current.close = price;
    current.count += 1;
    return undefined;
  }
}
