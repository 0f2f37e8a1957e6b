/**
 * Rolling average pairwise correlation of N aligned return series: the realised-correlation
 * input of a correlation circuit breaker (Pollet & Wilson 2010 treat the average correlation
 * between stocks as an aggregate-risk signal).
 *
 * Each push adds one observation per name and drops the one that leaves the window. Running sums
 * Σd_i and Σd_i·d_j of shifted returns d_i = x_i − c_i are updated in O(N²) per push, without
 * revisiting the window; every `window` pushes they are recomputed exactly from the stored window
 * (amortised O(N²) as well) so that add-and-subtract rounding cannot accumulate. The shift c_i
 * (the first return, then the window mean at each recomputation) keeps Σd² − (Σd)²/n free of
 * cancellation even when a series' mean is large against its dispersion; correlations do not
 * depend on it. Should a series move so far from its shift that its variance would lose more
 * than six digits, a query recomputes the sums first (rare: a jump of ~1000 standard deviations).
 */

/** Configuration of a rolling correlation. */
export interface RollingCorrelationOptions {
  /** Number of return series, ≥ 2. */
  readonly names: number;
  /** Observations in the rolling window, ≥ 2. */
  readonly window: number;
  /** Observations needed before a value is reported, 2…window; default `window`. */
  readonly minObservations?: number;
  /** Names with non-zero variance in the window needed for a value, ≥ 2; default 2. */
  readonly minNames?: number;
}

/** Average pairwise correlation, or why there is none yet. */
export type AverageCorrelation =
  | {
      readonly ready: true;
      /** Mean of the pairwise Pearson correlations, in [−1, 1]. */
      readonly value: number;
      /** Names that entered the average (non-zero variance in the window). */
      readonly names: number;
      /** Pairs averaged: names·(names − 1)/2. */
      readonly pairs: number;
      readonly observations: number;
    }
  | {
      readonly ready: false;
      readonly reason: 'TOO_FEW_OBSERVATIONS' | 'TOO_FEW_NAMES';
      readonly message: string;
      readonly names: number;
      readonly observations: number;
    };

/** Outcome of pushing one observation. */
export type PushResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'INVALID_OBSERVATION'; readonly message: string };

/** A variance this small against Σd² means the series is constant in the window (up to rounding). */
const CONSTANT_SERIES = 1e-12;
/** Below this ratio of variance to Σd² the running sums have lost too many digits: recompute. */
const CANCELLING = 1e-6;

/** Rolling average pairwise correlation of N return series. */
export class RollingCorrelation {
  readonly #n: number;
  readonly #window: number;
  readonly #minObservations: number;
  readonly #minNames: number;
  /** Ring buffer, `window` rows of `n` returns. */
  readonly #rows: Float64Array;
  /** Shift c_i subtracted from name i's returns in the sums. */
  readonly #shift: Float64Array;
  /** Σd_i. */
  readonly #sum: Float64Array;
  /** Σd_i·d_j for i ≤ j, stored at i·n + j. */
  readonly #cross: Float64Array;
  #count = 0;
  #next = 0;
  #pushesSinceResum = 0;

  /** Throws RangeError for an impossible configuration (a wiring error, not market input). */
  constructor(options: RollingCorrelationOptions) {
    const { names, window } = options;
    const minObservations = options.minObservations ?? window;
    const minNames = options.minNames ?? 2;
    if (!Number.isInteger(names) || names < 2)
      throw new RangeError(`RollingCorrelation: names must be an integer ≥ 2, got ${names}`);
    if (!Number.isInteger(window) || window < 2)
      throw new RangeError(`RollingCorrelation: window must be an integer ≥ 2, got ${window}`);
    if (!Number.isInteger(minObservations) || minObservations < 2 || minObservations > window) {
      throw new RangeError(
        `RollingCorrelation: minObservations must be an integer in 2..${window}, got ${minObservations}`,
      );
    }
    if (!Number.isInteger(minNames) || minNames < 2 || minNames > names) {
      throw new RangeError(`RollingCorrelation: minNames must be an integer in 2..${names}, got ${minNames}`);
    }
    this.#n = names;
    this.#window = window;
    this.#minObservations = minObservations;
    this.#minNames = minNames;
    this.#rows = new Float64Array(window * names);
    this.#shift = new Float64Array(names);
    this.#sum = new Float64Array(names);
    this.#cross = new Float64Array(names * names);
  }

  /** Observations currently in the window. */
  get observations(): number {
    return this.#count;
  }

  /**
   * Adds one observation: the return of every name for the same period (decimal, e.g. 0.012),
   * in the order of the names. Refuses (and changes nothing) if the length is wrong or a value
   * is not finite.
   */
  push(returns: ArrayLike<number>): PushResult {
    const n = this.#n;
    if (returns.length !== n) {
      return {
        ok: false,
        code: 'INVALID_OBSERVATION',
        message: `INVALID_OBSERVATION: expected ${n} returns, got ${returns.length}`,
      };
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(returns[i])) {
        return {
          ok: false,
          code: 'INVALID_OBSERVATION',
          message: `INVALID_OBSERVATION: return ${i} is ${returns[i]}`,
        };
      }
    }
    const rows = this.#rows;
    const base = this.#next * n;
    const full = this.#count === this.#window;
    const shift = this.#shift;
    const sum = this.#sum;
    const cross = this.#cross;
    if (this.#count === 0) for (let i = 0; i < n; i++) shift[i] = returns[i] as number;
    for (let i = 0; i < n; i++) {
      const x = (returns[i] as number) - (shift[i] as number);
      const old = full ? (rows[base + i] as number) - (shift[i] as number) : 0;
      sum[i] = (sum[i] as number) + x - old;
      for (let j = i; j < n; j++) {
        const k = i * n + j;
        const y = (returns[j] as number) - (shift[j] as number);
        const oldY = full ? (rows[base + j] as number) - (shift[j] as number) : 0;
        cross[k] = (cross[k] as number) + x * y - old * oldY;
      }
    }
    for (let i = 0; i < n; i++) rows[base + i] = returns[i] as number;
    this.#next = (this.#next + 1) % this.#window;
    if (!full) this.#count++;
    if (++this.#pushesSinceResum >= this.#window) this.#resum();
    return { ok: true };
  }

  /** Pearson correlation of names i and j over the window, or undefined without ≥ 2 observations or with a constant series. */
  correlation(i: number, j: number): number | undefined {
    const n = this.#n;
    if (!(i >= 0 && i < n && j >= 0 && j < n) || this.#count < 2) return undefined;
    this.#refreshIfCancelling();
    const a = Math.min(i, j);
    const b = Math.max(i, j);
    const vi = this.#centred(a, a);
    const vj = this.#centred(b, b);
    if (!(vi > 0 && vj > 0)) return undefined;
    return clamp(this.#centred(a, b) / Math.sqrt(vi * vj));
  }

  /** Mean pairwise correlation over names with non-zero variance, once enough observations and names are there. */
  average(): AverageCorrelation {
    const count = this.#count;
    const n = this.#n;
    if (count < this.#minObservations) {
      return {
        ready: false,
        reason: 'TOO_FEW_OBSERVATIONS',
        message: `TOO_FEW_OBSERVATIONS: observations=${count} required=${this.#minObservations}`,
        names: 0,
        observations: count,
      };
    }
    this.#refreshIfCancelling();
    const scale = new Float64Array(n);
    let names = 0;
    for (let i = 0; i < n; i++) {
      const v = this.#centred(i, i);
      if (v > 0) {
        scale[i] = 1 / Math.sqrt(v);
        names++;
      }
    }
    if (names < this.#minNames) {
      return {
        ready: false,
        reason: 'TOO_FEW_NAMES',
        message: `TOO_FEW_NAMES: names=${names} required=${this.#minNames}`,
        names,
        observations: count,
      };
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      const si = scale[i] as number;
      if (si === 0) continue;
      for (let j = i + 1; j < n; j++) {
        const sj = scale[j] as number;
        if (sj !== 0) total += clamp(this.#centred(i, j) * si * sj);
      }
    }
    const pairs = (names * (names - 1)) / 2;
    return { ready: true, value: total / pairs, names, pairs, observations: count };
  }

  /**
   * Centred cross sum Σ(x_i − x̄_i)(x_j − x̄_j) for i ≤ j; for i = j, 0 when the series is
   * constant to rounding.
   */
  #centred(i: number, j: number): number {
    const k = i * this.#n + j;
    const raw = this.#cross[k] as number;
    const centred = raw - ((this.#sum[i] as number) * (this.#sum[j] as number)) / this.#count;
    if (i === j && !(centred > CONSTANT_SERIES * raw)) return 0;
    return centred;
  }

  /** Recomputes the sums if some variance has lost too many digits to cancellation. */
  #refreshIfCancelling(): void {
    if (this.#pushesSinceResum === 0) return;
    for (let i = 0; i < this.#n; i++) {
      const raw = this.#cross[i * this.#n + i] as number;
      const sum = this.#sum[i] as number;
      if (raw > 0 && raw - (sum * sum) / this.#count < CANCELLING * raw) {
        this.#resum();
        return;
      }
    }
  }

  /** Re-centres the shifts on the window means and recomputes the running sums exactly. */
  #resum(): void {
    const n = this.#n;
    const rows = this.#rows;
    const shift = this.#shift;
    shift.fill(0);
    for (let r = 0; r < this.#count; r++) {
      for (let i = 0; i < n; i++) shift[i] = (shift[i] as number) + (rows[r * n + i] as number);
    }
    for (let i = 0; i < n; i++) shift[i] = (shift[i] as number) / this.#count;
    this.#sum.fill(0);
    this.#cross.fill(0);
    for (let r = 0; r < this.#count; r++) {
      const base = r * n;
      for (let i = 0; i < n; i++) {
        const x = (rows[base + i] as number) - (shift[i] as number);
        this.#sum[i] = (this.#sum[i] as number) + x;
        for (let j = i; j < n; j++) {
          const k = i * n + j;
          this.#cross[k] =
            (this.#cross[k] as number) + x * ((rows[base + j] as number) - (shift[j] as number));
        }
      }
    }
    this.#pushesSinceResum = 0;
  }
}

function clamp(rho: number): number {
  return Math.min(1, Math.max(-1, rho));
}
