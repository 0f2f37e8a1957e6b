/** A source of time in epoch milliseconds; the core never reads the wall clock itself. */
export interface Clock {
  /** Current time in epoch milliseconds (UTC). */
  now(): number;
}

/** A clock that only moves when told to: for backtests and tests. */
export class ManualClock implements Clock {
  #time: number;

  constructor(startMs = 0) {
    this.#time = startMs;
  }

  now(): number {
    return this.#time;
  }

  /** Moves the clock to an absolute time; it never runs backwards. */
  set(timeMs: number): void {
    if (!Number.isFinite(timeMs)) throw new RangeError(`ManualClock.set: time must be finite, got ${timeMs}`);
    if (timeMs > this.#time) this.#time = timeMs;
  }

  /** Advances the clock by a number of milliseconds. */
  advance(ms: number): void {
    this.set(this.#time + ms);
  }
}
