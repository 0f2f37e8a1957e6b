import { describe, expect, it } from 'vitest';
import { DEFAULT_VOLATILITY_SURFACE, surfaceVolatility } from './volatility-surface.ts';

describe('surfaceVolatility', () => {
  const s = DEFAULT_VOLATILITY_SURFACE;

  it('is the base at the money at three months, and dearer for low strikes (equity skew)', () => {
    expect(surfaceVolatility(s, 100, 100, 0.25)).toBeCloseTo(0.25, 15);
    expect(surfaceVolatility(s, 80, 100, 0.25)).toBeGreaterThan(surfaceVolatility(s, 120, 100, 0.25));
    const m = Math.log(0.8);
    expect(surfaceVolatility(s, 80, 100, 0.25)).toBeCloseTo(0.25 - 0.15 * m + 0.3 * m * m, 15);
  });

  it('tilts with maturity by the term slope and stays within its floor and cap', () => {
    const sloped = { ...s, termSlope: 0.02 };
    expect(surfaceVolatility(sloped, 100, 100, 1.25)).toBeCloseTo(0.27, 15);
    expect(surfaceVolatility({ ...s, base: 0.01 }, 100, 100, 0.25)).toBe(s.minVolatility);
    expect(surfaceVolatility({ ...s, base: 10 }, 100, 100, 0.25)).toBe(s.maxVolatility);
  });

  it('is NaN without a positive strike and spot', () => {
    expect(surfaceVolatility(s, 0, 100, 0.25)).toBeNaN();
    expect(surfaceVolatility(s, 100, Number.NaN, 0.25)).toBeNaN();
  });
});
