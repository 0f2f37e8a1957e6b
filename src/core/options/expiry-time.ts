/**
 * Option expiry instants and the ACT/365 year fraction used for time to expiry.
 *
 * A US equity option is valued as expiring at **16:00 America/New_York on its expiry date**
 * (the close of its last trading day). The New York UTC offset is computed here from the US
 * daylight-saving rules rather than from `Intl`, so the result does not depend on the ICU data
 * of the runtime: from 2007, DST runs from the second Sunday of March to the first Sunday of
 * November; 1987–2006, first Sunday of April to last Sunday of October; before 1987, last Sunday
 * of April to last Sunday of October (the 1974–75 emergency year-round DST is not modelled).
 * At 16:00 the switch of that day's early morning has already happened.
 */

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

/** Day of the week, 0 = Sunday … 6 = Saturday. */
function weekday(year: number, month: number, day: number): number {
  const days = Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
  // 1970-01-01 was a Thursday (4).
  return (((days + 4) % 7) + 7) % 7;
}

/** Day of the month of the n-th Sunday (n ≥ 1). */
function nthSunday(year: number, month: number, n: number): number {
  return 1 + ((7 - weekday(year, month, 1)) % 7) + 7 * (n - 1);
}

/** Day of the month of the last Sunday. */
function lastSunday(year: number, month: number): number {
  const last = daysInMonth(year, month);
  return last - weekday(year, month, last);
}

/** Whether New York keeps daylight time (UTC−4) at 16:00 local on the given date. */
export function isNewYorkDaylightTime(date: CalendarDate): boolean {
  const { year, month, day } = date;
  let start: [number, number];
  let end: [number, number];
  if (year >= 2007) {
    start = [3, nthSunday(year, 3, 2)];
    end = [11, nthSunday(year, 11, 1)];
  } else if (year >= 1987) {
    start = [4, nthSunday(year, 4, 1)];
    end = [10, lastSunday(year, 10)];
  } else {
    start = [4, lastSunday(year, 4)];
    end = [10, lastSunday(year, 10)];
  }
  const key = month * 100 + day;
  return key >= start[0] * 100 + start[1] && key < end[0] * 100 + end[1];
}

/**
 * The instant an option expiring on `expiry` (`YYYY-MM-DD`) is valued as expiring: 16:00
 * America/New_York that day, in epoch milliseconds (UTC). Undefined if `expiry` is not a date.
 */
export function expiryEpochMs(expiry: string): number | undefined {
  const date = parseIsoDate(expiry);
  if (date === undefined) return undefined;
  const utcHour = isNewYorkDaylightTime(date) ? 20 : 21;
  return Date.UTC(date.year, date.month - 1, date.day, utcHour);
}

/** ACT/365 year fraction from `fromMs` to `toMs` (epoch milliseconds); negative if `toMs` is earlier. */
export function yearFraction(fromMs: number, toMs: number): number {
  return (toMs - fromMs) / MS_PER_YEAR;
}
