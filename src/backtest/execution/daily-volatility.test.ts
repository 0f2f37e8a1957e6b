import { describe, expect, it } from 'vitest';
import { newYorkToEpoch } from '../../core/session.ts';
import { weekdays } from '../synthetic-market.ts';
import { DailyVolatility } from './daily-volatility.ts';

const days = weekdays('2024-01-02', 30);
const at = (i: number, time = '09:30') => newYorkToEpoch(days[i]!, time);

/** Sample standard deviation. */
function stdev(xs: readonly number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
}

describe('DailyVolatility', () => {
  it('uses the fallback until enough session returns exist, then the sample stdev of daily log returns', () => {
    const vol = new DailyVolatility(20, 0.02, 5);
    const closes = [100, 101, 99, 102, 100, 103, 101];
    closes.forEach((c, i) => {
      // Before session i is observed, σ covers the sessions that closed before it.
      if (i <= 5) expect(vol.sigma('AAA', at(i))).toBe(0.02);
      vol.observe('AAA', at(i), c);
    });
    const returns = closes.slice(1).map((c, i) => Math.log(c / closes[i]!));
    // At the next session's open, the last session's close counts (no look-ahead past it).
    expect(vol.sigma('AAA', at(7))).toBeCloseTo(stdev(returns), 12);
    // Inside the last session, its own close is not a session close yet.
    expect(vol.sigma('AAA', at(6, '12:00'))).toBeCloseTo(stdev(returns.slice(0, -1)), 12);
  });

  it('takes the last bar of each session as its close for intraday bars, and keeps only the window', () => {
    const vol = new DailyVolatility(3, 0.02, 2);
    const closes = [100, 110, 99, 104, 100];
    closes.forEach((c, i) => {
      vol.observe('AAA', at(i, '10:00'), c * 0.9); // an earlier bar of the day is not the close
      vol.observe('AAA', at(i, '15:59'), c);
    });
    const returns = closes.slice(1).map((c, i) => Math.log(c / closes[i]!));
    expect(vol.sigma('AAA', at(5))).toBeCloseTo(stdev(returns.slice(-3)), 12);
  });

  it('rescales its closes on a split so the split is not a return', () => {
    const vol = new DailyVolatility(20, 0.02, 2);
    for (const [i, c] of [100, 102, 100].entries()) vol.observe('AAA', at(i), c);
    vol.split('AAA', 2);
    vol.observe('AAA', at(3), 51);
    const returns = [Math.log(102 / 100), Math.log(100 / 102), Math.log(102 / 100)];
    expect(vol.sigma('AAA', at(4))).toBeCloseTo(stdev(returns), 12);
  });
});
