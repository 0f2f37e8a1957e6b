import { newYorkToEpoch } from '../../core/session.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

const EPOCH = /^\d+(?:\.\d+)?$/;

/**
 * Epoch timestamps are told apart by magnitude, both ranges spanning 1973-03-03 to 2286-11-20:
 * 1e8 ≤ n < 1e10 is seconds (a fraction allowed), 1e11 ≤ n < 1e13 is whole milliseconds.
 * Anything else is refused rather than guessed: below 1e8 (e.g. a YYYYMMDD date), between the
 * ranges, or from 1e13 up (microseconds, nanoseconds).
 */
export function parseEpoch(text: string): number | string {
  const n = Number(text);
  if (n >= 1e8 && n < 1e10) return Math.round(n * 1000);
  if (n >= 1e11 && n < 1e13) {
    if (!Number.isInteger(n)) return `epoch milliseconds must be a whole number of milliseconds, got ${text}`;
    return n;
  }
  const rule = 'epoch seconds are from 1e8 to 1e10 and epoch milliseconds from 1e11 to 1e13 (1973–2286)';
  if (n < 1e8)
    return `${text} is too small for epoch seconds (a YYYYMMDD date? write it YYYY-MM-DD); ${rule}`;
  if (n < 1e11) return `${text} lies between the epoch-seconds range and the milliseconds range, so its unit is ambiguous; ${rule}`;
  return `${text} looks like epoch microseconds or nanoseconds; convert to seconds or milliseconds (${rule})`;
}

/** Minutes after midnight of the regular session's open (09:30 New York). */
export const SESSION_OPEN = '09:30';
/** When a daily index close such as the VIX is known: 16:15 New York. */
export const INDEX_CLOSE = '16:15';

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/**
 * Parses a time cell: `YYYY-MM-DD` (at `dateTime`, New York), `YYYY-MM-DD HH:MM[:SS]`
 * (New York wall clock), ISO-8601 with an offset, or an epoch number in seconds or
 * milliseconds (see {@link parseEpoch}). Returns epoch ms, or an error message.
 */
export function parseTimeCell(text: string, dateTime = SESSION_OPEN): number | string {
  if (isCalendarDate(text)) return newYorkToEpoch(text, dateTime);
  if (EPOCH.test(text)) return parseEpoch(text);
  const local = LOCAL.exec(text);
  if (local !== null) {
    if (!isCalendarDate(local[1]!)) return `not a calendar date: "${text}"`;
    return newYorkToEpoch(local[1]!, local[2]!);
  }
  if (WITH_OFFSET.test(text)) {
    const t = Date.parse(text);
    if (Number.isFinite(t)) return t;
  }
  return `expected a date YYYY-MM-DD, a New York time YYYY-MM-DD HH:MM, ISO-8601 with an offset, or epoch seconds or milliseconds; got "${text}"`;
}

const timeCache = new Map<string, Map<string, number | string>>();
/** Distinct cells remembered per time of day before the cache starts afresh (bounds memory). */
const TIME_CACHE_LIMIT = 100_000;

/**
 * {@link parseTimeCell} remembering each distinct cell's answer: a file of daily bars, or a
 * folder of files sharing a calendar, parses each date once rather than once per row.
 */
export function parseTimeCellCached(text: string, dateTime = SESSION_OPEN): number | string {
  let cache = timeCache.get(dateTime);
  if (cache === undefined) timeCache.set(dateTime, (cache = new Map()));
  let t = cache.get(text);
  if (t === undefined) {
    t = parseTimeCell(text, dateTime);
    if (cache.size >= TIME_CACHE_LIMIT) cache.clear();
    cache.set(text, t);
  }
  return t;
}

/**
 * Parses a user-supplied bound such as `--from 2006-01-01`: a date means that day's New York
 * midnight (for `from`) or the end of that day (for `to`, `endOfDay`).
 */
export function parseBound(text: string, endOfDay: boolean): number | string {
  if (isCalendarDate(text)) {
    if (!endOfDay) return newYorkToEpoch(text, '00:00');
    const next = new Date(Date.parse(`${text}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return newYorkToEpoch(next, '00:00') - 1;
  }
  return parseTimeCell(text);
}

const DAY_MS = 86_400_000;

/** True when an epoch ms is exactly 00:00 UTC (how exchanges stamp daily candles). */
export function isUtcMidnight(time: number): boolean {
  return time % DAY_MS === 0;
}

/** A 00:00 UTC daily stamp as that date at `dateTime` New York, like a `YYYY-MM-DD` cell. */
export function utcDateAt(time: number, dateTime = SESSION_OPEN): number {
  return newYorkToEpoch(new Date(time).toISOString().slice(0, 10), dateTime);
}
