import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newYorkToEpoch } from '../session.ts';
import {
  closedReason,
  exchangeSession,
  isEarlyClose,
  isTradingDay,
  nextSessionOpen,
  nextTradingDay,
  nyseHolidays,
} from './nyse-calendar.ts';

describe('NYSE calendar', () => {
  it('lists the 2024 holidays the exchange published', () => {
    expect([...nyseHolidays(2024).keys()].sort()).toEqual([
      '2024-01-01',
      '2024-01-15',
      '2024-02-19',
      '2024-03-29',
      '2024-05-27',
      '2024-06-19',
      '2024-07-04',
      '2024-09-02',
      '2024-11-28',
      '2024-12-25',
    ]);
  });

  it('moves weekend holidays by the observance rules', () => {
    expect(closedReason('2021-07-05')).toBe('Independence Day'); // July 4 on a Sunday
    expect(closedReason('2020-07-03')).toBe('Independence Day'); // July 4 on a Saturday
    expect(closedReason('2022-06-20')).toBe('Juneteenth'); // June 19 on a Sunday
    expect(closedReason('2022-12-26')).toBe('Christmas Day');
    expect(closedReason('2017-01-02')).toBe("New Year's Day"); // Jan 1 on a Sunday
    // New Year's Day on a Saturday is not observed on the Friday before.
    expect(isTradingDay('2021-12-31')).toBe(true);
    expect(isTradingDay('2010-12-31')).toBe(true);
    expect(isTradingDay('2022-01-03')).toBe(true);
  });

  it('knows Good Friday, Juneteenth only from 2022, and MLK Day only from 1998', () => {
    expect(closedReason('2008-03-21')).toBe('Good Friday');
    expect(closedReason('2019-04-19')).toBe('Good Friday');
    expect(closedReason('1995-04-14')).toBe('Good Friday');
    expect(isTradingDay('2021-06-18')).toBe(true);
    expect(closedReason('2023-06-19')).toBe('Juneteenth');
    expect(isTradingDay('1997-01-20')).toBe(true);
    expect(closedReason('1998-01-19')).toBe('Martin Luther King Jr. Day');
    expect(closedReason('1980-11-04')).toBe('Election Day');
    expect(isTradingDay('1984-11-06')).toBe(true);
  });

  it('knows the special closures', () => {
    for (const date of [
      '2001-09-11',
      '2001-09-12',
      '2001-09-13',
      '2001-09-14',
      '2004-06-11',
      '2007-01-02',
      '2012-10-29',
      '2012-10-30',
      '2018-12-05',
      '2025-01-09',
      '1985-09-27',
    ])
      expect(isTradingDay(date), date).toBe(false);
    expect(isTradingDay('2001-09-17')).toBe(true);
    expect(nextTradingDay('2001-09-10')).toBe('2001-09-17');
    expect(nextTradingDay('2012-10-26')).toBe('2012-10-31');
  });

  it('closes early at 13:00 on July 3, the day after Thanksgiving and Christmas Eve', () => {
    for (const date of [
      '2024-07-03',
      '2019-07-03',
      '2018-07-03',
      '2024-11-29',
      '2023-11-24',
      '2024-12-24',
      '2018-12-24',
      '2002-07-05',
    ])
      expect(isEarlyClose(date), date).toBe(true);
    // July 3 on a Friday is the observed holiday; Christmas Eve on a Friday likewise.
    expect(isEarlyClose('2020-07-03')).toBe(false);
    expect(isEarlyClose('2021-12-24')).toBe(false);
    expect(isEarlyClose('2024-07-02')).toBe(false);
    expect(isEarlyClose('2002-07-03')).toBe(false); // a Wednesday before 2013
    const session = exchangeSession('2024-11-29')!;
    expect(new Date(session.open).toISOString()).toBe('2024-11-29T14:30:00.000Z');
    expect(new Date(session.close).toISOString()).toBe('2024-11-29T18:00:00.000Z');
    expect(exchangeSession('2024-12-25')).toBeNull();
  });

  it('opens the next session after the trading day of an instant', () => {
    // A Friday afternoon: next open is Monday 09:30; a Thursday before Good Friday: the Monday.
    expect(nextSessionOpen(newYorkToEpoch('2024-03-28', '15:00'))).toBe(
      newYorkToEpoch('2024-04-01', '09:30'),
    );
    expect(nextSessionOpen(newYorkToEpoch('2024-07-12', '10:00'))).toBe(
      newYorkToEpoch('2024-07-15', '09:30'),
    );
    // Summer time in 2006 by that year's rules.
    expect(new Date(nextSessionOpen(newYorkToEpoch('2006-03-31', '12:00'))).toISOString()).toBe(
      '2006-04-03T13:30:00.000Z',
    );
  });

  it('has nine to ten holidays on weekdays each year and about 252 trading days', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1999, max: 2060 }), (year) => {
        const holidays = nyseHolidays(year);
        for (const date of holidays.keys()) {
          const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
          expect(dow >= 1 && dow <= 5).toBe(true);
        }
        let tradingDays = 0;
        for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000)
          if (isTradingDay(new Date(t).toISOString().slice(0, 10))) tradingDays++;
        expect(tradingDays).toBeGreaterThanOrEqual(246);
        expect(tradingDays).toBeLessThanOrEqual(254);
      }),
      { numRuns: 40 },
    );
  });
});
