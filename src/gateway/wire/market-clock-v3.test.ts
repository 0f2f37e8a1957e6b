import { describe, expect, it } from 'vitest';
import { newYorkToEpoch } from '../../core/session.ts';
import { marketPhase, parseMarkets, renderClockV3 } from './market-clock-v3.ts';

// Tuesday 2026-03-10 and Wednesday 2026-03-11 (New York daylight time), and the weekend after.
const at = (date: string, time: string) => newYorkToEpoch(date, time);
const tuesdayOpen = at('2026-03-10', '09:30');
const tuesdayClose = at('2026-03-10', '16:00');
const wednesdayOpen = at('2026-03-11', '09:30');
const wednesdayClose = at('2026-03-11', '16:00');
const mondayOpen = at('2026-03-16', '09:30');
const mondayClose = at('2026-03-16', '16:00');

describe('the phase of the US equity market', () => {
  it('is pre-market from 04:00 until the open of a market day', () => {
    const clock = {
      timestamp: at('2026-03-10', '08:00'),
      isOpen: false,
      nextOpen: tuesdayOpen,
      nextClose: tuesdayClose,
    };
    expect(marketPhase(clock)).toEqual({ phase: 'pre', until: tuesdayOpen, isMarketDay: true });
  });

  it('is core while the broker says the market is open, until its close', () => {
    const clock = {
      timestamp: at('2026-03-10', '11:00'),
      isOpen: true,
      nextOpen: wednesdayOpen,
      nextClose: tuesdayClose,
    };
    expect(marketPhase(clock)).toEqual({ phase: 'core', until: tuesdayClose, isMarketDay: true });
  });

  it('is post-market from the close until 20:00, then closed until 04:00 of the next market day', () => {
    const post = {
      timestamp: at('2026-03-10', '17:00'),
      isOpen: false,
      nextOpen: wednesdayOpen,
      nextClose: wednesdayClose,
    };
    expect(marketPhase(post)).toEqual({ phase: 'post', until: at('2026-03-10', '20:00'), isMarketDay: true });
    const night = { ...post, timestamp: at('2026-03-10', '21:00') };
    expect(marketPhase(night)).toEqual({
      phase: 'closed',
      until: at('2026-03-11', '04:00'),
      isMarketDay: false,
    });
    const early = { ...post, timestamp: at('2026-03-11', '02:00') };
    expect(marketPhase(early)).toEqual({
      phase: 'closed',
      until: at('2026-03-11', '04:00'),
      isMarketDay: true,
    });
  });

  it('is closed over the weekend, and Saturday is not a market day', () => {
    const clock = {
      timestamp: at('2026-03-14', '12:00'),
      isOpen: false,
      nextOpen: mondayOpen,
      nextClose: mondayClose,
    };
    expect(marketPhase(clock)).toEqual({
      phase: 'closed',
      until: at('2026-03-16', '04:00'),
      isMarketDay: false,
    });
  });
});

describe('the phase on holidays and early closes (NYSE calendar)', () => {
  it('has no post-market on a holiday: Thanksgiving 2026 is closed all day and not a market day', () => {
    const clock = {
      timestamp: at('2026-11-26', '17:00'),
      isOpen: false,
      nextOpen: at('2026-11-27', '09:30'),
      nextClose: at('2026-11-27', '13:00'),
    };
    expect(marketPhase(clock)).toEqual({
      phase: 'closed',
      until: at('2026-11-27', '04:00'),
      isMarketDay: false,
    });
  });

  it('starts the post-market at the 13:00 early close and ends it at 17:00', () => {
    const clock = {
      timestamp: at('2026-11-27', '14:00'),
      isOpen: false,
      nextOpen: at('2026-11-30', '09:30'),
      nextClose: at('2026-11-30', '16:00'),
    };
    expect(marketPhase(clock)).toEqual({
      phase: 'post',
      until: at('2026-11-27', '17:00'),
      isMarketDay: true,
    });
    expect(marketPhase({ ...clock, timestamp: at('2026-11-27', '18:00') })).toEqual({
      phase: 'closed',
      until: at('2026-11-30', '04:00'),
      isMarketDay: false,
    });
  });
});

describe('the markets of /v3/clock', () => {
  it('default to NYSE, accept acronyms and MICs, and refuse anything else', () => {
    expect(parseMarkets(undefined)).toEqual(['NYSE']);
    expect(parseMarkets('XNAS,NYSE,XNYS')).toEqual(['NASDAQ', 'NYSE']);
    expect(parseMarkets('LSE')).toBeNull();
    expect(parseMarkets('nyse')).toBeNull();
    expect(parseMarkets('')).toBeNull();
  });

  it('render one clock per market in the wire shape', () => {
    const clock = {
      timestamp: at('2026-03-10', '11:00'),
      isOpen: true,
      nextOpen: wednesdayOpen,
      nextClose: tuesdayClose,
    };
    expect(renderClockV3(clock, ['NYSE'])).toEqual({
      clocks: [
        {
          market: {
            acronym: 'NYSE',
            mic: 'XNYS',
            name: 'New York Stock Exchange',
            timezone: 'America/New_York',
          },
          timestamp: '2026-03-10T15:00:00.000000000Z',
          is_market_day: true,
          next_market_open: '2026-03-11T13:30:00.000000000Z',
          next_market_close: '2026-03-10T20:00:00.000000000Z',
          phase: 'core',
          phase_until: '2026-03-10T20:00:00.000000000Z',
        },
      ],
    });
  });
});
