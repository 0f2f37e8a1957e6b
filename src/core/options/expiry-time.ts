/**
 * Option expiry instants and the ACT/365 year fraction used for time to expiry.
 *
 * A US equity option is valued as expiring at **16:00 America/New_York on its expiry date**
 * (the close of its last trading day). The New York offset comes from `session.ts`, which
 * applies the US daylight-saving rules in force since 2007 without `Intl`.
 */
import { newYorkToEpoch } from '../session.ts';

/** Milliseconds per calendar day. */
export const MS_PER_DAY = 86_400_000;
/** Milliseconds per ACT/365 year. */
export const MS_PER_YEAR = 365 * MS_PER_DAY;

/** A calendar date. */
export interface CalendarDate {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** 1–31. */
  readonly day: number;
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Parses a `YYYY-MM-DD` date, or returns undefined if it is not one or not a real calendar date. */
export function parseIsoDate(text: string): CalendarDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/**
 * The instant an option expiring on `expiry` (`YYYY-MM-DD`) is valued as expiring: 16:00
 * America/New_York that day, in epoch milliseconds (UTC). Undefined if `expiry` is not a date.
 */
export function expiryEpochMs(expiry: string): number | undefined {
  return parseIsoDate(expiry) === undefined ? undefined : newYorkToEpoch(expiry, '16:00');
}

/** ACT/365 year fraction from `fromMs` to `toMs` (epoch milliseconds); negative if `toMs` is earlier. */
export function yearFraction(fromMs: number, toMs: number): number {
  return (toMs - fromMs) / MS_PER_YEAR;
}
