/** Simple moving average over `period` values, O(1) per update. */
export class Sma {
  readonly period: number;
  #ring: Float64Array;
  #index = 0;
  #count = 0;
  #sum = 0;

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 1)
      throw new RangeError(`SMA period must be a positive integer, got ${period}`);
    this.period = period;
    this.#ring = new Float64Array(period);
  }

  /** Adds a value and returns the average (NaN until `period` values were seen). */
  update(x: number): number {
    this.#sum += x - this.#ring[this.#index]!;
    this.#ring[this.#index] = x;
    this.#index = (this.#index + 1) % this.period;
    if (this.#count < this.period) this.#count++;
    return this.value;
  }

  get value(): number {
    return this.#count < this.period ? Number.NaN : this.#sum / this.period;
  }
}
