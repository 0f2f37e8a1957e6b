import { describe, expect, it } from 'vitest';
import {
  expiryEpochMs,
  isNewYorkDaylightTime,
  MS_PER_DAY,
  parseIsoDate,
  yearFraction,
} from './expiry-time.ts';

describe('option expiry instants', () => {
  it('are 16:00 New York time: 20:00 UTC in summer, 21:00 UTC in winter', () => {
    expect(expiryEpochMs('2014-06-06')).toBe(Date.UTC(2014, 5, 6, 20));
    expect(expiryEpochMs('2015-12-24')).toBe(Date.UTC(2015, 11, 24, 21));
    expect(expiryEpochMs('2018-01-19')).toBe(Date.UTC(2018, 0, 19, 21));
  });

  it('follow the 2007 rules: second Sunday of March to first Sunday of November', () => {
    // 2024: DST from Sunday 10 March to Sunday 3 November.
    expect(isNewYorkDaylightTime({ year: 2024, month: 3, day: 9 })).toBe(false);
    expect(isNewYorkDaylightTime({ year: 2024, month: 3, day: 10 })).toBe(true);
    expect(isNewYorkDaylightTime({ year: 2024, month: 11, day: 2 })).toBe(true);
    expect(isNewYorkDaylightTime({ year: 2024, month: 11, day: 3 })).toBe(false);
  });

  it('follow the 1987-2006 rules: first Sunday of April to last Sunday of October', () => {
    // 2006: DST from Sunday 2 April to Sunday 29 October.
    expect(isNewYorkDaylightTime({ year: 2006, month: 4, day: 1 })).toBe(false);
    expect(isNewYorkDaylightTime({ year: 2006, month: 4, day: 2 })).toBe(true);
    expect(isNewYorkDaylightTime({ year: 2006, month: 10, day: 28 })).toBe(true);
    expect(isNewYorkDaylightTime({ year: 2006, month: 10, day: 29 })).toBe(false);
    expect(isNewYorkDaylightTime({ year: 2006, month: 3, day: 15 })).toBe(false);
  });

  it('reject text that is not a calendar date', () => {
    expect(expiryEpochMs('2015-02-29')).toBeUndefined();
    expect(expiryEpochMs('2016-02-29')).toBe(Date.UTC(2016, 1, 29, 21));
    expect(expiryEpochMs('20150101')).toBeUndefined();
    expect(parseIsoDate('2015-13-01')).toBeUndefined();
    expect(parseIsoDate('2015-04-31')).toBeUndefined();
  });

  it('measure time to expiry in ACT/365 years', () => {
    const close = Date.UTC(2015, 11, 24, 18); // 13:00 New York, the half-day close
    expect(yearFraction(close, expiryEpochMs('2015-12-24') as number)).toBeCloseTo(3 / 24 / 365, 15);
    expect(yearFraction(0, 365 * MS_PER_DAY)).toBe(1);
    expect(yearFraction(MS_PER_DAY, 0)).toBeCloseTo(-1 / 365, 15);
  });
});
