import type { MarketClock } from '../../broker/market-types.ts';
import { exchangeSession } from '../../core/calendar/nyse-calendar.ts';
import { newYorkToEpoch, newYorkWallClock, sessionDate } from '../../core/session.ts';
import { wireTime } from './render.ts';

/** The markets `GET /v3/clock` answers for: the US equity venues, which share one schedule. */
const MARKETS = {
  NYSE: { acronym: 'NYSE', mic: 'XNYS', name: 'New York Stock Exchange', timezone: 'America/New_York' },
  NASDAQ: { acronym: 'NASDAQ', mic: 'XNAS', name: 'NASDAQ', timezone: 'America/New_York' },
} as const;

type MarketCode = keyof typeof MARKETS;

/** Market codes accepted in `markets`, by the acronym or the MIC. */
const CODES: Readonly<Record<string, MarketCode>> = {
  NYSE: 'NYSE',
  XNYS: 'NYSE',
  NASDAQ: 'NASDAQ',
  XNAS: 'NASDAQ',
};

/** What `markets` may hold, for error messages. */
export const ACCEPTED_MARKETS = 'a comma-separated list of NYSE, XNYS, NASDAQ, XNAS';

/** The phase of the US equity day: pre-market 04:00–09:30, core, post-market 16:00–20:00 New York. */
export type MarketPhase = 'pre' | 'core' | 'post' | 'closed';

/**
 * Parses `markets`: undefined for the default (NYSE), the codes asked for in order, or null
 * when one is not a market the gateway serves.
 */
export function parseMarkets(value: string | undefined): MarketCode[] | null {
  if (value === undefined) return ['NYSE'];
  const codes = value.split(',').map((code) => CODES[code.trim()]);
  if (codes.length === 0 || codes.some((code) => code === undefined)) return null;
  return [...new Set(codes as MarketCode[])];
}

/**
 * The phase of the market at `clock.timestamp` and when it ends: the broker's clock says whether
 * the core session is open and when the next one opens and closes; the extended-hours phases
 * around it follow the New York schedule of the NYSE calendar: post-market from the session's
 * close (16:00, or 13:00 on an early close) to 20:00 (17:00 after an early close), none on a
 * holiday or weekend.
 */
export function marketPhase(clock: MarketClock): { phase: MarketPhase; until: number; isMarketDay: boolean } {
  const now = clock.timestamp;
  const today = sessionDate(now);
  if (clock.isOpen) return { phase: 'core', until: clock.nextClose, isMarketDay: true };
  const local = newYorkWallClock(now);
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  const opensToday = sessionDate(clock.nextOpen) === today;
  if (opensToday && minutes >= 240) return { phase: 'pre', until: clock.nextOpen, isMarketDay: true };
  const session = exchangeSession(today);
  if (session !== null && !opensToday && now >= session.close) {
    const postEnd = newYorkToEpoch(today, session.earlyClose ? '17:00' : '20:00');
    if (now < postEnd) return { phase: 'post', until: postEnd, isMarketDay: true };
  }
  const preStart = newYorkToEpoch(sessionDate(clock.nextOpen), '04:00');
  return { phase: 'closed', until: preStart > now ? preStart : clock.nextOpen, isMarketDay: opensToday };
}

/** `GET /v3/clock` in the broker's wire shape, one clock per market asked for. */
export function renderClockV3(clock: MarketClock, markets: readonly MarketCode[]): Record<string, unknown> {
  const { phase, until, isMarketDay } = marketPhase(clock);
  return {
    clocks: markets.map((code) => ({
      market: { ...MARKETS[code] },
      timestamp: wireTime(clock.timestamp),
      is_market_day: isMarketDay,
      next_market_open: wireTime(clock.nextOpen),
      next_market_close: wireTime(clock.nextClose),
      phase,
      phase_until: wireTime(until),
    })),
  };
}
