import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyFill, type PositionFill, replayFills } from '../../src/store/position-math.ts';

const fillArb = fc.record({
  symbol: fc.constantFrom('AAPL', 'MSFT', 'SPY'),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  qty: fc.integer({ min: 1, max: 500 }),
  price: fc.integer({ min: 100, max: 50_000 }).map((cents) => cents / 100),
});

describe('position math', () => {
  it('averages the entry price when adding and keeps it when reducing', () => {
    const long = applyFill(null, { symbol: 'AAPL', side: 'buy', qty: 10, price: 100 });
    const added = applyFill(long, { symbol: 'AAPL', side: 'buy', qty: 30, price: 120 });
    expect(added).toEqual({ symbol: 'AAPL', qty: 40, avgPrice: 115 });
    const reduced = applyFill(added, { symbol: 'AAPL', side: 'sell', qty: 15, price: 130 });
    expect(reduced).toEqual({ symbol: 'AAPL', qty: 25, avgPrice: 115 });
    expect(applyFill(reduced, { symbol: 'AAPL', side: 'sell', qty: 25, price: 90 })).toBeNull();
  });

  it('opens the remainder at the fill price when a fill flips the position', () => {
    const long = applyFill(null, { symbol: 'AAPL', side: 'buy', qty: 10, price: 100 });
    expect(applyFill(long, { symbol: 'AAPL', side: 'sell', qty: 25, price: 90 })).toEqual({
      symbol: 'AAPL',
      qty: -15,
      avgPrice: 90,
    });
  });

  it('nets quantities per symbol whatever the fills', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 60 }), (fills) => {
        const positions = replayFills([], fills);
        for (const symbol of ['AAPL', 'MSFT', 'SPY']) {
          const net = fills
            .filter((f) => f.symbol === symbol)
            .reduce((sum, f) => sum + (f.side === 'buy' ? f.qty : -f.qty), 0);
          expect(positions.find((p) => p.symbol === symbol)?.qty ?? 0).toBe(net);
        }
        expect(positions.every((p) => p.qty !== 0 && p.avgPrice > 0)).toBe(true);
      }),
    );
  });

  it('gives the same position when a fill is split into two at the same price', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 30 }), fc.nat(), (fills, at) => {
        if (fills.length === 0) return;
        const index = at % fills.length;
        const target = fills[index] as PositionFill;
        if (target.qty < 2) return;
        const part = Math.floor(target.qty / 2);
        const split = [
          ...fills.slice(0, index),
          { ...target, qty: part },
          { ...target, qty: target.qty - part },
          ...fills.slice(index + 1),
        ];
        const whole = replayFills([], fills);
        const halves = replayFills([], split);
        expect(halves.map((p) => [p.symbol, p.qty])).toEqual(whole.map((p) => [p.symbol, p.qty]));
        halves.forEach((p, i) => {
          expect(p.avgPrice).toBeCloseTo(whole[i]?.avgPrice ?? Number.NaN, 6);
        });
      }),
    );
  });

  it('replays from a starting snapshot as if its fills had come first', () => {
    fc.assert(
      fc.property(
        fc.array(fillArb, { maxLength: 30 }),
        fc.array(fillArb, { maxLength: 30 }),
        (first, second) => {
          const direct = replayFills([], [...first, ...second]);
          const viaSnapshot = replayFills(replayFills([], first), second);
          expect(viaSnapshot.map((p) => [p.symbol, p.qty])).toEqual(direct.map((p) => [p.symbol, p.qty]));
        },
      ),
    );
  });
});
