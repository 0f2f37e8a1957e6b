import { describe, expect, it } from 'vitest';
import { newYorkToEpoch } from '../../core/session.ts';
import type { TradeRecord } from '../backtest-types.ts';
import { BarSeriesBuilder } from '../data/bar-series.ts';
import {
  benchmarkSeries,
  calendarReturns,
  drawdownPeriods,
  pickIndices,
  symbolResults,
} from './report-figures.ts';

const at = (d: string, t = '09:30') => newYorkToEpoch(d, t);

function trade(symbol: string, pnl: number, entry: string, exit: string): TradeRecord {
  return {
    symbol,
    side: 'long',
    qty: 10,
    entryTime: at(entry),
    exitTime: at(exit),
    entryPrice: 1,
    exitPrice: 1,
    pnl,
    rMultiple: undefined,
    barsHeld: 1,
    exitReason: 'signal',
    mfe: 0,
    mae: 0,
  };
}

describe('calendar returns', () => {
  it('compounds month by month from the starting equity, and year by year', () => {
    // New York dates: 2023-12-29 16:00 is still December in New York (21:00Z), 2024-01-31 is January.
    const time = Float64Array.from([
      at('2023-12-28', '16:00'),
      at('2023-12-29', '16:00'),
      at('2024-01-02'),
      at('2024-01-31', '16:00'),
      at('2024-02-01'),
      at('2024-03-28'),
    ]);
    const equity = Float64Array.from([105, 110, 99, 121, 121, 108.9]);
    const { monthly, yearly } = calendarReturns(time, equity, 100);
    expect(monthly.map((m) => [m.year, m.month])).toEqual([
      [2023, 12],
      [2024, 1],
      [2024, 2],
      [2024, 3],
    ]);
    expect(monthly[0]!.returnPercent).toBeCloseTo(10); // 100 → 110
    expect(monthly[1]!.returnPercent).toBeCloseTo(10); // 110 → 121
    expect(monthly[2]!.returnPercent).toBeCloseTo(0);
    expect(monthly[3]!.returnPercent).toBeCloseTo(-10); // 121 → 108.9
    expect(yearly).toEqual([
      { year: 2023, returnPercent: expect.closeTo(10, 6) },
      { year: 2024, returnPercent: expect.closeTo(-1, 6) }, // 110 → 108.9
    ]);
  });

  it('is empty without equity', () => {
    expect(calendarReturns(new Float64Array(0), new Float64Array(0), 100)).toEqual({
      monthly: [],
      yearly: [],
    });
  });
});

describe('drawdown periods', () => {
  const time = Float64Array.from({ length: 10 }, (_, i) => i * 1000);
  //                        0    1   2   3    4    5   6   7    8    9
  const equity = Float64Array.from([100, 90, 95, 101, 120, 96, 84, 90, 110, 119]);

  it('lists each fall from a peak with its start, trough, recovery and depth, deepest first', () => {
    const periods = drawdownPeriods(time, equity, 100, 5);
    expect(periods).toEqual([
      { start: 4000, trough: 6000, recovery: null, depthPercent: expect.closeTo(30, 9), depthUsd: 36 },
      { start: 0, trough: 1000, recovery: 3000, depthPercent: expect.closeTo(10, 9), depthUsd: 10 },
    ]);
  });

  it('keeps the worst n and counts a fall from the starting equity', () => {
    const e = Float64Array.from([95, 100, 99, 100, 97, 100, 98, 100]);
    const t = Float64Array.from(e, (_, i) => i);
    const periods = drawdownPeriods(t, e, 100, 2);
    expect(periods.map((p) => [p.start, p.trough, p.recovery])).toEqual([
      [0, 0, 1],
      [3, 4, 5],
    ]);
    expect(periods[0]!.depthPercent).toBeCloseTo(5);
  });
});

describe('benchmark', () => {
  const b = new BarSeriesBuilder('SPY', 'test');
  b.push(at('2024-01-02'), 1, 1, 1, 50, 0);
  b.push(at('2024-01-03'), 1, 1, 1, 55, 0);
  b.push(at('2024-01-05'), 1, 1, 1, 45, 0);
  const spy = b.build('daily');

  it('holds the symbol from the first equity point: the last close at or before each point', () => {
    const time = Float64Array.from([at('2024-01-02'), at('2024-01-03'), at('2024-01-04'), at('2024-01-05')]);
    expect(Array.from(benchmarkSeries(time, spy, 1000))).toEqual([1000, 1100, 1100, 900]);
  });

  it('is NaN before the symbol has a bar and starts from its first close', () => {
    const time = Float64Array.from([at('2024-01-01'), at('2024-01-03'), at('2024-01-05')]);
    const out = Array.from(benchmarkSeries(time, spy, 1000));
    expect(out[0]).toBeNaN();
    expect(out.slice(1)).toEqual([1000, 45_000 / 55]);
  });

  it('multiplies the shares held by a split from its time on (raw prices fall, the holding does not)', () => {
    const raw = new BarSeriesBuilder('X', 'test');
    raw.push(at('2024-01-02'), 1, 1, 1, 100, 0);
    raw.push(at('2024-01-03'), 1, 1, 1, 110, 0);
    raw.push(at('2024-01-04'), 1, 1, 1, 27.5, 0); // after a 4:1 split
    const time = Float64Array.from([at('2024-01-02'), at('2024-01-03'), at('2024-01-04')]);
    const splits = [
      { symbol: 'X', time: at('2024-01-04', '00:00'), ratio: 4 },
      { symbol: 'Y', time: at('2024-01-03', '00:00'), ratio: 2 },
    ];
    expect(Array.from(benchmarkSeries(time, raw.build('daily'), 1000, splits))).toEqual([1000, 1100, 1100]);
  });
});

describe('per-symbol results', () => {
  it('counts trades, wins, P&L and the share of equity points with a position', () => {
    const time = Float64Array.from(
      ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'].map((d) => at(d)),
    );
    const trades = [
      trade('A', 50, '2024-01-02', '2024-01-04'),
      trade('A', -20, '2024-01-04', '2024-01-05'),
      trade('B', 10, '2024-01-03', '2024-01-04'),
    ];
    const open = [
      { symbol: 'C', qty: 5, avgPrice: 1, lastPrice: 2, entryTime: at('2024-01-05'), unrealizedPnl: 5 },
    ];
    const rows = symbolResults(trades, open, time, ['A', 'B', 'C', 'D']);
    expect(rows).toEqual([
      { symbol: 'A', trades: 2, wins: 1, winRatePercent: 50, pnl: 30, exposurePercent: 60, openQty: 0 },
      { symbol: 'B', trades: 1, wins: 1, winRatePercent: 100, pnl: 10, exposurePercent: 20, openQty: 0 },
      { symbol: 'C', trades: 0, wins: 0, winRatePercent: null, pnl: 0, exposurePercent: 40, openQty: 5 },
      { symbol: 'D', trades: 0, wins: 0, winRatePercent: null, pnl: 0, exposurePercent: 0, openQty: 0 },
    ]);
  });
});

describe('pickIndices', () => {
  it('keeps every index when the series is short enough', () => {
    expect(pickIndices(Float64Array.from([3, 1, 2]), 10)).toEqual([0, 1, 2]);
  });

  it('thins a long series to the low and high of each bucket, keeping the ends and the indices asked for', () => {
    const v = Float64Array.from(
      { length: 10_000 },
      (_, i) => Math.sin(i / 50) * 100 + (i === 4321 ? 1000 : 0),
    );
    const picked = pickIndices(v, 500, [777]);
    expect(picked.length).toBeLessThanOrEqual(503);
    expect(picked[0]).toBe(0);
    expect(picked.at(-1)).toBe(9999);
    expect(picked).toContain(4321); // the spike survives
    expect(picked).toContain(777);
    expect([...picked].sort((a, b) => a - b)).toEqual(picked);
    expect(new Set(picked).size).toBe(picked.length);
  });
});
