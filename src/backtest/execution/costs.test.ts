import { describe, expect, it } from 'vitest';
import type { QuoteSeries } from '../data/bar-series.ts';
import {
  orderCommission,
  type SlippageParts,
  SpreadBook,
  slippageParts,
  slippedPrice,
  sqrtImpact,
} from './costs.ts';

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

  it('charges a small order the minimum and caps a large cheap-share order at 1% of its value (IBKR-like)', () => {
    const ibkr = { perShare: 0.005, minimum: 1, maximumPercent: 1 };
    // 100 shares × $0.005 = $0.50 → the $1 minimum.
    expect(orderCommission(ibkr, 100, 5_000)).toBe(1);
    // 1,000 shares × $0.005 = $5.00, between the minimum and 1% of $50,000.
    expect(orderCommission(ibkr, 1_000, 50_000)).toBeCloseTo(5);
    // 10,000 shares of a $0.30 stock: $50 per share-count, capped at 1% of $3,000 = $30.
    expect(orderCommission(ibkr, 10_000, 3_000)).toBeCloseTo(30);
    // The cap wins over the minimum on a tiny order ($50 of value: 1% = $0.50).
    expect(orderCommission(ibkr, 10, 50)).toBeCloseTo(0.5);
  });
});

describe('sqrtImpact', () => {
  it('is k · σ_daily · sqrt(qty / barVolume) as a fraction of the price', () => {
    expect(sqrtImpact(0.5, 0.02, 10_000, 1_000_000)).toBeCloseTo(0.5 * 0.02 * 0.1, 15);
  });

  it('doubles when the quantity is four times larger, and grows as the bar volume shrinks', () => {
    const one = sqrtImpact(1, 0.015, 2_500, 1_000_000);
    expect(sqrtImpact(1, 0.015, 10_000, 1_000_000)).toBeCloseTo(2 * one, 15);
    expect(sqrtImpact(1, 0.015, 2_500, 250_000)).toBeCloseTo(2 * one, 15);
    expect(sqrtImpact(1, 0.03, 2_500, 1_000_000)).toBeCloseTo(2 * one, 15);
  });

  it('treats a bar without volume (0: unknown) as if the order were the whole bar', () => {
    expect(sqrtImpact(0.5, 0.02, 123, 0)).toBeCloseTo(0.01, 15);
  });
});

describe('slippageParts', () => {
  it('splits the price move into fixed, half-spread and impact dollars per share', () => {
    const out: SlippageParts = { fixed: 0, spread: 0, impact: 0 };
    slippageParts(
      { bps: 1, spreadBps: 4, impact: { k: 0.5 } },
      undefined,
      'X',
      100,
      0,
      false,
      10_000,
      1_000_000,
      0.02,
      out,
    );
    expect(out.fixed).toBeCloseTo(0.01, 12);
    expect(out.spread).toBeCloseTo(0.02, 12);
    expect(out.impact).toBeCloseTo(100 * 0.5 * 0.02 * 0.1, 12);
    // Without an impact model the size does not matter.
    slippageParts({ bps: 1 }, undefined, 'X', 100, 0, false, 1e9, 1, 0.02, out);
    expect(out).toEqual({ fixed: expect.closeTo(0.01, 12), spread: 0, impact: 0 });
  });

  it('moves a fill by the square-root impact, twice as far for four times the shares', () => {
    const model = { impact: { k: 1 } };
    const small = slippedPrice(model, undefined, 'X', 'buy', 50, 0, false, 1_000, 100_000, 0.02) - 50;
    const large = slippedPrice(model, undefined, 'X', 'buy', 50, 0, false, 4_000, 100_000, 0.02) - 50;
    expect(small).toBeCloseTo(50 * 0.02 * Math.sqrt(0.01), 12);
    expect(large).toBeCloseTo(2 * small, 12);
    expect(slippedPrice(model, undefined, 'X', 'sell', 50, 0, false, 4_000, 100_000, 0.02)).toBeCloseTo(
      50 - large,
      12,
    );
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
