import { describe, expect, it } from 'vitest';
import { newYorkToEpoch } from '../core/session.ts';
import type { TradeRecord } from './backtest-types.ts';
import { computeMetrics, drawdownSeries, profitFactor, sessionCloses, sortinoRatio } from './metrics.ts';

const day = (d: string, t = '09:30') => newYorkToEpoch(d, t);

function trade(pnl: number, r?: number): TradeRecord {
  return {
    symbol: 'X',
    side: 'long',
    qty: 1,
    entryTime: 0,
    exitTime: 1,
    entryPrice: 1,
    exitPrice: 1,
    pnl,
    rMultiple: r,
    barsHeld: 2,
    exitReason: 'stop_loss',
    mfe: 0,
    mae: 0,
  };
}

describe('computeMetrics', () => {
  const time = Float64Array.from(
    ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'].map((d) => day(d)),
  );
  const equity = Float64Array.from([100, 110, 99, 104.5, 121]);
  const gross = Float64Array.from([0, 50, 50, 0, 0]);

  it('finds the largest drawdown with its peak, trough and recovery', () => {
    const m = computeMetrics(time, equity, gross, [], 100);
    expect(m.totalReturnPercent).toBeCloseTo(21);
    expect(m.maxDrawdownPercent).toBeCloseTo(10);
    expect(m.maxDrawdownUsd).toBeCloseTo(11);
    expect(m.maxDrawdownPeak).toBe(time[1]);
    expect(m.maxDrawdownTrough).toBe(time[2]);
    expect(m.maxDrawdownRecovery).toBe(time[4]);
    expect(m.exposurePercent).toBeCloseTo(40);
    expect([...drawdownSeries(equity, 100)].map((x) => Number(x.toFixed(6)))).toEqual([0, 0, 10, 5, 0]);
  });

  it('annualises daily returns with 252 days and a zero risk-free rate', () => {
    const m = computeMetrics(time, equity, gross, [], 100);
    // Returns against the previous session's equity, the first against the starting equity.
    const r = [0, 0.1, 99 / 110 - 1, 104.5 / 99 - 1, 121 / 104.5 - 1];
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 10);
    expect(m.volatilityPercent).toBeCloseTo(sd * Math.sqrt(252) * 100, 10);
  });

  it('summarises trades: win rate, profit factor, average R, expectancy', () => {
    const m = computeMetrics(
      time,
      equity,
      gross,
      [trade(300, 3), trade(-100, -1), trade(-100, -1), trade(0)],
      100,
    );
    expect(m.trades).toBe(4);
    expect(m.winRatePercent).toBe(25);
    expect(m.profitFactor).toBe(1.5);
    expect(m.averageR).toBeCloseTo(1 / 3);
    expect(m.expectancyUsd).toBe(25);
    expect(m.largestLossUsd).toBe(-100);
    expect(computeMetrics(time, equity, gross, [], 100).winRatePercent).toBeNaN();
  });

  it('takes one equity value per New York session for intraday curves', () => {
    const t = Float64Array.from([
      day('2024-01-02', '10:00'),
      day('2024-01-02', '15:59'),
      day('2024-01-03', '09:30'),
    ]);
    expect(sessionCloses(t, Float64Array.from([1, 2, 3]))).toEqual([2, 3]);
  });
});

describe('sortino and profit factor', () => {
  it('sortino: annualised mean over the root mean square of the losses (zero for gains)', () => {
    const returns = [0.02, -0.01, 0.01, -0.02];
    // mean 0; a positive mean next
    expect(sortinoRatio(returns)).toBeCloseTo(0);
    const up = [0.03, -0.01, 0.01, -0.01];
    const downside = Math.sqrt((0.01 ** 2 + 0.01 ** 2) / 4);
    expect(sortinoRatio(up)).toBeCloseTo((0.005 / downside) * Math.sqrt(252), 9);
    expect(sortinoRatio([0.01, 0.02])).toBeNaN(); // no downside
    expect(sortinoRatio([])).toBeNaN();
  });

  it('profit factor: gross profit over gross loss, infinite without losses, undefined without trades', () => {
    expect(profitFactor([100, -50, 50, -25])).toBeCloseTo(2);
    expect(profitFactor([100])).toBe(Number.POSITIVE_INFINITY);
    expect(profitFactor([-10])).toBe(0);
    expect(profitFactor([])).toBeNaN();
    expect(profitFactor([0])).toBeNaN();
  });
});
