/** Trading days per year used to annualize daily volatility. */
export const TRADING_DAYS_PER_YEAR = 252;

/**
 * Rolling realized volatility of log returns over `window` closes, O(1) per update.
 * Returns the sample standard deviation per bar (a fraction, not percent); annualize with
 * {@link RealizedVolatility.annualized}.
 */
export class RealizedVolatility {
  readonly window: number;
  #ring: Float64Array;
  #index = 0;
  #count = 0;
  #sum = 0;
  #sumSq = 0;
  #prevClose = Number.NaN;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 2)
      throw new RangeError(`window must be an integer ≥ 2, got ${window}`);
    this.window = window;
    this.#ring = new Float64Array(window);
  }

  /** Adds a close and returns the per-bar volatility (NaN until `window` returns exist). */
  update(close: number): number {
    const prev = this.#prevClose;
    this.#prevClose = close;
    if (Number.isNaN(prev) || prev <= 0 || close <= 0) return this.value;
    const r = Math.log(close / prev);
    const old = this.#ring[this.#index]!;
    if (this.#count >= this.window) {
      this.#sum -= old;
      this.#sumSq -= old * old;
    } else this.#count++;
    this.#ring[this.#index] = r;
    this.#index = (this.#index + 1) % this.window;
    this.#sum += r;
    this.#sumSq += r * r;
    return this.value;
  }

  /** Per-bar sample standard deviation of log returns (fraction). */
  get value(): number {
    if (this.#count < this.window) return Number.NaN;
    const n = this.#count;
    const variance = (this.#sumSq - (this.#sum * this.#sum) / n) / (n - 1);
    return Math.sqrt(Math.max(0, variance));
  }

  /** Annualized volatility (fraction per year), assuming one bar per trading day by default. */
  annualized(barsPerYear = TRADING_DAYS_PER_YEAR): number {
    return this.value * Math.sqrt(barsPerYear);
  }

  /** Forgets the previous close, so the split gap is not counted as a return. */
  adjustForSplit(ratio: number): void {
    this.#prevClose /= ratio;
  }
}
