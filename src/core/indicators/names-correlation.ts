/**
 * Average pairwise correlation of the bar-to-bar returns of a set of names that may change
 * (the underlyings held, say), on top of {@link RollingCorrelation}.
 *
 * Bars are aligned by their start time: a period counts once every name has a bar with that
 * time, and its returns are close / close of the previous complete period − 1. A period some
 * name misses is dropped (the next return then spans both periods, for every name alike). Each
 * symbol keeps its last `window + 1` closes, so when the set of names changes the window is
 * rebuilt at once from history instead of waiting `window` periods. A split divides the
 * symbol's stored closes so that the gap is no return.
 */
import { type AverageCorrelation, RollingCorrelation } from './rolling-correlation.ts';

/** Configuration of a {@link NamesCorrelation}. */
export interface NamesCorrelationOptions {
  /** Returns in the rolling window, ≥ 2. */
  readonly window: number;
  /** Returns needed before a value is reported, 2…window; default `window`. */
  readonly minObservations?: number;
  /** Names with a moving series needed for a value, ≥ 2. */
  readonly minNames: number;
  /** Record history only for these symbols (a fixed watch list); default every symbol. */
  readonly only?: readonly string[];
}

/** The last closes of one symbol, oldest first, in a ring. */
class CloseHistory {
  readonly times: Float64Array;
  readonly closes: Float64Array;
  count = 0;
  #next = 0;

  constructor(capacity: number) {
    this.times = new Float64Array(capacity);
    this.closes = new Float64Array(capacity);
  }

  get lastTime(): number {
    return this.count === 0 ? Number.NEGATIVE_INFINITY : this.timeAt(this.count - 1);
  }

  /** The i-th entry, oldest first. */
  timeAt(i: number): number {
    return this.times[this.#slot(i)]!;
  }
  closeAt(i: number): number {
    return this.closes[this.#slot(i)]!;
  }

  /** Appends a close; a second bar with the same start time replaces the first. */
  add(time: number, close: number): void {
    const capacity = this.times.length;
    if (time === this.lastTime) {
      this.closes[this.#slot(this.count - 1)] = close;
      return;
    }
    this.times[this.#next] = time;
    this.closes[this.#next] = close;
    this.#next = (this.#next + 1) % capacity;
    if (this.count < capacity) this.count++;
  }

  scale(factor: number): void {
    for (let i = 0; i < this.closes.length; i++) this.closes[i]! *= factor;
  }

  #slot(i: number): number {
    const capacity = this.times.length;
    return (this.#next - this.count + i + capacity) % capacity;
  }
}

const TOO_FEW_NAMES = (names: number, required: number): AverageCorrelation => ({
  ready: false,
  reason: 'TOO_FEW_NAMES',
  message: `TOO_FEW_NAMES: names=${names} required=${required}`,
  names,
  observations: 0,
});

/** Rolling average pairwise correlation over a changeable set of names. */
export class NamesCorrelation {
  readonly #options: NamesCorrelationOptions;
  readonly #only: ReadonlySet<string> | undefined;
  readonly #history = new Map<string, CloseHistory>();
  #names: readonly string[] = [];
  #index = new Map<string, number>();
  #rolling: RollingCorrelation | undefined;
  #value: AverageCorrelation;
  /** The period being collected, its closes and which names have reported. */
  #period = Number.NEGATIVE_INFINITY;
  #closes = new Float64Array(0);
  #seen = new Uint8Array(0);
  #seenCount = 0;
  /** Closes of the last complete period, the base of the next returns. */
  #previous = new Float64Array(0);
  #previousPeriod = Number.NEGATIVE_INFINITY;

  constructor(options: NamesCorrelationOptions) {
    this.#options = options;
    this.#only = options.only === undefined ? undefined : new Set(options.only);
    this.#value = TOO_FEW_NAMES(0, options.minNames);
  }

  /** The names now in the average, sorted. */
  get names(): readonly string[] {
    return this.#names;
  }

  /** The average pairwise correlation after the last complete period, or why there is none. */
  get value(): AverageCorrelation {
    return this.#value;
  }

  /** Records the close (dollars) of a bar starting at `time` (epoch ms); true when it completed a period. */
  onClose(symbol: string, time: number, close: number): boolean {
    if (!(close > 0 && Number.isFinite(close)) || (this.#only !== undefined && !this.#only.has(symbol)))
      return false;
    let history = this.#history.get(symbol);
    if (history === undefined)
      this.#history.set(symbol, (history = new CloseHistory(this.#options.window + 1)));
    if (time < history.lastTime) return false;
    history.add(time, close);
    const i = this.#index.get(symbol);
    if (i === undefined || time < this.#period) return false;
    if (time > this.#period) this.#startPeriod(time);
    this.#closes[i] = close;
    if (this.#seen[i] === 0) {
      this.#seen[i] = 1;
      this.#seenCount++;
    }
    if (this.#seenCount < this.#names.length || time <= this.#previousPeriod) return false;
    this.#completePeriod();
    return true;
  }

  /** Rescales a symbol's stored closes after a split of `ratio` new shares per old share. */
  onSplit(symbol: string, ratio: number): void {
    if (!(ratio > 0) || ratio === 1) return;
    this.#history.get(symbol)?.scale(1 / ratio);
    const i = this.#index.get(symbol);
    if (i === undefined) return;
    this.#closes[i]! /= ratio;
    this.#previous[i]! /= ratio;
  }

  /** Changes the set of names (any order); the window is rebuilt from the stored closes. */
  setNames(names: Iterable<string>): void {
    const sorted = [...new Set(names)].sort();
    if (sorted.length === this.#names.length && sorted.every((n, i) => n === this.#names[i])) return;
    this.#names = sorted;
    this.#index = new Map(sorted.map((n, i) => [n, i]));
    this.#rebuild();
  }

  #startPeriod(time: number): void {
    this.#period = time;
    this.#seen.fill(0);
    this.#seenCount = 0;
  }

  #completePeriod(): void {
    const n = this.#names.length;
    if (this.#previousPeriod > Number.NEGATIVE_INFINITY && this.#rolling !== undefined) {
      const returns = new Float64Array(n);
      for (let i = 0; i < n; i++) returns[i] = this.#closes[i]! / this.#previous[i]! - 1;
      this.#rolling.push(returns);
      this.#value = this.#rolling.average();
    }
    this.#previous.set(this.#closes);
    this.#previousPeriod = this.#period;
  }

  #rebuild(): void {
    const names = this.#names;
    const n = names.length;
    const { window, minNames } = this.#options;
    this.#closes = new Float64Array(n);
    this.#seen = new Uint8Array(n);
    this.#previous = new Float64Array(n);
    this.#seenCount = 0;
    this.#period = Number.NEGATIVE_INFINITY;
    this.#previousPeriod = Number.NEGATIVE_INFINITY;
    if (n < minNames) {
      this.#rolling = undefined;
      this.#value = TOO_FEW_NAMES(n, minNames);
      return;
    }
    this.#rolling = new RollingCorrelation({
      names: n,
      window,
      minNames,
      ...(this.#options.minObservations === undefined
        ? {}
        : { minObservations: this.#options.minObservations }),
    });
    this.#value = this.#rolling.average();
    const histories = names.map((name) => this.#history.get(name));
    // Periods every name has a close for, oldest first; returns run between consecutive ones.
    const counts = new Map<number, number>();
    for (const h of histories)
      for (let k = 0; k < (h?.count ?? 0); k++) counts.set(h!.timeAt(k), (counts.get(h!.timeAt(k)) ?? 0) + 1);
    const common = [...counts].filter(([, c]) => c === n).map(([t]) => t);
    common.sort((a, b) => a - b);
    for (const time of common.slice(-(window + 1))) {
      this.#period = time;
      histories.forEach((h, i) => {
        this.#closes[i] = closeAt(h!, time);
      });
      this.#completePeriod();
    }
    // A period some names have already reported, after the last common one, keeps collecting.
    const latest = Math.max(...histories.map((h) => h?.lastTime ?? Number.NEGATIVE_INFINITY));
    if (latest > this.#previousPeriod) {
      this.#startPeriod(latest);
      histories.forEach((h, i) => {
        if (h === undefined || h.lastTime !== latest) return;
        this.#closes[i] = h.closeAt(h.count - 1);
        this.#seen[i] = 1;
        this.#seenCount++;
      });
    }
  }
}

function closeAt(history: CloseHistory, time: number): number {
  for (let k = history.count - 1; k >= 0; k--) if (history.timeAt(k) === time) return history.closeAt(k);
  return Number.NaN;
}
