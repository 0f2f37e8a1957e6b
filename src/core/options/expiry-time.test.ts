import { describe, expect, it } from 'vitest';
import { expiryEpochMs, MS_PER_DAY, parseIsoDate, yearFraction } from './expiry-time.ts';

describe('option expiry instants', () => {
  it('are 16:00 New York time: 20:00 UTC in summer, 21:00 UTC in winter', () => {
    expect(expiryEpochMs('2014-06-06')).toBe(Date.UTC(2014, 5, 6, 20));
    expect(expiryEpochMs('2015-12-24')).toBe(Date.UTC(2015, 11, 24, 21));
    expect(expiryEpochMs('2018-01-19')).toBe(Date.UTC(2018, 0, 19, 21));
  });

  it('switch with US daylight saving time (2024: 10 March to 3 November)', () => {
    expect(expiryEpochMs('2024-03-08')).toBe(Date.UTC(2024, 2, 8, 21));
    expect(expiryEpochMs('2024-03-11')).toBe(Date.UTC(2024, 2, 11, 20));
    expect(expiryEpochMs('2024-11-01')).toBe(Date.UTC(2024, 10, 1, 20));
    expect(expiryEpochMs('2024-11-04')).toBe(Date.UTC(2024, 10, 4, 21));
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
