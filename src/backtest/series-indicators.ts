/**
 * Indicators computed over a symbol's bar history in typed arrays. Window indicators sum their
 * window on each call (exact, no drift, O(period)); recursive ones (EMA, RSI) are cached per
 * symbol and advanced from where they stopped, so each bar is folded in once.
 */

/** Mean of `values[end − period + 1 … end]`; NaN when the window starts before the data. */
export function windowMean(values: Float64Array, end: number, period: number): number {
  const start = end - period + 1;
  if (start < 0 || period < 1) return Number.NaN;
  let sum = 0;
  for (let i = start; i <= end; i++) sum += values[i]!;
  return sum / period;
}

/** Largest (or smallest) of `values[end − period + 1 … end]`; NaN when the window starts before the data. */
export function windowExtreme(values: Float64Array, end: number, period: number, max: boolean): number {
  const start = end - period + 1;
  if (start < 0 || period < 1) return Number.NaN;
  let best = values[start]!;
  for (let i = start + 1; i <= end; i++) {
    const v = values[i]!;
    if (max ? v > best : v < best) best = v;
  }
  return best;
}

/** Simple average of the true range over `period` bars ending at `end` (needs `period` + 1 bars). */
export function atrMean(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  end: number,
  period: number,
): number {
  const start = end - period + 1;
  if (start < 1 || period < 1) return Number.NaN;
  let sum = 0;
  for (let i = start; i <= end; i++) {
    const prev = close[i - 1]!;
    const h = high[i]!;
    const l = low[i]!;
    sum += Math.max(h - l, Math.abs(h - prev), Math.abs(l - prev));
  }
  return sum / period;
}

/** State of a recursive indicator folded up to `index`. */
interface Recursive {
  index: number;
  value: number;
  /** Extra state (RSI: average gain and loss). */
  a: number;
  b: number;
}

/** Caches recursive indicators per (symbol, kind, period) and advances them lazily. */
export class RecursiveIndicators {
  readonly #cache = new Map<string, Recursive>();

  /** Forgets a symbol's cached values (after a split rescaled its history). */
  invalidate(symbol: string): void {
    for (const key of this.#cache.keys()) if (key.startsWith(`${symbol}|`)) this.#cache.delete(key);
  }

  /** EMA of `close` at `end`, seeded with the mean of the first `period` values. */
  ema(symbol: string, close: Float64Array, end: number, period: number): number {
    if (end < period - 1 || period < 1) return Number.NaN;
    const s = this.#state(symbol, 'ema', period);
    const k = 2 / (period + 1);
    if (s.index < 0) {
      s.value = windowMean(close, period - 1, period);
      s.index = period - 1;
    }
    for (let i = s.index + 1; i <= end; i++) s.value += k * (close[i]! - s.value);
    s.index = Math.max(s.index, end);
    return s.value;
  }

  /** Wilder's RSI (0–100) of `close` at `end`. */
  rsi(symbol: string, close: Float64Array, end: number, period: number): number {
    if (end < period || period < 1) return Number.NaN;
    const s = this.#state(symbol, 'rsi', period);
    if (s.index < 0) {
      let gain = 0;
      let loss = 0;
      for (let i = 1; i <= period; i++) {
        const d = close[i]! - close[i - 1]!;
        if (d > 0) gain += d;
        else loss -= d;
      }
      s.a = gain / period;
      s.b = loss / period;
      s.index = period;
    }
    for (let i = s.index + 1; i <= end; i++) {
      const d = close[i]! - close[i - 1]!;
      s.a = (s.a * (period - 1) + Math.max(d, 0)) / period;
      s.b = (s.b * (period - 1) + Math.max(-d, 0)) / period;
    }
    s.index = Math.max(s.index, end);
    s.value = s.b === 0 ? (s.a === 0 ? 50 : 100) : 100 - 100 / (1 + s.a / s.b);
    return s.value;
  }

  #state(symbol: string, kind: string, period: number): Recursive {
    const key = `${symbol}|${kind}|${period}`;
    let s = this.#cache.get(key);
    if (s === undefined) this.#cache.set(key, (s = { index: -1, value: Number.NaN, a: 0, b: 0 }));
    return s;
  }
}
