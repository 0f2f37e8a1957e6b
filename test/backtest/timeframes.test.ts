import { describe, expect, it } from 'vitest';
import { BarSeriesBuilder } from '../../src/backtest/data/bar-series.ts';
import { BarResolutionError } from '../../src/backtest/run-backtest.ts';
import { newYorkToEpoch } from '../../src/core/session.ts';
import { dailyBars, market, run, scripted, weekdays } from '../support/backtest-fixtures.ts';

const FLAT = [100, 101, 99, 100];

/** One-minute bars of the regular session on each of `days` weekdays, flat at 100. */
function minuteBars(symbol: string, days: number) {
  const b = new BarSeriesBuilder(symbol, 'test');
  for (const date of weekdays(days)) {
    const open = newYorkToEpoch(date, '09:30');
    for (let i = 0; i < 390; i++) b.push(open + i * 60_000, 100, 100.5, 99.5, 100, 1_000);
  }
  return b.build('minute');
}

describe('bars per timeframe in a backtest', () => {
  it('refuses daily data for a profile that counts one-minute bars, before any bar runs', () => {
    const data = market([dailyBars('AAA', [FLAT, FLAT])]);
    let bars = 0;
    const counting = { name: 'counting', onBar: () => void bars++ };
    const attempt = () => run(data, counting, { exits: { timeExit: { maxBars: 30, timeframe: '1m' } } });
    expect(attempt).toThrow(BarResolutionError);
    expect(attempt).toThrow(
      'AAA (test) has daily bars: the profile counts 1m bars (exits.timeExit), but bars of 1d are coarser than 1m',
    );
    expect(bars).toBe(0);
  });

  it('counts 1d bars the same on minute data as on daily data: a 2-day time exit', () => {
    const exitsAfter = { exits: { timeExit: { maxBars: 2, timeframe: '1d' as const } } };
    const daily = run(
      market([dailyBars('AAA', [FLAT, FLAT, FLAT, FLAT, FLAT])]),
      scripted({ 0: (ctx) => ctx.buy('AAA', 100) }),
      exitsAfter,
      { execution: { marketFill: 'this-close' } },
    );
    const minutes = run(
      market([minuteBars('AAA', 5)]),
      scripted({ 389: (ctx) => ctx.buy('AAA', 100) }), // the first day's last minute
      exitsAfter,
      { execution: { marketFill: 'this-close' } },
    );
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    expect(daily.trades).toMatchObject([{ exitReason: 'time_exit' }]);
    expect(minutes.trades).toMatchObject([{ exitReason: 'time_exit' }]);
    // Entered on day 1, held through days 2 and 3: out on day 3 (daily data, at its close) or
    // on the first minute that shows day 3 complete (the first bar of day 4).
    expect(day(daily.trades[0]!.exitTime)).toBe(weekdays(3)[2]);
    expect(day(minutes.trades[0]!.exitTime)).toBe(weekdays(4)[3]);
  });
});
