import { describe, expect, it } from 'vitest';
import type { QuoteSeries } from '../data/bar-series.ts';
import { orderCommission, SpreadBook, slippedPrice } from './costs.ts';

describe('orderCommission', () => {
  it('adds per-share, per-order and bps parts, then applies the minimum and the maximum', () => {
    expect(orderCommission({ perShare: 0.005 }, 1000, 50_000)).toBeCloseTo(5);
    expect(orderCommission({ perShare: 0.005, minimum: 1 }, 10, 500)).toBe(1);
    expect(orderCommission({ perShare: 0.005, minimum: 1, maximumPercent: 1 }, 10_000, 2_000)).toBeCloseTo(
      20,
    );
    expect(orderCommission({ perOrder: 1, bps: 2 }, 100, 10_000)).toBeCloseTo(3);
    expect(orderCommission({}, 100, 10_000)).toBe(0);
  });
});

describe('slippedPrice', () => {
  const quotes: QuoteSeries = {
    symbol: 'SPY',
    source: 'test',
    length: 2,
    time: Float64Array.from([60_000, 120_000]),
    bidOpen: Float64Array.from([99.9, 100]),
    askOpen: Float64Array.from([100.1, 100.04]),
    bidClose: Float64Array.from([99.98, 100]),
    askClose: Float64Array.from([100.02, 100.2]),
  };

  it('moves fills against the trader by fixed bps', () => {
    expect(slippedPrice({ bps: 10 }, undefined, 'X', 'buy', 100, 0, false)).toBeCloseTo(100.1);
    expect(slippedPrice({ bps: 10 }, undefined, 'X', 'sell', 100, 0, false)).toBeCloseTo(99.9);
  });

  it('pays half the quoted spread at the fill time, or half the assumed spread without a quote', () => {
    const book = new SpreadBook([quotes], 60_000);
    expect(slippedPrice({}, book, 'SPY', 'buy', 100, 60_000, false)).toBeCloseTo(100.1);
    expect(slippedPrice({}, book, 'SPY', 'buy', 100, 60_000, true)).toBeCloseTo(100.02);
    expect(slippedPrice({}, book, 'SPY', 'sell', 100, 150_000, false)).toBeCloseTo(99.98);
    // Too old a quote: the assumed spread applies.
    expect(slippedPrice({ spreadBps: 20 }, book, 'SPY', 'buy', 100, 500_000, false)).toBeCloseTo(100.1);
    expect(slippedPrice({ spreadBps: 20 }, book, 'QQQ', 'sell', 100, 60_000, false)).toBeCloseTo(99.9);
    expect(
      slippedPrice({ spreadBps: 20, useQuotes: false }, book, 'SPY', 'buy', 100, 60_000, false),
    ).toBeCloseTo(100.1);
  });
});
