import { describe, expect, it } from 'vitest';
import { kernelExp, kernelLog } from './kernel-math.ts';

/** Park–Miller, so every run checks the same arguments. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

describe("the Black-Scholes kernel's exp and ln", () => {
  it('exp agrees with Math.exp to 3.2e-16 relative from −707 to 708', () => {
    const random = generator(12345);
    let worst = 0;
    let at = 0;
    for (let i = 0; i < 400_000; i++) {
      // Mostly the kernel's arguments (−qT, −rT, −d²/2 near 0), some across the whole range.
      const y = i % 4 === 0 ? -707 + 1415 * random() : -8 * random() ** 2 + (random() < 0.1 ? random() : 0);
      const relative = Math.abs(kernelExp(y) - Math.exp(y)) / Math.exp(y);
      if (relative > worst) {
        worst = relative;
        at = y;
      }
    }
    expect(worst, `worst at y=${at}`).toBeLessThan(3.2e-16);
    expect(kernelExp(0)).toBe(1);
  });

  it('exp falls back to Math.exp outside its range and for NaN', () => {
    expect(kernelExp(-745)).toBe(Math.exp(-745));
    expect(kernelExp(-1e6)).toBe(0);
    expect(kernelExp(710)).toBe(Number.POSITIVE_INFINITY);
    expect(kernelExp(Number.NaN)).toBeNaN();
  });

  it('ln agrees with Math.log to 1.2e-16 absolute below 1 in magnitude, 2.5e-16 relative above, exactly 0 at 1', () => {
    const random = generator(678);
    let worstAbs = 0;
    let worstRel = 0;
    for (let i = 0; i < 400_000; i++) {
      // S/K ratios near 1, the kernel's usual range, and far out.
      const u =
        i % 3 === 0
          ? 1 + (random() - 0.5) * 1e-3
          : i % 3 === 1
            ? 0.2 + 5 * random()
            : Math.exp((random() - 0.5) * 1300);
      const got = kernelLog(u);
      const want = Math.log(u);
      const error = Math.abs(got - want);
      if (Math.abs(want) < 1) worstAbs = Math.max(worstAbs, error);
      else worstRel = Math.max(worstRel, error / Math.abs(want));
    }
    expect(worstAbs).toBeLessThan(1.2e-16);
    expect(worstRel).toBeLessThan(2.5e-16);
    expect(kernelLog(1)).toBe(0);
    expect(kernelLog(2)).toBe(Math.LN2);
    expect(kernelLog(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(kernelLog(-1)).toBeNaN();
  });
});
