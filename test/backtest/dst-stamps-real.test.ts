import { expect, it } from 'vitest';
import { loadMarketData } from '../../src/backtest/data/load-market-data.ts';
import { describeWithShared } from '../support/shared-data.ts';

/** The UTC instants of a series' entries on the given New York dates. */
function stamps(time: Float64Array, length: number, dates: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < length; i++) {
    const iso = new Date(time[i]!).toISOString();
    // A daily bar opens at 09:30 New York, which is the same UTC date.
    const date = iso.slice(0, 10);
    if (dates.includes(date)) out[date] = iso;
  }
  return out;
}

describeWithShared(
  'daily rows stamped by the New York rules of their year',
  ['data/lean_daily_SPY.csv', 'data/cboe_vix_daily.csv'],
  ([spy, vix]) => {
    it('opens SPY at 14:30Z in the 2006 weeks the post-2007 rules called summer, and at 13:30Z in summer', async () => {
      const { data } = await loadMarketData([spy!]);
      const s = data.bars[0]!;
      expect(
        stamps(s.time, s.length, ['2006-03-13', '2006-03-31', '2006-04-03', '2006-10-27', '2006-10-30']),
      ).toEqual({
        '2006-03-13': '2006-03-13T14:30:00.000Z',
        '2006-03-31': '2006-03-31T14:30:00.000Z',
        '2006-04-03': '2006-04-03T13:30:00.000Z',
        '2006-10-27': '2006-10-27T13:30:00.000Z',
        '2006-10-30': '2006-10-30T14:30:00.000Z',
      });
    });

    it('knows the 1995 VIX closes at 16:15 New York by the 1995 rules', async () => {
      const { data } = await loadMarketData([vix!]);
      const v = data.indexes[0]!;
      expect(stamps(v.time, v.length, ['1995-03-31', '1995-04-03', '1995-10-27', '1995-10-30'])).toEqual({
        '1995-03-31': '1995-03-31T21:15:00.000Z',
        '1995-04-03': '1995-04-03T20:15:00.000Z',
        '1995-10-27': '1995-10-27T20:15:00.000Z',
        '1995-10-30': '1995-10-30T21:15:00.000Z',
      });
    });
  },
);
