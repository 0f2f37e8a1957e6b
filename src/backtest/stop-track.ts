import type { ExposureBook } from '../core/book.ts';

/** Protective stop levels of one symbol over time: each change, NaN from when there was none. */
export interface StopHistory {
  readonly time: number[];
  readonly level: number[];
}

/**
 * Records each open position's protective stop after every slice, as changes only (a trailing
 * stop that moves daily adds one point a day), for the report's price charts. The same walk
 * of the book sums the positions' gross value for the equity curve, so a slice walks the
 * symbols once rather than twice.
 */
export class StopTrack {
  readonly bySymbol: Record<string, StopHistory> = {};
  private readonly last = new Map<string, number>();
  private withStop = 0;

  /** Records the stops at `time`; returns the gross value of open positions in dollars. */
  record(time: number, book: ExposureBook): number {
    if (book.openPositions === 0 && this.withStop === 0) return 0;
    let gross = 0;
    for (const [symbol, entry] of book.symbols) {
      const p = entry.position;
      if (p !== undefined && p.qty !== 0)
        gross += Math.abs(p.qty * entry.price * entry.instrument.multiplier);
      const level = p !== undefined && p.qty !== 0 && p.stop !== undefined ? p.stop : Number.NaN;
      const before = this.last.get(symbol) ?? Number.NaN;
      if (level === before || (Number.isNaN(level) && Number.isNaN(before))) continue;
      this.last.set(symbol, level);
      this.withStop += (Number.isNaN(level) ? 0 : 1) - (Number.isNaN(before) ? 0 : 1);
      const h = (this.bySymbol[symbol] ??= { time: [], level: [] });
      h.time.push(time);
      h.level.push(level);
    }
    return gross;
  }
}
