import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceeds } from './limits.ts';

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
