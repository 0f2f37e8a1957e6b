/**
 * The US equity trading day in America/New_York. UTC offsets come from the platform's time-zone
 * database (`Intl.DateTimeFormat`), so every date since 1970 is right, including the rules before
 * 2007 (first Sunday of April to last Sunday of October) and the 1974–75 energy-crisis years.
 * Intl is slow, so each UTC day is looked up once and cached: a backtest touches a few thousand
 * distinct days.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** Offset of New York local time from UTC at an instant, asked of the platform (slow path). */
function intlOffsetMs(epochMs: number): number {
  const f: Record<string, number> = {};
  for (const part of NEW_YORK.formatToParts(epochMs))
    if (part.type !== 'literal') f[part.type] = Number(part.value);
  const wall = Date.UTC(f.year!, f.month! - 1, f.day!, f.hour! % 24, f.minute!, f.second!);
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/**
 * A UTC day's offsets: `before` until `switchAt`, `after` from then on (equal on most days).
 * New York switches on the hour, so the switch is found by bisecting the day's hours.
 */
interface DayOffsets {
  readonly before: number;
  readonly switchAt: number;
  readonly after: number;
}

const dayCache = new Map<number, DayOffsets>();

function dayOffsets(day: number): DayOffsets {
  let offsets = dayCache.get(day);
  if (offsets !== undefined) return offsets;
  const start = day * DAY_MS;
  const before = intlOffsetMs(start);
  const after = intlOffsetMs(start + DAY_MS - 1);
  let switchAt = start + DAY_MS;
  if (before !== after) {
    let lo = 0; // hour known to have `before`
    let hi = 24; // hour known to have `after` (24 = the end of the day)
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (intlOffsetMs(start + mid * HOUR_MS) === before) lo = mid;
      else hi = mid;
    }
    switchAt = start + hi * HOUR_MS;
  }
  offsets = { before, switchAt, after };
  dayCache.set(day, offsets);
  return offsets;
}

// The UTC day of the last call: instants arrive in time order, so most calls hit it.
let lastDay = Number.NaN;
let lastOffsets: DayOffsets = { before: 0, switchAt: 0, after: 0 };

/** Offset of New York local time from UTC in ms at an instant (−4 h or −5 h). */
export function newYorkOffsetMs(epochMs: number): number {
  const day = Math.floor(epochMs / DAY_MS);
  if (day !== lastDay) {
    lastOffsets = dayOffsets(day);
    lastDay = day;
  }
  return epochMs < lastOffsets.switchAt ? lastOffsets.before : lastOffsets.after;
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

/** UTC midnight of each `YYYY-MM-DD` seen (the loader converts one per CSV row). */
const dateCache = new Map<string, number>();

/**
 * Converts a New York local date and time to an epoch. `time` is `HH:MM` or `HH:MM:SS`.
 */
export function newYorkToEpoch(date: string, time = '00:00'): number {
  let midnight = dateCache.get(date);
  if (midnight === undefined) {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    midnight = Date.UTC(y, m - 1, d);
    dateCache.set(date, midnight);
  }
  const [hh = 0, mm = 0, ss = 0] = time.split(':').map(Number);
  const naive = midnight + hh * HOUR_MS + mm * 60_000 + ss * 1000;
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
