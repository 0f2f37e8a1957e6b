import { describe, expect, it } from 'vitest';
import {
  expectAccepted,
  expectOnlyViolation,
  expectViolation,
  mark,
  openPosition,
} from '../../../test/support/core-helpers.ts';
import { engineWith, order, T0 } from '../../../test/support/engine-fixtures.ts';

describe('reference price', () => {
  it('denies an entry in a known symbol that was never priced with NO_REFERENCE_PRICE', () => {
    const { engine } = engineWith({}, {}, { AAPL: 100 });
    const v = expectViolation(
      engine.validateOrder(order('MSFT', 'buy', 1, { type: 'limit', limitPrice: 200 })),
      'NO_REFERENCE_PRICE',
    );
    expect(v).toMatchObject({ ruleId: 'reference-price', message: 'symbol=MSFT' });
  });

  it('denies a zero reference price with INVALID_REFERENCE_PRICE', () => {
    const { engine } = engineWith({}, {}, {});
    // A fill is the only way a non-positive price reaches the book (marks with one are dropped).
    engine.onFill({ executionId: 'gift', symbol: 'MYST', side: 'buy', qty: 1, price: 0, time: T0 });
    const v = expectViolation(engine.validateOrder(order('MYST', 'buy', 1)), 'INVALID_REFERENCE_PRICE');
    expect(v).toMatchObject({ ruleId: 'reference-price', message: 'symbol=MYST price=0' });
  });

  it('never lets a bad mark replace a good price', () => {
    const { engine } = engineWith();
    for (const price of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) mark(engine, 'AAPL', price);
    expect(engine.book.symbols.get('AAPL')?.price).toBe(100);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1), { dryRun: true }));
  });

  it('accepts a price younger than, and exactly as old as, the maximum age; denies one a millisecond older', () => {
    const { engine, clock } = engineWith({ marketData: { maxQuoteAgeMs: 5_000 } });
    clock.advance(4_999);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1), { dryRun: true }));
    clock.advance(1);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1), { dryRun: true }));
    clock.advance(1);
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1)));
    expect(v).toMatchObject({
      code: 'STALE_REFERENCE_PRICE',
      ruleId: 'reference-price',
      message: 'symbol=AAPL ageMs=5001 maxAgeMs=5000',
    });
  });

  it('a fresh mark makes a stale symbol tradable again', () => {
    const { engine, clock } = engineWith({ marketData: { maxQuoteAgeMs: 1_000 } });
    clock.advance(10_000);
    expectViolation(engine.validateOrder(order('AAPL', 'buy', 1)), 'STALE_REFERENCE_PRICE');
    mark(engine, 'AAPL', 101);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
  });

  it('values a quote at its mid', () => {
    const { engine } = engineWith({}, {}, {});
    engine.onMarket({ kind: 'quote', symbol: 'AAPL', time: T0, bid: 99.98, ask: 100.02 });
    expect(engine.book.symbols.get('AAPL')?.price).toBeCloseTo(100, 10);
  });

  it('lets an exit through on a stale price: a missing price must never trap a position', () => {
    const { engine, clock } = engineWith({ marketData: { maxQuoteAgeMs: 1_000 } });
    openPosition(engine, 'AAPL', 'buy', 10, 100);
    clock.advance(60_000);
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 10))).effect).toBe('close');
  });
});
