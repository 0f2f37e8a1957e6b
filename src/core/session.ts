/**
 * The US equity trading day in America/New_York, computed without Intl so it is fast and
 * deterministic. US daylight saving time (since 2007) starts at 02:00 local on the second
 * Sunday of March and ends at 02:00 local on the first Sunday of November.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Day of month of the n-th Sunday (n ≥ 1) of a month (0-based month), in a UTC calendar. */
function nthSunday(year: number, month: number, n: number): number {
  const firstDow = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return 1 + ((7 - firstDow) % 7) + (n - 1) * 7;
}

const dstCache = new Map<number, readonly [number, number]>();

/** UTC instants [start, end) of daylight saving time in New York for a year. */
function dstBounds(year: number): readonly [number, number] {
  let bounds = dstCache.get(year);
  if (bounds === undefined) {
    // 02:00 EST = 07:00 UTC; 02:00 EDT = 06:00 UTC.
    const start = Date.UTC(year, 2, nthSunday(year, 2, 2), 7);
    const end = Date.UTC(year, 10, nthSunday(year, 10, 1), 6);
    bounds = [start, end] as const;
    dstCache.set(year, bounds);
  }
  return bounds;
}

// The UTC year of the last call and its DST bounds: instants arrive in time order, so most
// calls skip building a Date just to read the year.
let yearStart = 0;
let yearEnd = 0;
let dstStart = 0;
let dstEnd = 0;

/** Offset of New York local time from UTC in ms at an instant (−4 h or −5 h). */
export function newYorkOffsetMs(epochMs: number): number {
  if (!(epochMs >= yearStart && epochMs < yearEnd)) {
    const year = new Date(epochMs).getUTCFullYear();
    [dstStart, dstEnd] = dstBounds(year);
    yearStart = Date.UTC(year, 0, 1);
    yearEnd = Date.UTC(year + 1, 0, 1);
  }
  return epochMs >= dstStart && epochMs < dstEnd ? -4 * HOUR_MS : -5 * HOUR_MS;
}

/** New York wall-clock time expressed as a UTC-based epoch (for reading fields). */
export function newYorkWallClock(epochMs: number): Date {
  return new Date(epochMs + newYorkOffsetMs(epochMs));
}

/**
 * The trading-session date (`YYYY-MM-DD`) an instant belongs to: its calendar date in
 * America/New_York. A fill at 23:30 UTC in winter belongs to that New York day, not the next
 * UTC day.
 */
export function sessionDate(epochMs: number): string {
  // Marks arrive in time order, so the last answer is almost always still right.
  if (epochMs >= cachedStart && epochMs < cachedEnd) return cachedDate;
  const local = epochMs + newYorkOffsetMs(epochMs);
  const localMidnight = Math.floor(local / DAY_MS) * DAY_MS;
  const date = isoDate(localMidnight / DAY_MS);
  // The cached window is the part of this local day with the same UTC offset, so a DST switch
  // inside the day is simply a cache miss.
  const offset = local - epochMs;
  cachedStart = Math.max(localMidnight - offset, epochMs - (local - localMidnight));
  cachedEnd = Math.min(localMidnight + DAY_MS - offset, epochMs + 2 * HOUR_MS);
  cachedDate = date;
  return date;
}

let cachedStart = 0;
let cachedEnd = 0;
let cachedDate = '';

/**
 * `YYYY-MM-DD` of a day number (days since 1970-01-01) by civil-calendar arithmetic (H. Hinnant's
 * algorithm), which daily bars hit once per bar; far cheaper than a Date and `toISOString`.
 */
function isoDate(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 1000 || y > 9999) return new Date(days * DAY_MS).toISOString().slice(0, 10);
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/**
 * Converts a New York local date and time to an epoch. `time` is `HH:MM` or `HH:MM:SS`.
 */
export function newYorkToEpoch(date: string, time = '00:00'): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh = 0, mm = 0, ss = 0] = time.split(':').map(Number);
  const naive = Date.UTC(y, m - 1, d, hh, mm, ss);
  // Guess with standard time, then correct with the offset in force at that instant.
  const guess = naive + 5 * HOUR_MS;
  return naive - newYorkOffsetMs(guess);
}

/** True during the regular session, 09:30–16:00 New York time on weekdays (holidays ignored). */
export function isRegularHours(epochMs: number): boolean {
  const local = newYorkWallClock(epochMs);
  const dow = local.getUTCDay();
  if (dow === 0 || dow === 6) return false;
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  return minutes >= 570 && minutes < 960;
}
