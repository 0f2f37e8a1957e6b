/** How the true range is averaged. */
export type AtrMethod = 'wilder' | 'sma';

/**
 * Average true range, updated in O(1) per bar with no allocation after construction.
 * `wilder` is Wilder's smoothing (seeded with the simple mean of the first `period` ranges);
 * `sma` is the simple moving average of the last `period` true ranges.
 * The first bar's true range is its high − low (there is no previous close).
 */
export class Atr {
  readonly period: number;
  readonly method: AtrMethod;
  #ring: Float64Array;
  #index = 0;
  #count = 0;
  #sum = 0;
  #value = Number.NaN;
  #prevClose = Number.NaN;

  constructor(period: number, method: AtrMethod = 'wilder') {
    if (!Number.isInteger(period) || period < 1)
      throw new RangeError(`ATR period must be a positive integer, got ${period}`);
    this.period = period;
    this.method = method;
    this.#ring = new Float64Array(period);
  }

  /** Adds a bar and returns the ATR in dollars (NaN until `period` bars were seen). */
  update(high: number, low: number, close: number): number {
    const prev = this.#prevClose;
    const tr = Number.isNaN(prev)
      ? high - low
      : Math.max(high - low, Math.abs(high - prev), Math.abs(low - prev));
    this.#prevClose = close;
    this.#count++;
    if (this.method === 'sma' || this.#count <= this.period) {
      this.#sum += tr - this.#ring[this.#index]!;
      this.#ring[this.#index] = tr;
      const next = this.#index + 1; // a compare, not an integer division, on every bar
      this.#index = next === this.period ? 0 : next;
      if (this.#count >= this.period) {
        this.#value =
          this.#count === this.period || this.method === 'sma' ? this.#sum / this.period : this.#value;
      }
    } else {
      this.#value = (this.#value * (this.period - 1) + tr) / this.period;
    }
    return this.#value;
  }

  /** Latest ATR in dollars; NaN before `period` bars. */
  get value(): number {
    return this.#value;
  }

  /** Rescales the state after a split of `ratio` new shares per old share. */
  adjustForSplit(ratio: number): void {
    this.#sum /= ratio;
    for (let i = 0; i < this.#ring.length; i++) this.#ring[i]! /= ratio;
    this.#value /= ratio;
    this.#prevClose /= ratio;
  }
}
