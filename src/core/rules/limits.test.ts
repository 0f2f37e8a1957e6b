import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dollarLimit, exceeds, shareOf } from './limits.ts';

describe('exceeds', () => {
  it('is never true unless the value is above the limit, so checks may test that first', () => {
    const value = fc.oneof(fc.double(), fc.constantFrom(0, -0, 1, 1e-7, 1e20, Number.NaN));
    fc.assert(
      fc.property(value, value, fc.double({ min: -1e-6, max: 1e-6, noNaN: true }), (v, limit, nudge) => {
        for (const x of [v, limit + nudge, limit * (1 + 1e-7), limit]) {
          expect(x > limit && exceeds(x, limit)).toBe(exceeds(x, limit));
        }
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('dollarLimit', () => {
  it('answers what Math.min of the percent share and the dollar cap answers, NaN and infinity included', () => {
    const percent = fc.option(fc.oneof(fc.double({ min: 0, max: 1_000 }), fc.constantFrom(0, 5, 100)), {
      nil: undefined,
    });
    const usd = fc.oneof(
      fc.double({ min: 0, max: 1e12, noNaN: true }),
      fc.constant(Number.POSITIVE_INFINITY),
    );
    const basis = fc.oneof(fc.double(), fc.constantFrom(0, 1e7, Number.NaN, Number.POSITIVE_INFINITY));
    fc.assert(
      fc.property(percent, usd, basis, (p, u, b) => {
        const expected = Math.min(p === undefined ? Number.POSITIVE_INFINITY : (p / 100) * b, u);
        // 0 and -0 are the same limit to every comparison a rule makes.
        expect(dollarLimit(shareOf(p), u, b) + 0).toBe(expected + 0);
      }),
      { numRuns: 5_000 },
    );
  });
});
