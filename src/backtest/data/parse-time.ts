import { newYorkToEpoch } from '../../core/session.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

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
 * (New York wall clock) or ISO-8601 with an offset. Returns epoch ms, or an error message.
 */
export function parseTimeCell(text: string, dateTime = SESSION_OPEN): number | string {
  if (isCalendarDate(text)) return newYorkToEpoch(text, dateTime);
  const local = LOCAL.exec(text);
  if (local !== null) {
    if (!isCalendarDate(local[1]!)) return `not a calendar date: "${text}"`;
    return newYorkToEpoch(local[1]!, local[2]!);
  }
  if (WITH_OFFSET.test(text)) {
    const t = Date.parse(text);
    if (Number.isFinite(t)) return t;
  }
  return `expected a date YYYY-MM-DD, a New York time YYYY-MM-DD HH:MM, or ISO-8601 with an offset; got "${text}"`;
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
