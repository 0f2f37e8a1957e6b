import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isOnTick,
  limitDirection,
  protectiveStopDirection,
  type RoundingDirection,
  roundToTick,
  tickSize,
} from './tick.ts';

const price = fc.double({ min: 0.0001, max: 100_000, noNaN: true, noDefaultInfinity: true });
const direction = fc.constantFrom<RoundingDirection>('down', 'up', 'nearest');

describe('tick size', () => {
  it('is a cent at or above $1 and a hundredth of a cent below', () => {
    expect(tickSize(1)).toBe(0.01);
    expect(tickSize(250.37)).toBe(0.01);
    expect(tickSize(0.9999)).toBe(0.0001);
    expect(tickSize(0.05)).toBe(0.0001);
  });
});

describe('roundToTick', () => {
  it('always lands on the tick grid of the band of its result', () => {
    fc.assert(
      fc.property(price, direction, (p, dir) => {
        expect(isOnTick(roundToTick(p, dir))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('rounds down to at most the price and up to at least it (to within a millionth of a tick)', () => {
    fc.assert(
      fc.property(price, (p) => {
        const slack = tickSize(p) * 1e-6;
        const down = roundToTick(p, 'down');
        const up = roundToTick(p, 'up');
        expect(down).toBeLessThanOrEqual(p + slack);
        expect(up).toBeGreaterThanOrEqual(p - slack);
        expect(up - down).toBeLessThanOrEqual(tickSize(p) + slack);
      }),
      { numRuns: 2_000 },
    );
  });

  it('moves a price by at most half a tick when rounding to the nearest', () => {
    fc.assert(
      fc.property(price, (p) => {
        expect(Math.abs(roundToTick(p) - p)).toBeLessThanOrEqual(tickSize(p) / 2 + tickSize(p) * 1e-6);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is idempotent in every direction', () => {
    fc.assert(
      fc.property(price, direction, direction, (p, first, second) => {
        const once = roundToTick(p, first);
        expect(roundToTick(once, second)).toBe(once);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is monotone: a higher price never rounds lower', () => {
    fc.assert(
      fc.property(price, price, direction, (a, b, dir) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(roundToTick(lo, dir)).toBeLessThanOrEqual(roundToTick(hi, dir));
      }),
      { numRuns: 2_000 },
    );
  });

  it('strips float noise and handles the $1 boundary', () => {
    expect(roundToTick(1.005)).toBe(1.01); // 1.005 × 100 is 100.49999999999999 in binary
    expect(roundToTick(0.1 + 0.2)).toBe(0.3);
    expect(roundToTick(0.12345)).toBe(0.1235);
    expect(roundToTick(0.99995, 'up')).toBe(1);
    expect(roundToTick(0.99995, 'down')).toBe(0.9999);
    expect(roundToTick(0.999951)).toBe(1);
    expect(roundToTick(100.019, 'down')).toBe(100.01);
    expect(roundToTick(100.011, 'up')).toBe(100.02);
    expect(roundToTick(Number.NaN)).toBeNaN();
  });
});

describe('isOnTick', () => {
  it('accepts grid prices and rejects prices between ticks, NaN and infinities', () => {
    for (const p of [1, 100.01, 0.5001, 0.0001, 0.9999, 12345.67]) expect(isOnTick(p)).toBe(true);
    for (const p of [100.015, 0.50015, 1.0001, 0.00005, Number.NaN, Number.POSITIVE_INFINITY])
      expect(isOnTick(p)).toBe(false);
  });

  it('accepts every whole number of ticks in each band', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 10_000_000 }),
        fc.integer({ min: 1, max: 9_999 }),
        (cents, ticks) => {
          expect(isOnTick(cents / 100)).toBe(true);
          expect(isOnTick(ticks / 10_000)).toBe(true);
        },
      ),
    );
  });
});

describe('conservative rounding directions', () => {
  it('never rounds a protective stop toward the market, nor a limit against its owner', () => {
    expect(protectiveStopDirection('sell')).toBe('down');
    expect(protectiveStopDirection('buy')).toBe('up');
    expect(limitDirection('buy')).toBe('down');
    expect(limitDirection('sell')).toBe('up');
  });
});
