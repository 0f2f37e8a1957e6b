import type { ExposureBook } from '../core/book.ts';

/** Protective stop levels of one symbol over time: each change, NaN from when there was none. */
export interface StopHistory {
  readonly time: number[];
  readonly level: number[];
}

/**
 * Records each open position's protective stop after every slice, as changes only (a trailing
 * stop that moves daily adds one point a day), for the report's price charts.
 */
export class StopTrack {
  readonly bySymbol: Record<string, StopHistory> = {};
  private readonly last = new Map<string, number>();
  private withStop = 0;

  record(time: number, book: ExposureBook): void {
    if (book.openPositions === 0 && this.withStop === 0) return;
    for (const [symbol, entry] of book.symbols) {
      const p = entry.position;
      const level = p !== undefined && p.qty !== 0 && p.stop !== undefined ? p.stop : Number.NaN;
      const before = this.last.get(symbol) ?? Number.NaN;
      if (level === before || (Number.isNaN(level) && Number.isNaN(before))) continue;
      this.last.set(symbol, level);
      this.withStop += (Number.isNaN(level) ? 0 : 1) - (Number.isNaN(before) ? 0 : 1);
      const h = (this.bySymbol[symbol] ??= { time: [], level: [] });
      h.time.push(time);
      h.level.push(level);
    }
  }
}
