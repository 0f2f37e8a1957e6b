import { describe, expect, it } from 'vitest';
import { expMinusScaledSquare, normalTailKernel, normCdf } from './normal-distribution.ts';

const tail = (a: number) => normalTailKernel(a, expMinusScaledSquare(a, 0.5));

describe("the Black-Scholes kernel's normal tail", () => {
  it('agrees with N(−a) to 6e-15 relative from 0 to 38, across the switch between its two fits', () => {
    let worst = 0;
    let at = 0;
    for (let i = 0; i <= 380_000; i++) {
      const a = i / 10_000;
      const reference = normCdf(-a);
      const relative = Math.abs(tail(a) - reference) / reference;
      if (relative > worst) {
        worst = relative;
        at = a;
      }
    }
    expect(worst, `worst at a=${at}`).toBeLessThan(6e-15);
  });

  it('is ½ at zero and never increases with a, including at the switch', () => {
    expect(tail(0)).toBe(0.5);
    let previous = tail(0);
    for (let i = 1; i <= 100_000; i++) {
      const a = 2.7 + i * 1e-6; // 2.7 … 2.8 in steps of 1e-6
      const value = tail(a);
      expect(value).toBeLessThanOrEqual(previous);
      previous = value;
    }
  });

  it('matches published values of the normal distribution', () => {
    // N(−1), N(−2.5), N(−3), N(−10) to 16 digits (mpmath).
    expect(Math.abs(tail(1) / 0.15865525393145705 - 1)).toBeLessThan(6e-15);
    expect(Math.abs(tail(2.5) / 0.006209665325776132 - 1)).toBeLessThan(6e-15);
    expect(Math.abs(tail(3) / 0.0013498980316301 - 1)).toBeLessThan(6e-15);
    expect(Math.abs(tail(10) / 7.619853024160527e-24 - 1)).toBeLessThan(6e-15);
  });
});
