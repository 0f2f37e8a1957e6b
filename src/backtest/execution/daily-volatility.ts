import { sessionDate } from '../../core/session.ts';

interface SymbolState {
  /** New York session date of the last bar seen. */
  date: string;
  /** Close of the last bar seen (the session's close once the next session starts). */
  lastClose: number;
  /** Close of the session before `date` (NaN before the first full session). */
  sessionClose: number;
  /** Ring of the latest daily log returns. */
  readonly returns: Float64Array;
  count: number;
  next: number;
}

/**
 * σ_daily per symbol for the square-root impact model: the sample standard deviation of the
 * last `window` daily log returns ln(close_d / close_{d-1}), where a session's close is the
 * close of its last bar (so daily, hourly and minute bars give the same σ). A fill sees only
 * sessions that closed before it, plus the current bar's close for fills at that close. Until
 * `minReturns` returns exist, `fallback` is used.
 */
export class DailyVolatility {
  readonly #symbols = new Map<string, SymbolState>();
  readonly #window: number;
  readonly #fallback: number;
  readonly #minReturns: number;

  constructor(window = 20, fallback = 0.02, minReturns = 5) {
    if (!(Number.isInteger(window) && window >= 2))
      throw new RangeError(`impact window must be an integer ≥ 2 sessions, got ${window}`);
    if (!(fallback >= 0 && Number.isFinite(fallback)))
      throw new RangeError(`impact fallbackSigma must be a fraction ≥ 0, got ${fallback}`);
    this.#window = window;
    this.#fallback = fallback;
    this.#minReturns = Math.min(Math.max(2, minReturns), window);
  }

  /** Records a bar's close (bars of a symbol come in time order). */
  observe(symbol: string, time: number, close: number): void {
    const date = sessionDate(time);
    let s = this.#symbols.get(symbol);
    if (s === undefined) {
      s = {
        date,
        lastClose: close,
        sessionClose: Number.NaN,
        returns: new Float64Array(this.#window),
        count: 0,
        next: 0,
      };
      this.#symbols.set(symbol, s);
      return;
    }
    if (date !== s.date) {
      if (s.sessionClose > 0 && s.lastClose > 0) this.#push(s, Math.log(s.lastClose / s.sessionClose));
      s.sessionClose = s.lastClose;
      s.date = date;
    }
    s.lastClose = close;
  }

  /** Divides the stored closes by a split's ratio (2 for a 2-for-1 split). */
  split(symbol: string, ratio: number): void {
    const s = this.#symbols.get(symbol);
    if (s === undefined) return;
    s.lastClose /= ratio;
    s.sessionClose /= ratio;
  }

  /** σ_daily as a fraction (0.02 = 2 % a day) for a fill at `time`. */
  sigma(symbol: string, time: number): number {
    const s = this.#symbols.get(symbol);
    if (s === undefined) return this.#fallback;
    // A session that has ended (the fill is in a later one) counts with its last close.
    const pending =
      sessionDate(time) !== s.date && s.sessionClose > 0 && s.lastClose > 0
        ? Math.log(s.lastClose / s.sessionClose)
        : Number.NaN;
    const extra = Number.isNaN(pending) ? 0 : 1;
    const n = Math.min(s.count + extra, this.#window);
    if (n < this.#minReturns) return this.#fallback;
    const w = this.#window;
    // The newest n returns: the pending one (if any) and the newest n - extra in the ring.
    let sum = extra === 1 ? pending : 0;
    for (let j = 1; j <= n - extra; j++) sum += s.returns[(s.next - j + w) % w]!;
    const mean = sum / n;
    let sq = extra === 1 ? (pending - mean) ** 2 : 0;
    for (let j = 1; j <= n - extra; j++) sq += (s.returns[(s.next - j + w) % w]! - mean) ** 2;
    return Math.sqrt(sq / (n - 1));
  }

  #push(s: SymbolState, r: number): void {
    s.returns[s.next] = r;
    s.next = (s.next + 1) % this.#window;
    if (s.count < this.#window) s.count++;
  }
}
