import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DollarLimit, resolveLimit } from './limits.ts';

const amount = fc.oneof(
  fc.double({ min: 0, max: 1e12, noNaN: true }),
  fc.constantFrom(0, 1, 100, 1e-9, Number.POSITIVE_INFINITY),
);

describe('DollarLimit', () => {
  it('resolves to the same dollars as resolveLimit for every kind of limit and basis', () => {
    fc.assert(
      fc.property(
        fc.option(fc.double({ min: 0, max: 1_000, noNaN: true }), { nil: undefined }),
        fc.option(amount, { nil: undefined }),
        fc.oneof(amount, fc.double({ noNaN: false })),
        (percent, usd, basis) => {
          const limit = {
            ...(percent === undefined ? {} : { percent }),
            ...(usd === undefined ? {} : { usd }),
          };
          expect(Object.is(new DollarLimit(limit).resolve(basis), resolveLimit(limit, basis))).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
