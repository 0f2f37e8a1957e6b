import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Atr } from './atr.ts';
import { RealizedVolatility } from './realized-volatility.ts';
import { Sma } from './sma.ts';

interface Ohlc {
  high: number;
  low: number;
  close: number;
}

const barsArb = fc
  .array(
    fc.record({
      base: fc.double({ min: 10, max: 500, noNaN: true }),
      a: fc.double({ min: 0, max: 5, noNaN: true }),
      b: fc.double({ min: 0, max: 5, noNaN: true }),
      c: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    { minLength: 1, maxLength: 80 },
  )
  .map((rows) =>
    rows.map(({ base, a, b, c }) => {
      const high = base + a;
      const low = base - b;
      return { high, low, close: low + (high - low) * c };
    }),
  );

function trueRanges(bars: Ohlc[]): number[] {
  return bars.map((bar, i) => {
    const prev = bars[i - 1];
    if (prev === undefined) return bar.high - bar.low;
    return Math.max(bar.high - bar.low, Math.abs(bar.high - prev.close), Math.abs(bar.low - prev.close));
  });
}

describe('ATR', () => {
  it('sma form equals the mean of the last N true ranges', () => {
    fc.assert(
      fc.property(barsArb, fc.integer({ min: 1, max: 20 }), (bars, period) => {
        const atr = new Atr(period, 'sma');
        const trs = trueRanges(bars);
        bars.forEach((bar, i) => {
          const got = atr.update(bar.high, bar.low, bar.close);
          if (i + 1 < period) expect(got).toBeNaN();
          else {
            const window = trs.slice(i + 1 - period, i + 1);
            expect(got).toBeCloseTo(window.reduce((s, x) => s + x, 0) / period, 8);
          }
        });
      }),
    );
  });

  it('wilder form seeds with the simple mean then smooths', () => {
    fc.assert(
      fc.property(barsArb, fc.integer({ min: 1, max: 20 }), (bars, period) => {
        const atr = new Atr(period, 'wilder');
        const trs = trueRanges(bars);
        let expected = Number.NaN;
        bars.forEach((bar, i) => {
          const got = atr.update(bar.high, bar.low, bar.close);
          if (i + 1 === period) expected = trs.slice(0, period).reduce((s, x) => s + x, 0) / period;
          else if (i + 1 > period) expected = (expected * (period - 1) + trs[i]!) / period;
          if (Number.isNaN(expected)) expect(got).toBeNaN();
          else expect(got).toBeCloseTo(expected, 8);
        });
      }),
    );
  });

  it('rejects a period that is not a positive integer', () => {
    expect(() => new Atr(0)).toThrow(/positive integer/);
  });
});

describe('SMA and realized volatility', () => {
  it('SMA equals the mean of the last N values', () => {
    const sma = new Sma(3);
    expect(sma.update(1)).toBeNaN();
    sma.update(2);
    expect(sma.update(3)).toBe(2);
    expect(sma.update(10)).toBe(5);
  });

  it('realized volatility equals the sample std of the last N log returns', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 3, maxLength: 60 }),
        fc.integer({ min: 2, max: 10 }),
        (closes, window) => {
          const rv = new RealizedVolatility(window);
          let got = Number.NaN;
          for (const c of closes) got = rv.update(c);
          const rets = closes.slice(1).map((c, i) => Math.log(c / closes[i]!));
          if (rets.length < window) {
            expect(got).toBeNaN();
            return;
          }
          const w = rets.slice(-window);
          const mean = w.reduce((s, x) => s + x, 0) / window;
          const variance = w.reduce((s, x) => s + (x - mean) ** 2, 0) / (window - 1);
          expect(got).toBeCloseTo(Math.sqrt(variance), 6);
        },
      ),
    );
  });
});
