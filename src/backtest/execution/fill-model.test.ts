import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findFill, lowFirst } from './fill-model.ts';

describe('findFill', () => {
  it('fills a market order at the open', () => {
    expect(findFill('market', 'buy', 0, 100, 105, 95, true)).toEqual({ at: 0, price: 100, gapped: false });
  });

  it('fills a sell stop at the stop when the low reaches it, at the open when the bar gaps through', () => {
    expect(findFill('stop', 'sell', 97, 100, 101, 96, true)).toMatchObject({ price: 97, gapped: false });
    expect(findFill('stop', 'sell', 97, 95, 101, 94, true)).toEqual({ at: 0, price: 95, gapped: true });
    expect(findFill('stop', 'sell', 97, 100, 101, 97.5, true)).toBeUndefined();
  });

  it('fills a buy stop on the high side', () => {
    expect(findFill('stop', 'buy', 103, 100, 104, 99, false)).toMatchObject({ price: 103, gapped: false });
    expect(findFill('stop', 'buy', 103, 105, 106, 104, false)).toMatchObject({ price: 105, gapped: true });
  });

  it('fills a limit at the limit or better', () => {
    expect(findFill('limit', 'buy', 98, 100, 101, 97, true)).toMatchObject({ price: 98 });
    expect(findFill('limit', 'buy', 98, 96, 99, 95, true)).toMatchObject({ price: 96, gapped: true });
    expect(findFill('limit', 'sell', 103, 100, 104, 99, true)).toMatchObject({ price: 103 });
    expect(findFill('limit', 'sell', 103, 100, 102.9, 99, true)).toBeUndefined();
  });

  it('orders a stop and a target in one bar by the assumed path', () => {
    // Long at 100 with stop 95 and target 105; the bar touches both.
    const args = [100, 106, 94] as const;
    const stopFirst = lowFirst('stop-first', 100, 100, 104);
    const stop = findFill('stop', 'sell', 95, ...args, stopFirst)!;
    const target = findFill('limit', 'sell', 105, ...args, stopFirst)!;
    expect(stop.at).toBeLessThan(target.at);
    const targetFirst = lowFirst('target-first', 100, 100, 104);
    expect(findFill('stop', 'sell', 95, ...args, targetFirst)!.at).toBeGreaterThan(
      findFill('limit', 'sell', 105, ...args, targetFirst)!.at,
    );
    // Bar shape: a bar closing up is assumed to dip first.
    expect(lowFirst('bar-shape', 100, 100, 104)).toBe(true);
    expect(lowFirst('bar-shape', 100, 100, 96)).toBe(false);
    // Short positions mirror the conservative choice.
    expect(lowFirst('stop-first', -100, 100, 104)).toBe(false);
  });

  it('never fills outside the bar and never worse than a limit', () => {
    const bar = fc
      .record({
        o: fc.double({ min: 1, max: 200, noNaN: true }),
        a: fc.double({ min: 0, max: 20, noNaN: true }),
        b: fc.double({ min: 0, max: 20, noNaN: true }),
        c: fc.double({ min: 0, max: 1, noNaN: true }),
      })
      .map(({ o, a, b }) => ({ open: o, high: o + a, low: Math.max(0.01, o - b) }));
    fc.assert(
      fc.property(
        bar,
        fc.constantFrom('limit' as const, 'stop' as const),
        fc.constantFrom('buy' as const, 'sell' as const),
        fc.double({ min: 0.5, max: 250, noNaN: true }),
        fc.boolean(),
        (b, kind, side, level, lf) => {
          const fill = findFill(kind, side, level, b.open, b.high, b.low, lf);
          if (fill === undefined) return;
          expect(fill.price).toBeGreaterThanOrEqual(b.low);
          expect(fill.price).toBeLessThanOrEqual(b.high);
          expect(fill.at).toBeGreaterThanOrEqual(0);
          expect(fill.at).toBeLessThanOrEqual(3);
          if (kind === 'limit') expect(side === 'buy' ? fill.price <= level : fill.price >= level).toBe(true);
        },
      ),
    );
  });
});
