import { newYorkToEpoch, sessionDate } from '../session.ts';

/**
 * The New York Stock Exchange's trading days, holidays and early closes, computed from the
 * exchange's rules rather than read from a list that must be refreshed each year.
 *
 * Sources: NYSE Rule 7.2 ("Holidays") and the exchange's published holiday and early-close
 * schedule (nyse.com/markets/hours-calendars), and the NYSE's own list of historical market
 * closings for the special closures. Rules:
 *
 * - Full holidays: New Year's Day, Martin Luther King Jr. Day (third Monday of January, from
 *   1998), Washington's Birthday (third Monday of February), Good Friday, Memorial Day (last
 *   Monday of May), Juneteenth (June 19, from 2022), Independence Day, Labor Day (first Monday
 *   of September), Thanksgiving (fourth Thursday of November), Christmas; and Election Day in
 *   the presidential years 1972, 1976 and 1980 (the exchange stopped closing after 1980).
 * - Weekend observance: a holiday on a Sunday is observed the Monday after and one on a Saturday
 *   the Friday before — except New Year's Day on a Saturday, which is not observed (the Friday
 *   before ends a month and a year, so the exchange trades: 2010-12-31 and 2021-12-31 did).
 * - Early closes at 13:00: July 3 on a Monday, Tuesday or Thursday (from 1995) or Wednesday
 *   (from 2013); July 5 on a Friday from 1995 to 2012 (the Friday after a Thursday holiday); the
 *   day after Thanksgiving (from 1993); December 24 on a Monday to Thursday (from 1999).
 * - Special closures: 1972-12-28 (President Truman's funeral), 1973-01-25 (President Johnson),
 *   1977-07-14 (New York City blackout), 1985-09-27 (Hurricane Gloria), 1994-04-27 (President
 *   Nixon), 2001-09-11 to 2001-09-14 (the attacks on the World Trade Center), 2004-06-11
 *   (President Reagan), 2007-01-02 (President Ford), 2012-10-29 and 2012-10-30 (Hurricane Sandy),
 *   2018-12-05 (President George H. W. Bush), 2025-01-09 (President Carter).
 *
 * The regular session is 09:30–16:00 New York time on every trading day covered (the exchange
 * opened at 10:00 before 1985-09-30; bars before then are still stamped at 09:30). Dates are
 * `YYYY-MM-DD` New York calendar dates; the calendar is exact from 1970.
 */

/** One trading day: its date, the open and close instants (epoch ms), and whether it closes early. */
export interface ExchangeSession {
  readonly date: string;
  readonly open: number;
  readonly close: number;
  readonly earlyClose: boolean;
}

/** Special closures outside the holiday rules, with why (see the sources above). */
export const SPECIAL_CLOSURES: Readonly<Record<string, string>> = {
  '1972-12-28': 'funeral of President Truman',
  '1973-01-25': 'funeral of President Johnson',
  '1977-07-14': 'New York City blackout',
  '1985-09-27': 'Hurricane Gloria',
  '1994-04-27': 'funeral of President Nixon',
  '2001-09-11': 'attacks on the World Trade Center',
  '2001-09-12': 'attacks on the World Trade Center',
  '2001-09-13': 'attacks on the World Trade Center',
  '2001-09-14': 'attacks on the World Trade Center',
  '2004-06-11': 'national day of mourning for President Reagan',
  '2007-01-02': 'national day of mourning for President Ford',
  '2012-10-29': 'Hurricane Sandy',
  '2012-10-30': 'Hurricane Sandy',
  '2018-12-05': 'national day of mourning for President George H. W. Bush',
  '2025-01-09': 'national day of mourning for President Carter',
};

const DAY_MS = 86_400_000;

function iso(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

/** Day of month of the n-th given weekday (0 = Sunday) of a month; n = −1 for the last. */
function nthWeekday(y: number, m: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
    return 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
  }
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lastDow = new Date(Date.UTC(y, m - 1, lastDay)).getUTCDay();
  return lastDay - ((lastDow - weekday + 7) % 7);
}

/** Easter Sunday (Gregorian; the anonymous algorithm of Meeus/Jones/Butcher) as [month, day]. */
function easter(y: number): [number, number] {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

/** A fixed-date holiday moved off a weekend: Saturday → Friday, Sunday → Monday. */
function observed(y: number, m: number, d: number): string {
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (dow === 6) return iso(y, m, d - 1);
  if (dow === 0) return iso(y, m, d + 1);
  return iso(y, m, d);
}

const holidayCache = new Map<number, ReadonlyMap<string, string>>();

/** The exchange's full-day holidays of a year (observed dates), with their names. */
export function nyseHolidays(year: number): ReadonlyMap<string, string> {
  let holidays = holidayCache.get(year);
  if (holidays !== undefined) return holidays;
  const h = new Map<string, string>();
  // New Year's Day: a Saturday one is not observed on the Friday before.
  const newYearDow = new Date(Date.UTC(year, 0, 1)).getUTCDay();
  if (newYearDow !== 6) h.set(observed(year, 1, 1), "New Year's Day");
  if (year >= 1998) h.set(iso(year, 1, nthWeekday(year, 1, 1, 3)), 'Martin Luther King Jr. Day');
  h.set(
    year >= 1971 ? iso(year, 2, nthWeekday(year, 2, 1, 3)) : observed(year, 2, 22),
    "Washington's Birthday",
  );
  const [em, ed] = easter(year);
  h.set(iso(year, em, ed - 2), 'Good Friday');
  h.set(year >= 1971 ? iso(year, 5, nthWeekday(year, 5, 1, -1)) : observed(year, 5, 30), 'Memorial Day');
  if (year >= 2022) h.set(observed(year, 6, 19), 'Juneteenth');
  h.set(observed(year, 7, 4), 'Independence Day');
  h.set(iso(year, 9, nthWeekday(year, 9, 1, 1)), 'Labor Day');
  if (year === 1972 || year === 1976 || year === 1980)
    h.set(iso(year, 11, nthWeekday(year, 11, 1, 1) + 1), 'Election Day');
  h.set(iso(year, 11, nthWeekday(year, 11, 4, 4)), 'Thanksgiving Day');
  h.set(observed(year, 12, 25), 'Christmas Day');
  holidays = h;
  holidayCache.set(year, holidays);
  return holidays;
}

/** Why the exchange is closed on a date (a holiday, a special closure or the weekend), or null. */
export function closedReason(date: string): string | null {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (dow === 0 || dow === 6) return 'weekend';
  // A Saturday New Year's Day of next year is not observed, so only this year's list matters.
  return nyseHolidays(y).get(date) ?? SPECIAL_CLOSURES[date] ?? null;
}

/** True when the exchange trades on a `YYYY-MM-DD` New York date. */
export function isTradingDay(date: string): boolean {
  return closedReason(date) === null;
}

/** True when a trading day closes at 13:00 (see the rules above). */
export function isEarlyClose(date: string): boolean {
  if (!isTradingDay(date)) return false;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (m === 7 && d === 3) return y >= 2013 ? dow >= 1 && dow <= 4 : y >= 1995 && dow !== 3;
  if (m === 7 && d === 5) return y >= 1995 && y <= 2012 && dow === 5;
  if (m === 11 && dow === 5 && y >= 1993) return d === nthWeekday(y, 11, 4, 4) + 1;
  if (m === 12 && d === 24) return y >= 1999 && dow >= 1 && dow <= 4;
  return false;
}

const sessionCache = new Map<string, ExchangeSession | null>();

/** The session of a date, or null when the exchange is closed that day. */
export function exchangeSession(date: string): ExchangeSession | null {
  let session = sessionCache.get(date);
  if (session !== undefined) return session;
  if (!isTradingDay(date)) session = null;
  else {
    const earlyClose = isEarlyClose(date);
    session = {
      date,
      open: newYorkToEpoch(date, '09:30'),
      close: newYorkToEpoch(date, earlyClose ? '13:00' : '16:00'),
      earlyClose,
    };
  }
  sessionCache.set(date, session);
  return session;
}

/** The first trading day strictly after a date. */
export function nextTradingDay(date: string): string {
  let t = Date.parse(`${date}T00:00:00Z`);
  for (let i = 0; i < 30; i++) {
    t += DAY_MS;
    const next = new Date(t).toISOString().slice(0, 10);
    if (isTradingDay(next)) return next;
  }
  throw new RangeError(`no trading day within 30 days after ${date}`);
}

/**
 * The open of the first session after the trading day an instant belongs to (its New York date):
 * when a `next-session` latch re-arms.
 */
export function nextSessionOpen(epochMs: number): number {
  return exchangeSession(nextTradingDay(sessionDate(epochMs)))!.open;
}
