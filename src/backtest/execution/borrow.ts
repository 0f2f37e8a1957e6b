import { sessionDate } from '../../core/session.ts';

const DAY_MS = 86_400_000;

/** The cost of borrowing shares to hold a short position. */
export interface BorrowModel {
  /** Annual borrow fee in percent of the short's market value (e.g. 0.25 for easy-to-borrow names). */
  readonly annualPercent: number;
  /** Days in the rate's year: 360 (US brokers' convention, default) or 365. */
  readonly dayCount?: 360 | 365;
}

/** What the fee is charged on: each open short's signed shares and last price. */
export interface ShortBook {
  shorts(): Iterable<{ readonly symbol: string; readonly qty: number; readonly price: number }>;
}

/**
 * Accrues the borrow fee of short positions held overnight, the way brokers charge it: at the
 * first event of each New York session date, every short still open pays
 * `|qty| × price × annualPercent / 100 / dayCount × calendarDays` for the calendar days since the
 * previous session date (3 over a weekend), at the last price of the previous session. A short
 * opened and closed within one session pays nothing.
 */
export class BorrowAccrual {
  /** Dollars charged so far. */
  paid = 0;
  readonly #rate: number;
  #date: string | undefined;

  constructor(model: BorrowModel) {
    if (!(model.annualPercent >= 0 && model.annualPercent <= 100))
      throw new RangeError(`borrow annualPercent must be from 0 to 100, got ${model.annualPercent}`);
    const dayCount = model.dayCount ?? 360;
    if (dayCount !== 360 && dayCount !== 365)
      throw new RangeError(`borrow dayCount must be 360 or 365, got ${dayCount}`);
    this.#rate = model.annualPercent / 100 / dayCount;
  }

  /** The fee due at `time` (0 unless a new session date starts); adds it to {@link paid}. */
  accrue(time: number, book: ShortBook): number {
    const date = sessionDate(time);
    const previous = this.#date;
    if (previous === date) return 0;
    this.#date = date;
    if (previous === undefined || this.#rate === 0) return 0;
    const days = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${previous}T00:00:00Z`)) / DAY_MS);
    let fee = 0;
    for (const s of book.shorts()) if (s.qty < 0) fee += -s.qty * s.price * this.#rate * days;
    this.paid += fee;
    return fee;
  }
}
