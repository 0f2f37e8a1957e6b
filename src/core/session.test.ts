import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRegularHours, newYorkToEpoch, sessionDate } from './session.ts';

const intlDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

const intlDateTime = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

describe('trading session in America/New_York', () => {
  it('puts an evening UTC time on the New York day, not the next UTC day', () => {
    // 2024-01-16 02:30 UTC is 2024-01-15 21:30 in New York.
    expect(sessionDate(Date.UTC(2024, 0, 16, 2, 30))).toBe('2024-01-15');
    // Summer: 2024-07-02 03:59 UTC is 23:59 EDT on the 1st; 04:00 UTC is midnight on the 2nd.
    expect(sessionDate(Date.UTC(2024, 6, 2, 3, 59))).toBe('2024-07-01');
    expect(sessionDate(Date.UTC(2024, 6, 2, 4, 0))).toBe('2024-07-02');
  });

  it('agrees with the platform time-zone database on any instant from 1970 to 2040', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2040, 0, 1) }), (t) => {
        expect(sessionDate(t)).toBe(intlDate.format(t));
      }),
      { numRuns: 2000 },
    );
  });

  it('stays right for time-ordered streams across DST switches (cached path)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2039, 0, 1) }),
        fc.array(fc.integer({ min: 1, max: 3 * 3_600_000 }), { minLength: 50, maxLength: 300 }),
        (start, steps) => {
          let t = start;
          for (const step of steps) {
            t += step;
            expect(sessionDate(t)).toBe(intlDate.format(t));
          }
        },
      ),
      { numRuns: 300 },
    );
    // Every hour around the 2024 switches.
    for (const day of [Date.UTC(2024, 2, 10), Date.UTC(2024, 10, 3)]) {
      for (let t = day - 86_400_000; t < day + 2 * 86_400_000; t += 600_000)
        expect(sessionDate(t)).toBe(intlDate.format(t));
    }
  });

  it('writes the date like toISOString for any day from the year 1000 to 2999', () => {
    fc.assert(
      fc.property(fc.integer({ min: -354_285, max: 376_200 }), (day) => {
        const noonUtc = day * 86_400_000 + 17 * 3_600_000; // 12:00 or 13:00 in New York
        expect(sessionDate(noonUtc)).toBe(new Date(noonUtc).toISOString().slice(0, 10));
      }),
      { numRuns: 5000 },
    );
  });

  it('converts New York wall-clock times across the DST switches', () => {
    expect(newYorkToEpoch('2024-03-08', '09:30')).toBe(Date.UTC(2024, 2, 8, 14, 30));
    expect(newYorkToEpoch('2024-03-11', '09:30')).toBe(Date.UTC(2024, 2, 11, 13, 30));
    expect(newYorkToEpoch('2024-11-04', '16:00')).toBe(Date.UTC(2024, 10, 4, 21, 0));
  });

  it('stamps the 2006 open by the rules of that year (DST from the first Sunday of April to the last of October)', () => {
    // Before 2007 DST began on 2006-04-02 and ended on 2006-10-29: the weeks the post-2007 rules
    // got wrong open at 14:30Z.
    for (const date of ['2006-03-13', '2006-03-20', '2006-03-31', '2006-10-30', '2006-11-03'])
      expect(new Date(newYorkToEpoch(date, '09:30')).toISOString()).toBe(`${date}T14:30:00.000Z`);
    expect(new Date(newYorkToEpoch('2006-04-03', '09:30')).toISOString()).toBe('2006-04-03T13:30:00.000Z');
    expect(new Date(newYorkToEpoch('2006-10-27', '09:30')).toISOString()).toBe('2006-10-27T13:30:00.000Z');
  });

  it('stamps 1995 right (DST 1995-04-02 to 1995-10-29)', () => {
    expect(new Date(newYorkToEpoch('1995-03-31', '09:30')).toISOString()).toBe('1995-03-31T14:30:00.000Z');
    expect(new Date(newYorkToEpoch('1995-04-03', '09:30')).toISOString()).toBe('1995-04-03T13:30:00.000Z');
    expect(new Date(newYorkToEpoch('1995-10-27', '16:00')).toISOString()).toBe('1995-10-27T20:00:00.000Z');
    expect(new Date(newYorkToEpoch('1995-10-30', '16:00')).toISOString()).toBe('1995-10-30T21:00:00.000Z');
    expect(sessionDate(Date.UTC(1995, 9, 30, 4, 30))).toBe('1995-10-29');
  });

  it('converts every New York wall-clock hour from 1970 to 2040 like the time-zone database', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 25_566 }),
        fc.integer({ min: 3, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (day, hour, minute) => {
          const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
          const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
          const t = newYorkToEpoch(date, time);
          expect(intlDateTime.format(t)).toBe(`${date}, ${time}`);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('knows the regular session', () => {
    expect(isRegularHours(newYorkToEpoch('2024-03-11', '09:29'))).toBe(false);
    expect(isRegularHours(newYorkToEpoch('2024-03-11', '09:30'))).toBe(true);
    expect(isRegularHours(newYorkToEpoch('2024-03-11', '15:59'))).toBe(true);
    expect(isRegularHours(newYorkToEpoch('2024-03-11', '16:00'))).toBe(false);
    expect(isRegularHours(newYorkToEpoch('2024-03-09', '12:00'))).toBe(false);
  });
});
